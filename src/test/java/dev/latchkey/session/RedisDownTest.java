package dev.latchkey.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With Redis unreachable, a revocation check fails closed: 503, never 200. */
@QuarkusTest
@TestProfile(RedisDownTest.DeadRedis.class)
class RedisDownTest {

    public static class DeadRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1", "quarkus.redis.timeout", "1s");
        }
    }

    @Test
    void aValidAccessTokenGets503WhenRevocationCannotBeChecked() {
        String token = TestKeys.signWithServiceKey(TestKeys.validClaimsOfNobody());
        Expect.error(given().header("Authorization", "Bearer " + token).get("/auth/me"), 503, "temporarily_unavailable");
    }

    @Test
    void readinessIsDown() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
    }
}
