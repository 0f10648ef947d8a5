package dev.latchkey.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Every access token the service must refuse (RFC 8725, RFC 9068 §4): each answers 401
 * {@code invalid_token} with {@code WWW-Authenticate: Bearer error="invalid_token"}.
 */
@QuarkusTest
class RefusedAccessTokenTest {

    @Test
    void aWellFormedForgeryStillPassesSoTheOtherTestsMeanSomething() {
        // control: the same forging code with nothing wrong is accepted
        given().header("Authorization", "Bearer " + TestKeys.signWithServiceKey(TestKeys.validClaims()))
                .get("/auth/me").then().statusCode(200).body("username", equalTo("forged-user"));
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() {
        refused(TestKeys.sign(TestKeys.otherPrivateKey(), TestKeys.validClaims(), Map.of()));
    }

    @Test
    void tokenSignedByAnotherKeyUnderItsOwnKidIsRefused() {
        refused(TestKeys.sign(TestKeys.otherPrivateKey(), TestKeys.validClaims(),
                Map.of("kid", TestKeys.kid(TestKeys.otherPublicKey()))));
    }

    @Test
    void algNoneIsRefused() {
        String header = TestKeys.base64Url("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + TestKeys.serviceKid() + "\"}");
        String payload = TestKeys.base64Url(TestKeys.validClaims().toJson());
        refused(header + "." + payload + ".");
        refused(header + "." + payload + ".AAAA");
    }

    @Test
    void hs256KeyedWithThePublicKeyIsRefused() throws Exception {
        String header = TestKeys.base64Url("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"" + TestKeys.serviceKid() + "\"}");
        String payload = TestKeys.base64Url(TestKeys.validClaims().toJson());
        String pem = TestKeys.read("keys/signing.pub.pem");
        for (byte[] secret : new byte[][] { pem.getBytes(StandardCharsets.US_ASCII),
                TestKeys.servicePublicKey().getEncoded() }) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            refused(header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
        }
    }

    @Test
    void wrongTypIsRefused() {
        refused(TestKeys.sign(TestKeys.servicePrivateKey(), TestKeys.validClaims(), Map.of("typ", "JWT")));
        refused(TestKeys.sign(TestKeys.servicePrivateKey(), TestKeys.validClaims(), Map.of("typ", "id_token+jwt")));
    }

    @Test
    void missingTypIsRefused() {
        java.util.HashMap<String, Object> header = new java.util.HashMap<>();
        header.put("typ", null);
        refused(TestKeys.sign(TestKeys.servicePrivateKey(), TestKeys.validClaims(), header));
    }

    @Test
    void applicationAtJwtTypIsAccepted() {
        given().header("Authorization", "Bearer " + TestKeys.sign(TestKeys.servicePrivateKey(), TestKeys.validClaims(),
                Map.of("typ", "application/at+jwt")))
                .get("/auth/me").then().statusCode(200);
    }

    @Test
    void wrongIssuerIsRefused() {
        JwtClaims claims = TestKeys.validClaims();
        claims.setIssuer("https://evil.example");
        refused(TestKeys.signWithServiceKey(claims));
    }

    @Test
    void wrongAudienceIsRefused() {
        JwtClaims claims = TestKeys.validClaims();
        claims.setAudience("someone-else");
        refused(TestKeys.signWithServiceKey(claims));
    }

    @Test
    void expiredTokenIsRefused() {
        JwtClaims claims = TestKeys.validClaims();
        claims.setIssuedAt(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 1000));
        claims.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 31));
        refused(TestKeys.signWithServiceKey(claims));
    }

    @Test
    void tokenExpiredWithinTheClockSkewIsStillAccepted() {
        JwtClaims claims = TestKeys.validClaims();
        claims.setIssuedAt(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 900));
        claims.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 10));
        given().header("Authorization", "Bearer " + TestKeys.signWithServiceKey(claims))
                .get("/auth/me").then().statusCode(200);
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = TestUsers.newSession().accessToken();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"groups\":[\"user\"]", "\"groups\":[\"admin\"]");
        refused(parts[0] + "." + TestKeys.base64Url(payload) + "." + parts[2]);
    }

    @Test
    void tamperedSignatureIsRefused() {
        String token = TestUsers.newSession().accessToken();
        char last = token.charAt(token.length() - 5);
        refused(token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4));
    }

    @Test
    void garbageIsRefused() {
        refused("not-a-token");
        refused("a.b.c");
        refused("");
    }

    @Test
    void missingTokenGetsABareBearerChallenge() {
        Expect.missingToken(given().get("/auth/me"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/auth/me")
                .then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
    }

    static void refused(String token) {
        Response answer = given().header("Authorization", "Bearer " + token).get("/auth/me");
        if (token.isEmpty()) {
            Expect.missingToken(answer);
        } else {
            Expect.invalidToken(answer);
        }
    }
}
