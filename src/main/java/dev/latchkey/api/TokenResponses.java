package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.latchkey.account.User;
import dev.latchkey.api.Responses.TokenResponse;
import dev.latchkey.session.SessionService.IssuedRefreshToken;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;

/** Builds the contract's token response (RFC 6749 §5.1), never cacheable. */
@ApplicationScoped
public class TokenResponses {

    private final AccessTokenIssuer issuer;

    public TokenResponses(AccessTokenIssuer issuer) {
        this.issuer = issuer;
    }

    /** A fresh access token for the session, with its refresh token in the body. */
    public Response forSession(User user, IssuedRefreshToken refresh) {
        IssuedAccessToken access = issuer.issueForUser(user.id, user.username, user.roleList(), refresh.family().id);
        TokenResponse body = new TokenResponse(access.value(), "Bearer", access.expiresIn(), refresh.raw(),
                refresh.expiresIn(), refresh.family().id.toString(), null);
        return noStore(Response.ok(body)).build();
    }

    static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache");
    }
}
