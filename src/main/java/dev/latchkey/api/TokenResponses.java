package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.latchkey.api.Responses.TokenResponse;
import dev.latchkey.session.SessionService.IssuedRefreshToken;
import dev.latchkey.session.SessionUser;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;

/** Builds the contract's token response (RFC 6749 §5.1), never cacheable. */
@ApplicationScoped
public class TokenResponses {

    private final AccessTokenIssuer issuer;
    private final RefreshCookie cookie;

    public TokenResponses(AccessTokenIssuer issuer, RefreshCookie cookie) {
        this.issuer = issuer;
        this.cookie = cookie;
    }

    /** How the refresh token travels: in the JSON body (mobile, servers) or only in the cookie (browsers). */
    public enum Transport {
        BODY,
        COOKIE
    }

    /** A fresh access token for the session, with its refresh token in the body or in the cookie. */
    public Response forSession(SessionUser user, IssuedRefreshToken refresh, Transport transport) {
        IssuedAccessToken access = issuer.issueForUser(user.id(), user.username(), user.roles(), refresh.familyId());
        boolean inCookie = transport == Transport.COOKIE;
        TokenResponse body = new TokenResponse(access.value(), "Bearer", access.expiresIn(),
                inCookie ? null : refresh.raw(), refresh.expiresIn(), refresh.familyId().toString(), null);
        Response.ResponseBuilder response = noStore(Response.ok(body));
        if (inCookie) {
            response.header(HttpHeaders.SET_COOKIE, cookie.set(refresh.raw(), refresh.expiresIn()));
        }
        return response.build();
    }

    static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache");
    }
}
