package dev.latchkey.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.OwnRedis;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * API.md "Revocation is durable": a revocation answered with success survives anything that
 * happens to Redis. The service runs against a Redis server of this test's own (no persistence, as
 * the README recommends running it), which the test flushes and restarts.
 */
@QuarkusTest
@TestProfile(RevocationDurabilityTest.OwnRedisProfile.class)
class RevocationDurabilityTest {

    static final OwnRedis REDIS = OwnRedis.shared("durability");

    public static class OwnRedisProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", REDIS.url());
        }
    }

    @Inject
    MutableClock clock;

    @Test
    void noRevocationIsUndoneByAFlushOfRedis() {
        RevokedTokens tokens = RevokedTokens.make(clock);
        REDIS.flushAll();
        tokens.neverAcceptedAgain(Duration.ofSeconds(30));
        rebuildWasCounted();
    }

    @Test
    void noRevocationIsUndoneByARestartOfRedisThatLostEverything() {
        RevokedTokens tokens = RevokedTokens.make(clock);
        REDIS.restart();
        tokens.neverAcceptedAgain(Duration.ofSeconds(30));
        rebuildWasCounted();
    }

    private static void rebuildWasCounted() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("latchkey_revocation_cache_rebuilds_total"))
                .body(containsString("latchkey_revocation_cache_generation"));
    }
}
