package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.latchkey.api.Responses.TokenResponse;
import dev.latchkey.oauth.OAuth2Service.ClientToken;
import dev.latchkey.session.SessionService.Grant;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;

/**
 * Writes a grant the services made as the contract's token response (RFC 6749 §5.1), never
 * cacheable: the only choice made here is where the refresh token travels.
 */
@ApplicationScoped
public class TokenResponses {

    private final RefreshCookie cookie;

    public TokenResponses(RefreshCookie cookie) {
        this.cookie = cookie;
    }

    /** How the refresh token travels: in the JSON body (mobile, servers) or only in the cookie (browsers). */
    public enum Transport {
        BODY,
        COOKIE
    }

    /** A session's grant, with its refresh token in the body or in the cookie. */
    public Response forSession(Grant grant, Transport transport) {
        IssuedAccessToken access = grant.access();
        boolean inCookie = transport == Transport.COOKIE;
        TokenResponse body = new TokenResponse(access.value(), "Bearer", access.expiresIn(),
                inCookie ? null : grant.refresh().raw(), grant.refresh().expiresIn(),
                grant.refresh().familyId().toString(), null);
        Response.ResponseBuilder response = noStore(Response.ok(body));
        if (inCookie) {
            response.header(HttpHeaders.SET_COOKIE, cookie.set(grant.refresh().raw(), grant.refresh().expiresIn()));
        }
        return response.build();
    }

    /** A confidential client's own token ({@code client_credentials}): no refresh token, no session. */
    public Response forClient(ClientToken issued) {
        String scope = issued.scopes().isEmpty() ? null : String.join(" ", issued.scopes());
        return noStore(Response.ok(new TokenResponse(issued.token().value(), "Bearer", issued.token().expiresIn(), null,
                null, null, scope))).build();
    }

    static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache");
    }
}
