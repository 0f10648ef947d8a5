package dev.latchkey.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.Claims;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.metrics.LatchkeyMetrics;

/**
 * Mints RS256 access tokens in the RFC 9068 profile ({@code typ: at+jwt}) with exactly the
 * claims of the contract. {@link AccessTokenSigner} serializes and signs them.
 */
@ApplicationScoped
public class AccessTokenIssuer {

    /** The JOSE {@code typ} of every access token (RFC 9068 §2.1). */
    public static final String TYPE = "at+jwt";
    /** RFC 9068 §2.2: the client the token was issued to; the public client id for a user's token. */
    static final String CLIENT_ID = "client_id";
    /**
     * The user's token version when the token was minted: raising it (logout-all, role change,
     * disable) refuses every earlier token of the user, on one shared counter instead of clocks.
     */
    public static final String TOKEN_VERSION = "token_version";

    private final AccessTokenSigner signer;
    private final LatchkeyConfig config;
    private final Clock clock;
    private final LatchkeyMetrics metrics;

    public AccessTokenIssuer(AccessTokenSigner signer, LatchkeyConfig config, Clock clock, LatchkeyMetrics metrics) {
        this.signer = signer;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** An access token and what the response needs to say about it. */
    public record IssuedAccessToken(String value, UUID jti, Instant issuedAt, Instant expiresAt) {
        public long expiresIn() {
            return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
        }
    }

    /**
     * A token for a user's session ({@code sid} = refresh-token family id), issued to the public
     * client ({@code client_id}, which RFC 9068 §2.2 requires on every access token), carrying the
     * user's token version. {@code issuedAt} is the shared (database) clock's, so that a token
     * minted on an instance whose clock is off is neither dead on arrival nor longer-lived.
     */
    public IssuedAccessToken issueForUser(UUID userId, String username, List<String> roles, UUID sid, long tokenVersion,
            Instant issuedAt) {
        return sign(userClaims(userId, username, roles, sid, config.publicClientId(), tokenVersion), issuedAt);
    }

    /** A token for a confidential client itself ({@code client_credentials}): {@code sub} is the client. */
    public IssuedAccessToken issueForClient(String clientId, Set<String> scopes) {
        return sign(clientClaims(clientId, scopes), clock.instant());
    }

    /*
     * The claims are built the way smallrye-jwt-build's Jwt.claims() builds them (a jose4j JwtClaims,
     * sets turned into lists in the set's order, one audience as a string), in the same order, so the
     * payload is byte for byte what Jwt.claims()...jws().sign(key) wrote before AccessTokenSigner
     * (AccessTokenSignerTest compares the two).
     */

    static JwtClaims userClaims(UUID userId, String username, List<String> roles, UUID sid, String clientId,
            long tokenVersion) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(userId.toString());
        claims.setClaim(Claims.upn.name(), username);
        claims.setClaim(Claims.preferred_username.name(), username);
        claims.setClaim(Claims.groups.name(), new ArrayList<>(new HashSet<>(roles)));
        claims.setClaim("sid", sid.toString());
        claims.setClaim(CLIENT_ID, clientId);
        claims.setClaim(TOKEN_VERSION, tokenVersion);
        return claims;
    }

    static JwtClaims clientClaims(String clientId, Set<String> scopes) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(clientId);
        claims.setClaim(CLIENT_ID, clientId);
        if (!scopes.isEmpty()) {
            claims.setClaim("scope", String.join(" ", scopes));
        }
        return claims;
    }

    /** The registered claims every token ends with, after the token's own. */
    static void stamp(JwtClaims claims, String issuer, UUID jti, Instant issuedAt, Instant expiresAt,
            List<String> audience) {
        claims.setIssuer(issuer);
        claims.setClaim(Claims.jti.name(), jti.toString());
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        if (audience.size() == 1) {
            claims.setAudience(audience.get(0));
        } else {
            claims.setAudience(new ArrayList<>(new HashSet<>(audience)));
        }
    }

    private IssuedAccessToken sign(JwtClaims claims, Instant issuedAt) {
        Instant now = Instant.ofEpochSecond(issuedAt.getEpochSecond());
        Instant expiresAt = now.plus(config.accessTokenTtl());
        UUID jti = UUID.randomUUID();
        stamp(claims, config.issuer(), jti, now, expiresAt, config.audience());
        String token = metrics.timeSigning(() -> signer.sign(claims));
        return new IssuedAccessToken(token, jti, now, expiresAt);
    }
}
