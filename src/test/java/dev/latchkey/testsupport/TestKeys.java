package dev.latchkey.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.HashUtil;

import io.smallrye.jwt.util.KeyUtils;

/** The test signing key (the one the service is configured with in %test) and a stranger's key, for forging tokens. */
public final class TestKeys {

    private TestKeys() {
    }

    public static PrivateKey servicePrivateKey() {
        return privateKey("keys/signing.pem");
    }

    public static PublicKey servicePublicKey() {
        return publicKey("keys/signing.pub.pem");
    }

    public static PrivateKey otherPrivateKey() {
        return privateKey("keys/other.pem");
    }

    public static PublicKey otherPublicKey() {
        return publicKey("keys/other.pub.pem");
    }

    public static String kid(PublicKey key) {
        return new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) key)
                .calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
    }

    public static String serviceKid() {
        return kid(servicePublicKey());
    }

    /** A user the running service knows, reused for a while (a mint keeps its cache entry for 15 minutes). */
    private static volatile TestUsers.Session known;
    private static volatile long knownAt;
    private static volatile int knownPort;

    /**
     * Claims exactly like a real access token of the service, naming a user the running service
     * knows (a user with a session, logged in through the API): a forgery of them signed with the
     * service's key passes every check, revocation cache included, so the refusal of an edited
     * copy means the edit was caught. Needs the service; {@link #validClaimsOfNobody} does not.
     */
    public static JwtClaims validClaims() {
        JwtClaims claims = validClaimsOfNobody();
        claims.setSubject(knownUserId());
        return claims;
    }

    private static synchronized String knownUserId() {
        long now = System.currentTimeMillis();
        if (known == null || now - knownAt > 10 * 60_000 || knownPort != io.restassured.RestAssured.port) {
            known = TestUsers.newSession();
            knownAt = now;
            knownPort = io.restassured.RestAssured.port;
        }
        return known.user().id();
    }

    /** Claims exactly like a real access token of the service, for a made-up user the service has never seen. */
    public static JwtClaims validClaimsOfNobody() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("http://localhost:8080");
        claims.setAudience("latchkey");
        claims.setSubject(UUID.randomUUID().toString());
        claims.setClaim("upn", "forged-user");
        claims.setClaim("preferred_username", "forged-user");
        claims.setStringListClaim("groups", "user");
        claims.setClaim("sid", UUID.randomUUID().toString());
        claims.setClaim("client_id", "web");
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(15);
        return claims;
    }

    /** An RS256 token with the given claims and extra/overridden header parameters. */
    public static String sign(PrivateKey key, JwtClaims claims, Map<String, Object> header) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue("RS256");
        jws.setHeader("typ", "at+jwt");
        jws.setKeyIdHeaderValue(serviceKid());
        header.forEach((name, value) -> {
            if (value == null) {
                jws.getHeaders().setObjectHeaderValue(name, null);
            } else {
                jws.getHeaders().setObjectHeaderValue(name, value);
            }
        });
        try {
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed with the service's own key. */
    public static String signWithServiceKey(JwtClaims claims) {
        return sign(servicePrivateKey(), claims, Map.of());
    }

    public static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey privateKey(String resource) {
        try {
            return KeyUtils.decodePrivateKey(read(resource));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey publicKey(String resource) {
        try {
            return KeyUtils.decodePublicKey(read(resource));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String read(String resource) {
        try (InputStream in = TestKeys.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
