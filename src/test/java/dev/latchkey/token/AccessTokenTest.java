package dev.latchkey.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;

/** What an access token is: header, claims, and how it verifies against the JWKS. */
@QuarkusTest
class AccessTokenTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void headerIsRs256AtJwtWithTheThumbprintAsKid() throws Exception {
        Session session = TestUsers.newSession();
        Map<?, ?> header = json.readValue(part(session.accessToken(), 0), Map.class);
        assertEquals(Map.of("alg", "RS256", "typ", "at+jwt", "kid", TestKeys.serviceKid()), header);
    }

    @Test
    void claimsAreExactlyThoseOfTheContract() throws Exception {
        Session session = TestUsers.newSession();
        Map<?, ?> claims = json.readValue(part(session.accessToken(), 1), Map.class);
        assertEquals(Set.of("iss", "aud", "sub", "client_id", "upn", "preferred_username", "groups", "sid", "jti",
                "iat", "exp", "token_version"), claims.keySet());
        assertEquals(0, ((Number) claims.get("token_version")).intValue(), "a new user's tokens carry version 0");
        assertEquals("web", claims.get("client_id"), "RFC 9068 §2.2: the public client the token was issued to");
        assertEquals("http://localhost:8080", claims.get("iss"));
        assertEquals("latchkey", claims.get("aud"));
        assertEquals(session.user().id(), claims.get("sub"));
        assertEquals(session.user().username(), claims.get("upn"));
        assertEquals(session.user().username(), claims.get("preferred_username"));
        assertEquals(List.of("user"), claims.get("groups"));
        assertEquals(session.sid(), claims.get("sid"));
        UUID.fromString((String) claims.get("jti"));
        long iat = ((Number) claims.get("iat")).longValue();
        long exp = ((Number) claims.get("exp")).longValue();
        assertEquals(900, exp - iat);
        assertTrue(Math.abs(iat - System.currentTimeMillis() / 1000) < 60);
    }

    @Test
    void everyTokenHasItsOwnJti() throws Exception {
        Session session = TestUsers.newSession();
        Session again = TestUsers.login(session.user());
        Map<?, ?> a = json.readValue(part(session.accessToken(), 1), Map.class);
        Map<?, ?> b = json.readValue(part(again.accessToken(), 1), Map.class);
        assertFalse(a.get("jti").equals(b.get("jti")));
    }

    @Test
    void anIndependentJoseLibraryVerifiesTheTokenAgainstTheJwks() throws Exception {
        Session session = TestUsers.newSession();
        String jwks = given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JsonWebKeySet keySet = new JsonWebKeySet(jwks);

        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(keySet.getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .setExpectedIssuer("http://localhost:8080")
                .setExpectedAudience("latchkey")
                .setExpectedType(true, "at+jwt")
                .setRequireExpirationTime()
                .build()
                .processToClaims(session.accessToken());
        assertEquals(session.user().id(), claims.getSubject());

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(session.accessToken());
        assertTrue(new VerificationJwkSelector().select(jws, keySet.getJsonWebKeys()) != null);
    }

    @Test
    void jwksHoldsOnlyPublicRsaParametersAndIsCacheable() throws Exception {
        String body = given().get("/.well-known/jwks.json")
                .then().statusCode(200)
                .header("Cache-Control", equalTo("public, max-age=300"))
                .extract().asString();
        Map<?, ?> jwks = json.readValue(body, Map.class);
        List<?> keys = (List<?>) jwks.get("keys");
        assertEquals(1, keys.size());
        Map<?, ?> key = (Map<?, ?>) keys.get(0);
        assertEquals(Set.of("kty", "n", "e", "kid", "alg", "use"), key.keySet());
        assertEquals("RSA", key.get("kty"));
        assertEquals("RS256", key.get("alg"));
        assertEquals("sig", key.get("use"));
        assertEquals(TestKeys.serviceKid(), key.get("kid"));
        for (String secret : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertFalse(body.contains("\"" + secret + "\""), "private parameter " + secret + " in the JWKS");
        }
    }

    @Test
    void discoveryPointsAtTheJwksAndTheOauthEndpoints() {
        given().get("/.well-known/openid-configuration")
                .then().statusCode(200)
                .body("issuer", equalTo("http://localhost:8080"))
                .body("jwks_uri", equalTo("http://localhost:8080/.well-known/jwks.json"))
                .body("token_endpoint", equalTo("http://localhost:8080/oauth2/token"))
                .body("revocation_endpoint", equalTo("http://localhost:8080/oauth2/revoke"))
                .body("introspection_endpoint", equalTo("http://localhost:8080/oauth2/introspect"))
                .body("id_token_signing_alg_values_supported", equalTo(List.of("RS256")));
    }

    static String part(String token, int index) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
    }
}
