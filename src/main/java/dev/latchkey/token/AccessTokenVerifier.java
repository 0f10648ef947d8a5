package dev.latchkey.token;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.latchkey.config.InputLimits;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.revocation.RevocationCache;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Verifies access tokens: RS256 only, JOSE header limited to {@code alg}, {@code typ},
 * {@code kid}, a key of our JWKS, {@code typ} {@code at+jwt}, our issuer and audience, times
 * within 30 s of skew, and finally the revocation state in Redis.
 * <p>
 * Every refusal is the same {@code invalid_token} to the client; the reason goes to the debug log.
 */
@ApplicationScoped
public class AccessTokenVerifier {

    static final int VERIFIED_CACHE_SIZE = 4096;

    private static final Logger LOG = Logger.getLogger(AccessTokenVerifier.class);
    private static final Pattern JWS_COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final Set<String> ALLOWED_HEADERS = Set.of("alg", "typ", "kid");
    private static final Set<String> ACCEPTED_TYPES = Set.of("at+jwt", "application/at+jwt");
    private static final AlgorithmConstraints RS256_ONLY = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256);

    private final SigningKeys keys;
    private final RevocationCache revocations;
    private final Clock clock;
    private final ObjectMapper json;
    private final String issuer;
    private final String[] audience;
    private final String publicClientId;
    /** The configured access-token lifetime: no token may claim a longer one (see {@link #verifyUncached}). */
    private final long maxLifetimeSeconds;
    private final LatchkeyMetrics metrics;
    /** Tokens whose signature and claims checked out, until they expire; bounded. */
    private final Cache<String, AccessTokenClaims> verified;

    public AccessTokenVerifier(SigningKeys keys, RevocationCache revocations, LatchkeyConfig config, Clock clock,
            ObjectMapper json, LatchkeyMetrics metrics) {
        this.metrics = metrics;
        this.verified = Caffeine.newBuilder()
                .maximumSize(VERIFIED_CACHE_SIZE)
                .expireAfterWrite(config.accessTokenTtl().plus(RevocationCache.CLOCK_SKEW))
                .build();
        this.keys = keys;
        this.revocations = revocations;
        this.clock = clock;
        this.json = json;
        this.issuer = config.issuer();
        this.audience = config.audience().toArray(String[]::new);
        this.publicClientId = config.publicClientId();
        this.maxLifetimeSeconds = config.accessTokenTtl().toSeconds();
    }

    /** Verifies signature, header and claims, then the revocation state (one Redis round trip). */
    public Uni<AccessTokenClaims> verify(String token) {
        return verify(token, false);
    }

    /**
     * As {@link #verify(String)}; with {@code userTokensOnly} a client's own token is refused
     * before the revocation round trip (it could never pass a user endpoint).
     */
    public Uni<AccessTokenClaims> verify(String token, boolean userTokensOnly) {
        AccessTokenClaims claims;
        try {
            claims = verifySignatureAndClaims(token);
            if (userTokensOnly && !claims.isUserToken()) {
                throw refuse("a client's own token on a user endpoint");
            }
        } catch (LatchkeyException e) {
            return Uni.createFrom().failure(e);
        }
        Timer.Sample sample = metrics.startRevocationCheck();
        return revocations.isRevoked(claims.owner(), claims.tokenVersion(), claims.sid(), claims.jti())
                .onTermination().invoke(() -> metrics.stopRevocationCheck(sample))
                .map(revoked -> {
                    if (revoked) {
                        LOG.debugf("refused access token jti=%s: revoked", claims.jti());
                        throw LatchkeyException.invalidToken();
                    }
                    return claims;
                });
    }

    /**
     * The claims of a token that verifies completely (signature, claims and revocation state), or
     * empty for any refusal: for callers that act on a token only if it is valid (logout's bearer
     * token, RFC 7009 revocation, RFC 7662 introspection). Blocking, for worker threads. Throws
     * only when the revocation state cannot be read (503): "unknown" must never read as "valid".
     */
    public Optional<AccessTokenClaims> verifyIfValid(String token) {
        AccessTokenClaims claims;
        try {
            claims = verifySignatureAndClaims(token);
        } catch (LatchkeyException e) {
            return Optional.empty();
        }
        if (revocations.isRevoked(claims.owner(), claims.tokenVersion(), claims.sid(), claims.jti()).await()
                .indefinitely()) { // bounded by the check's own timeout
            LOG.debugf("refused access token jti=%s: revoked", claims.jti());
            return Optional.empty();
        }
        return Optional.of(claims);
    }

    /**
     * Everything but the revocation state: no I/O. A token that verified once is remembered (by
     * its exact text) until it expires, so a client's repeated calls with the same token cost no
     * further RSA verification; the expiry is still checked on every call, and revocation is never
     * cached (see {@link #verify}).
     */
    AccessTokenClaims verifySignatureAndClaims(String token) {
        if (token == null || token.length() > InputLimits.TOKEN) {
            throw refuse("not a JWS compact serialization of acceptable length");
        }
        AccessTokenClaims known = verified.getIfPresent(token);
        if (known != null) {
            long now = clock.millis() / 1000;
            if (!withinLifetime(known.issuedAt(), known.expiresAt(), now)) {
                throw refuse("expired (or not yet valid)");
            }
            return known;
        }
        AccessTokenClaims claims = verifyUncached(token);
        verified.put(token, claims);
        return claims;
    }

    private AccessTokenClaims verifyUncached(String token) {
        if (!JWS_COMPACT.matcher(token).matches()) {
            throw refuse("not a JWS compact serialization of acceptable length");
        }
        String kid = checkHeader(token.substring(0, token.indexOf('.')));
        SigningKeys.VerificationKey key = keys.byKid(kid).orElseThrow(() -> refuse("unknown kid"));
        JwtClaims jwt;
        try {
            jwt = consumer(key).processToClaims(token);
        } catch (InvalidJwtException e) {
            // jose4j's messages quote the whole token: log its error codes (ErrorCodes) only
            throw refuse("claims or signature, jose4j error codes " + e.getErrorDetails().stream()
                    .map(d -> Integer.toString(d.getErrorCode())).toList());
        }
        try {
            String subject = jwt.getSubject();
            String sid = jwt.getClaimValue("sid", String.class);
            String clientId = jwt.getClaimValue("client_id", String.class);
            String username = jwt.getClaimValue("upn", String.class);
            parseUuid(jwt.getJwtId());
            if (sid != null) {
                // a user's session token: sub and sid are UUIDs, a username is present, and it was
                // issued to the public client (tokens minted before client_id was added have none)
                parseUuid(subject);
                parseUuid(sid);
                if (username == null || (clientId != null && !clientId.equals(publicClientId))) {
                    throw refuse("user token without upn, or issued to another client");
                }
            } else if (clientId == null || !clientId.equals(subject)) {
                throw refuse("neither a session token (sid) nor a client token (client_id = sub)");
            }
            long issuedAt = jwt.getIssuedAt().getValue();
            long expiresAt = jwt.getExpirationTime().getValue();
            long tokenVersion = 0;
            if (sid != null && jwt.hasClaim(AccessTokenIssuer.TOKEN_VERSION)) {
                Object version = jwt.getClaimValue(AccessTokenIssuer.TOKEN_VERSION);
                if (!(version instanceof Long v) || v < 0) {
                    throw refuse("token_version is not a non-negative integer");
                }
                tokenVersion = v;
            }
            if (expiresAt - issuedAt > maxLifetimeSeconds) {
                // revocation records live as long as the configured lifetime (plus skew): a token
                // claiming to live longer could outlive its own revocation, so it is never valid
                throw refuse("lifetime longer than the configured access-token lifetime");
            }
            List<String> groups = jwt.hasClaim("groups") ? jwt.getStringListClaimValue("groups") : List.of();
            return new AccessTokenClaims(token, subject, username, groups, sid, jwt.getJwtId(), issuedAt, expiresAt,
                    sid != null ? publicClientId : clientId, jwt.getClaimValue("scope", String.class), tokenVersion);
        } catch (MalformedClaimException e) {
            throw refuse("malformed claim");
        }
    }

    /** {@code iat} and {@code exp} against this instance's clock, with the one allowed skew. */
    static boolean withinLifetime(long issuedAt, long expiresAt, long now) {
        long skew = RevocationCache.CLOCK_SKEW.toSeconds();
        return now < expiresAt + skew && now >= issuedAt - skew; // as jose4j decides a first sight
    }

    /** Checks the JOSE header before any cryptography; returns the kid. */
    private String checkHeader(String encodedHeader) {
        JsonNode header;
        try {
            header = json.readTree(new String(Base64.getUrlDecoder().decode(encodedHeader), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw refuse("header is not base64url JSON");
        }
        if (header == null || !header.isObject()) {
            throw refuse("header is not a JSON object");
        }
        for (Iterator<String> names = header.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!ALLOWED_HEADERS.contains(name)) {
                // jku, jwk, x5u, x5c, crit, cty, enc, zip, b64...: never trusted (RFC 8725 §3.10)
                throw refuse("header parameter not accepted: " + safe(name));
            }
        }
        JsonNode alg = header.get("alg");
        JsonNode typ = header.get("typ");
        JsonNode kid = header.get("kid");
        if (alg == null || !alg.isTextual() || !AlgorithmIdentifiers.RSA_USING_SHA256.equals(alg.asText())) {
            throw refuse("alg is not RS256");
        }
        if (typ == null || !typ.isTextual() || !ACCEPTED_TYPES.contains(typ.asText().toLowerCase(Locale.ROOT))) {
            throw refuse("typ is not at+jwt");
        }
        if (kid == null || !kid.isTextual()) {
            throw refuse("no kid");
        }
        return kid.asText();
    }

    private JwtConsumer consumer(SigningKeys.VerificationKey key) {
        VerificationKeyResolver resolver = new FixedKeyResolver(key.publicKey());
        int skew = (int) RevocationCache.CLOCK_SKEW.toSeconds();
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(RS256_ONLY)
                .setVerificationKeyResolver(resolver)
                .setExpectedType(true, AccessTokenIssuer.TYPE)
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setAllowedClockSkewInSeconds(skew)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                // iat in the future: only the skew above, the same allowance as for a cached token
                .setIssuedAtRestrictions(0, Integer.MAX_VALUE)
                .setRequireSubject()
                .setRequireJwtId()
                .setExpectedIssuer(true, issuer)
                .setExpectedAudience(true, audience)
                .build();
    }

    private static void parseUuid(String value) {
        try {
            UUID.fromString(value);
        } catch (RuntimeException e) {
            throw refuse("sub, sid or jti is not a UUID");
        }
    }

    private static LatchkeyException refuse(String reason) {
        LOG.debugf("refused access token: %s", reason);
        return LatchkeyException.invalidToken();
    }

    private static String safe(String name) {
        return name.length() > 16 ? name.substring(0, 16) + "..." : name;
    }

    /** Resolves exactly the key the header's kid selected, whatever the token says. */
    private record FixedKeyResolver(Key key) implements VerificationKeyResolver {
        @Override
        public Key resolveKey(org.jose4j.jws.JsonWebSignature jws, List<org.jose4j.jwx.JsonWebStructure> nesting)
                throws UnresolvableKeyException {
            if (!nesting.isEmpty()) {
                throw new UnresolvableKeyException("nested tokens are not accepted");
            }
            return key;
        }
    }
}
