package dev.latchkey.token;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.Claims;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.metrics.LatchkeyMetrics;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Mints RS256 access tokens in the RFC 9068 profile ({@code typ: at+jwt}) with exactly the
 * claims of the contract.
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

    private final SigningKeys keys;
    private final LatchkeyConfig config;
    private final Clock clock;
    private final LatchkeyMetrics metrics;

    public AccessTokenIssuer(SigningKeys keys, LatchkeyConfig config, Clock clock, LatchkeyMetrics metrics) {
        this.keys = keys;
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
        JwtClaimsBuilder claims = Jwt.claims()
                .subject(userId.toString())
                .upn(username)
                .preferredUserName(username)
                .groups(new HashSet<>(roles))
                .claim("sid", sid.toString())
                .claim(CLIENT_ID, config.publicClientId())
                .claim(TOKEN_VERSION, tokenVersion);
        return sign(claims, issuedAt);
    }

    /** A token for a confidential client itself ({@code client_credentials}): {@code sub} is the client. */
    public IssuedAccessToken issueForClient(String clientId, Set<String> scopes) {
        JwtClaimsBuilder claims = Jwt.claims()
                .subject(clientId)
                .claim(CLIENT_ID, clientId);
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes));
        }
        return sign(claims, clock.instant());
    }

    private IssuedAccessToken sign(JwtClaimsBuilder claims, Instant issuedAt) {
        Instant now = Instant.ofEpochSecond(issuedAt.getEpochSecond());
        Instant expiresAt = now.plus(config.accessTokenTtl());
        UUID jti = UUID.randomUUID();
        List<String> audience = config.audience();
        claims.issuer(config.issuer())
                .claim(Claims.jti.name(), jti.toString())
                .issuedAt(now.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond());
        if (audience.size() == 1) {
            claims.audience(audience.get(0));
        } else {
            claims.audience(new HashSet<>(audience));
        }
        String token = metrics.timeSigning(() -> claims.jws()
                .algorithm(SignatureAlgorithm.RS256)
                .keyId(keys.signing().kid())
                .header("typ", TYPE)
                .sign(keys.signingPrivateKey()));
        return new IssuedAccessToken(token, jti, now, expiresAt);
    }
}
