package dev.latchkey.token;

import java.util.List;
import java.util.UUID;

import dev.latchkey.revocation.Owner;

/**
 * What a verified access token says. {@code sid} and {@code username} are null for a client's
 * own token ({@code client_credentials}); {@code clientId} is the client the token was issued to:
 * the public client for a user's token, the confidential client itself for its own token.
 * {@code tokenVersion} is the user's token version when it was minted (0 for client tokens).
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
        String scope,
        long tokenVersion) {

    /** True for a token of a user's session, false for a client's own token. */
    public boolean isUserToken() {
        return sid != null;
    }

    /** Whose revocation state covers this token: its user, or the client it was issued to. */
    public Owner owner() {
        return isUserToken() ? Owner.user(UUID.fromString(subject)) : Owner.client(clientId);
    }
}
