package dev.latchkey.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A Quarkus resource server that knows Latchkey only by its JWKS URL
 * ({@code mp.jwt.verify.publickey.location}, plus the expected issuer and audience) accepts Latchkey's access tokens through
 * smallrye-jwt,
 * and refuses forged ones.
 */
@QuarkusTest
@TestProfile(QuarkusResourceServerTest.JwksOnly.class)
class QuarkusResourceServerTest {

    public static class JwksOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the port this test's service listens on: -Dquarkus.http.test-port when the build sets
            // it (it then wins over application.properties), else LK_TEST_PORT, as configured there
            String port = System.getProperty("quarkus.http.test-port",
                    System.getenv().getOrDefault("LK_TEST_PORT", "8081"));
            // the JWKS URL is all a resource server needs; issuer and audience are set because
            // smallrye-jwt's dev/test mode otherwise expects its own default issuer
            return Map.of("mp.jwt.verify.publickey.location", "http://localhost:" + port + "/.well-known/jwks.json",
                    "mp.jwt.verify.issuer", "http://localhost:8080",
                    "mp.jwt.verify.audiences", "latchkey");
        }
    }

    @Test
    void latchkeyTokensAreAcceptedByAPlainSmallryeJwtResourceServer() {
        Session session = TestUsers.newSession();
        given().header("Authorization", session.bearer()).get("/test/resource-server")
                .then().statusCode(200)
                .body("name", equalTo(session.user().username()))
                .body("subject", equalTo(session.user().id()))
                .body("groups", hasItem("user"))
                .body("sid", equalTo(session.sid()));
    }

    @Test
    void forgedTokensAreRefusedByIt() {
        String forged = TestKeys.sign(TestKeys.otherPrivateKey(), TestKeys.validClaimsOfNobody(), Map.of());
        given().header("Authorization", "Bearer " + forged).get("/test/resource-server").then().statusCode(401);
        given().get("/test/resource-server").then().statusCode(401);
    }
}
