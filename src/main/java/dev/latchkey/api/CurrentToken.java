package dev.latchkey.api;

import jakarta.enterprise.context.RequestScoped;

import dev.latchkey.error.LatchkeyException;
import dev.latchkey.token.AccessTokenClaims;

/** The verified access token of the current request, set by {@link BearerAuthFilter}. */
@RequestScoped
public class CurrentToken {

    private AccessTokenClaims claims;

    void set(AccessTokenClaims claims) {
        this.claims = claims;
    }

    /** The verified claims; only call from a {@link BearerAuth} endpoint. */
    public AccessTokenClaims claims() {
        if (claims == null) {
            throw LatchkeyException.missingToken();
        }
        return claims;
    }
}
