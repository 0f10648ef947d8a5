package dev.latchkey.token;

import java.util.List;

/**
 * What a verified access token says. {@code sid} and {@code username} are null for a client's
 * own token ({@code client_credentials}); {@code clientId} is the client the token was issued to:
 * the public client for a user's token, the confidential client itself for its own token.
 */
public record AccessTokenClaims(
        String raw,
        String subject,
        String username,
        List<String> groups,
        String sid,
        String jti,
        long issuedAt,
        long expiresAt,
        String clientId,
        String scope) {

    /** True for a token of a user's session, false for a client's own token. */
    public boolean isUserToken() {
        return sid != null;
    }
}
