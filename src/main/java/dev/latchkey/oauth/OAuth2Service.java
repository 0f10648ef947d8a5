package dev.latchkey.oauth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.account.AccountService;
import dev.latchkey.account.LoginThrottle;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.InputLimits;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.oauth.ClientRegistry.BasicCredentials;
import dev.latchkey.oauth.ClientRegistry.Client;
import dev.latchkey.revocation.Owner;
import dev.latchkey.revocation.RevocationCache;
import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.session.SessionService;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;
import dev.latchkey.token.AccessTokenVerifier;

/**
 * The OAuth 2.0 side (RFC 6749 token endpoint, RFC 7009 revocation, RFC 7662 introspection) over
 * the same accounts and sessions as {@code /auth/*}: one rotation, grace and reuse implementation
 * behind both.
 */
@ApplicationScoped
public class OAuth2Service {

    private final ClientRegistry clients;
    private final AccountService accounts;
    private final SessionService sessions;
    private final AccessTokenIssuer issuer;
    private final AccessTokenVerifier verifier;
    private final LoginThrottle throttle;
    private final RevocationCache cache;

    public OAuth2Service(ClientRegistry clients, AccountService accounts, SessionService sessions,
            AccessTokenIssuer issuer, AccessTokenVerifier verifier, LoginThrottle throttle, RevocationCache cache) {
        this.cache = cache;
        this.clients = clients;
        this.accounts = accounts;
        this.sessions = sessions;
        this.issuer = issuer;
        this.verifier = verifier;
        this.throttle = throttle;
    }

    /** Who is calling: a confidential client (authenticated), or the public client (by id). */
    public record Caller(Client confidential, boolean isPublic) {
        /** The id of the calling client. */
        public String id(String publicClientId) {
            return confidential != null ? confidential.id() : publicClientId;
        }
    }

    /**
     * Authenticates the caller: HTTP Basic for confidential clients; the public client id, where
     * {@code publicAllowed}, either as the {@code client_id} form field or as HTTP Basic with an
     * empty password ({@code web:}), as many client libraries send it. A secret sent for the public
     * client is refused. Failed client authentication is throttled per client id and address like
     * a failed login.
     */
    public Caller authenticate(String authorization, String clientIdParam, boolean publicAllowed, ClientInfo from) {
        Optional<BasicCredentials> basic = ClientRegistry.parseBasic(authorization);
        if (basic.isPresent()) {
            BasicCredentials credentials = basic.get();
            if (clientIdParam != null && !clientIdParam.equals(credentials.id())) {
                throw ClientRegistry.invalidClient();
            }
            if (credentials.id().equals(clients.publicClientId())) {
                return authenticatePublicOverBasic(credentials, publicAllowed, from);
            }
            LoginThrottle.Attempt attempt = throttle.reserve("client:" + credentials.id(), from.ip());
            Client client;
            try {
                client = clients.authenticate(credentials);
            } catch (LatchkeyException e) {
                attempt.failed();
                throw e;
            }
            attempt.passed();
            return new Caller(client, false);
        }
        if (publicAllowed && clients.publicClientId().equals(clientIdParam)) {
            return new Caller(null, true);
        }
        throw ClientRegistry.invalidClient();
    }

    /** {@code Authorization: Basic base64("web:")}: the public client, which has no secret to send. */
    private Caller authenticatePublicOverBasic(BasicCredentials credentials, boolean publicAllowed, ClientInfo from) {
        if (!credentials.secret().isEmpty()) {
            // a secret for a client that has none: a failed client authentication like any other
            throttle.reserve("client:" + credentials.id(), from.ip()).failed();
            throw ClientRegistry.invalidClient();
        }
        if (!publicAllowed) {
            throw ClientRegistry.invalidClient();
        }
        return new Caller(null, true);
    }

    /** Resource-owner password grant: the same login as {@code /auth/login}. */
    public SessionService.Grant passwordGrant(Caller caller, String username, String password, ClientInfo from) {
        requireUserGrant(caller, "password");
        return accounts.login(required("username", username), required("password", password), from);
    }

    /** Refresh-token grant: exactly {@code /auth/refresh}'s rotation, grace and reuse rules. */
    public SessionService.Rotation refreshGrant(Caller caller, String refreshToken, ClientInfo from) {
        requireUserGrant(caller, "refresh_token");
        return sessions.rotate(required("refresh_token", refreshToken), from);
    }

    /** Client-credentials grant: a token for the client itself, scopes limited to its configured ones. */
    public ClientToken clientCredentials(Caller caller, String scope) {
        if (caller.confidential() == null) {
            throw ClientRegistry.invalidClient();
        }
        Client client = caller.confidential();
        if (!client.mayUse(ClientRegistry.CLIENT_CREDENTIALS)) {
            throw new LatchkeyException(ErrorCode.UNAUTHORIZED_CLIENT, "this client may not use client_credentials");
        }
        Set<String> granted;
        if (scope == null || scope.isBlank()) {
            granted = client.scopes();
        } else {
            granted = new LinkedHashSet<>();
            for (String word : scope.trim().split(" +")) {
                if (!client.scopes().contains(word)) {
                    throw new LatchkeyException(ErrorCode.INVALID_SCOPE, "a requested scope is not allowed for this client");
                }
                granted.add(word);
            }
        }
        // the client's version key must exist for every live token of the client (see RevocationCache)
        cache.recordMint(Owner.client(client.id()), 0);
        return new ClientToken(issuer.issueForClient(client.id(), granted), granted);
    }

    /**
     * The admin API's authorization of a verified, unrevoked access token: a confidential client's
     * own token carrying {@link ClientRegistry#ADMIN_SCOPE}, issued to a client still configured
     * with it. A user's token never passes, whatever roles the user has (user tokens carry no
     * scope). Returns the acting client's id; 403 {@code insufficient_scope} otherwise.
     */
    public String requireAdmin(AccessTokenClaims claims) {
        boolean scoped = !claims.isUserToken() && claims.scope() != null
                && List.of(claims.scope().trim().split(" +")).contains(ClientRegistry.ADMIN_SCOPE);
        if (!scoped || !clients.mayAdminister(claims.clientId())) {
            throw new LatchkeyException(ErrorCode.INSUFFICIENT_SCOPE,
                    "this endpoint needs a client token with the " + ClientRegistry.ADMIN_SCOPE + " scope");
        }
        return claims.clientId();
    }

    /** A client's own access token and its scopes. */
    public record ClientToken(IssuedAccessToken token, Set<String> scopes) {
    }

    /**
     * RFC 7009: a refresh token revokes its family, an access token is denied until it expires.
     * Unknown, invalid, expired and already revoked tokens are fine: the answer is the same. A
     * client revokes only tokens issued to it (§2.1): the public client the users' tokens, a
     * confidential client its own client-credentials tokens; another client's token is 400
     * {@code unauthorized_client} and nothing is revoked.
     */
    public void revoke(Caller caller, String token, ClientInfo from) {
        required("token", token);
        String callerId = caller.id(clients.publicClientId());
        if (OpaqueTokens.isWellFormed(token)) {
            if (!caller.isPublic()) {
                if (sessions.isKnownRefreshToken(token)) {
                    throw notIssuedToCaller();
                }
                return;
            }
            sessions.revokeRefreshToken(token, from);
            return;
        }
        Optional<AccessTokenClaims> claims = verifier.verifyIfValid(token);
        if (claims.isEmpty()) {
            return; // not one of ours, expired or already revoked: nothing to revoke
        }
        if (!callerId.equals(claims.get().clientId())) {
            throw notIssuedToCaller();
        }
        sessions.denyAccessToken(deniable(claims.get()));
    }

    /** A verified access token as a revocation records it. */
    public static SessionService.DeniedToken deniable(AccessTokenClaims claims) {
        return new SessionService.DeniedToken(UUID.fromString(claims.jti()), Instant.ofEpochSecond(claims.expiresAt()),
                claims.owner());
    }

    private static LatchkeyException notIssuedToCaller() {
        return new LatchkeyException(ErrorCode.UNAUTHORIZED_CLIENT, "the token was not issued to this client");
    }

    /** RFC 7662, revocation-aware; only confidential clients may ask. */
    public Map<String, Object> introspect(Caller caller, String token) {
        if (caller.confidential() == null) {
            throw ClientRegistry.invalidClient();
        }
        required("token", token);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (OpaqueTokens.isWellFormed(token)) {
            introspectRefreshToken(token, answer);
        } else {
            introspectAccessToken(token, answer);
        }
        if (answer.isEmpty()) {
            answer.put("active", false);
        }
        return answer;
    }

    private void introspectAccessToken(String token, Map<String, Object> answer) {
        Optional<AccessTokenClaims> verified = verifier.verifyIfValid(token); // 503, never "active", if unsure
        if (verified.isEmpty()) {
            return;
        }
        AccessTokenClaims claims = verified.get();
        answer.put("active", true);
        answer.put("sub", claims.subject());
        answer.put("exp", claims.expiresAt());
        answer.put("iat", claims.issuedAt());
        answer.put("client_id", claims.clientId());
        if (claims.isUserToken()) {
            answer.put("sid", claims.sid());
            answer.put("username", claims.username());
        } else if (claims.scope() != null) {
            answer.put("scope", claims.scope());
        }
        answer.put("token_type", "Bearer");
    }

    private void introspectRefreshToken(String raw, Map<String, Object> answer) {
        sessions.findLive(raw).ifPresent(live -> {
            answer.put("active", true);
            answer.put("sub", live.user().id().toString());
            answer.put("exp", live.expiresAt().getEpochSecond());
            answer.put("iat", live.issuedAt().getEpochSecond());
            answer.put("sid", live.familyId().toString());
            answer.put("client_id", clients.publicClientId());
            answer.put("username", live.user().username());
            answer.put("token_type", "refresh_token");
        });
    }

    private static void requireUserGrant(Caller caller, String grant) {
        if (caller.confidential() != null && !caller.confidential().mayUse(grant)) {
            throw new LatchkeyException(ErrorCode.UNAUTHORIZED_CLIENT, "this client may not use the " + grant + " grant");
        }
    }

    private static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw LatchkeyException.invalidRequest(name + " is required");
        }
        if (value.length() > InputLimits.TOKEN) {
            throw LatchkeyException.invalidRequest(name + " is too long");
        }
        return value;
    }
}
