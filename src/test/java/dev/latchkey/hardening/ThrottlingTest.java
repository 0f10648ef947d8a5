package dev.latchkey.hardening;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Throttling with small limits: 3 failures per username+address, 8 per address, 4 registrations. */
@QuarkusTest
@TestProfile(ThrottlingTest.SmallLimits.class)
public class ThrottlingTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("latchkey.login-max-failures", "3", "latchkey.login-max-failures-per-address", "8",
                    "latchkey.registration-max-per-address", "6", "latchkey.login-window", "10m");
        }
    }

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void clearThrottleState() {
        // every test here comes from 127.0.0.1; start each from clean counters
        var keys = redis.key().keys("lk:throttle:*");
        if (!keys.isEmpty()) {
            redis.key().del(keys.toArray(String[]::new));
        }
    }

    @Test
    void pastTheLimitLoginAnswers429WithRetryAfterWithoutCheckingThePassword() {
        TestUser user = TestUsers.register();
        for (int i = 0; i < 3; i++) {
            login(user.username(), "wrong password " + i).then().statusCode(401);
        }
        Response throttled = login(user.username(), user.password()); // even the right password
        Expect.refusal(throttled, 429, "slow_down")
                .header("Cache-Control", "no-store");
        int retryAfter = Integer.parseInt(throttled.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 600, "Retry-After " + retryAfter);
    }

    @Test
    void unknownUsersAreThrottledExactlyLikeKnownOnes() {
        String nobody = TestUsers.uniqueName("nobody");
        for (int i = 0; i < 3; i++) {
            login(nobody, "wrong password " + i).then().statusCode(401);
        }
        Expect.error(login(nobody, "wrong password"), 429, "slow_down");
    }

    @Test
    void aSuccessfulLoginClearsTheUsernamesCounter() {
        TestUser user = TestUsers.register();
        login(user.username(), "wrong password 1").then().statusCode(401);
        login(user.username(), "wrong password 2").then().statusCode(401);
        login(user.username(), user.password()).then().statusCode(200);
        login(user.username(), "wrong password 3").then().statusCode(401);
        login(user.username(), "wrong password 4").then().statusCode(401);
        login(user.username(), user.password()).then().statusCode(200);
    }

    @Test
    void theLimitIsPerUsernameSoOtherAccountsStillWork() {
        TestUser victim = TestUsers.register();
        TestUser other = TestUsers.register();
        for (int i = 0; i < 3; i++) {
            login(victim.username(), "wrong password " + i).then().statusCode(401);
        }
        login(victim.username(), victim.password()).then().statusCode(429);
        login(other.username(), other.password()).then().statusCode(200);
    }

    @Test
    void sprayingManyUsernamesFromOneAddressIsThrottledToo() {
        for (int i = 0; i < 8; i++) {
            login(TestUsers.uniqueName("spray"), "Winter2026!").then().statusCode(401);
        }
        Expect.error(login(TestUsers.uniqueName("spray"), "Winter2026!"), 429, "slow_down");
    }

    @Test
    void aForgedXForwardedForDoesNotEscapeTheThrottle() {
        TestUser user = TestUsers.register();
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).header("X-Forwarded-For", "203.0.113." + i)
                    .header("Forwarded", "for=198.51.100." + i)
                    .body(Map.of("username", user.username(), "password", "wrong password " + i))
                    .post("/auth/login").then().statusCode(401);
        }
        given().contentType(ContentType.JSON).header("X-Forwarded-For", "203.0.113.99")
                .body(Map.of("username", user.username(), "password", user.password()))
                .post("/auth/login").then().statusCode(429);
    }

    @Test
    void theCountersExpireWithTheWindowSoThereIsNoPermanentLockout() {
        TestUser user = TestUsers.register();
        for (int i = 0; i < 3; i++) {
            login(user.username(), "wrong password " + i).then().statusCode(401);
        }
        login(user.username(), user.password()).then().statusCode(429);
        for (String key : redis.key().keys("lk:throttle:*:login:*")) {
            long ttl = redis.key().ttl(key);
            assertTrue(ttl > 0 && ttl <= 600, "every counter expires within the window: " + ttl);
        }
        // the window passing is Redis expiring the keys; do it now instead of waiting ten minutes
        redis.key().del(redis.key().keys("lk:throttle:*:login*").toArray(String[]::new));
        login(user.username(), user.password()).then().statusCode(200);
    }

    @Test
    void registrationIsThrottledPerAddress() {
        int created = 0;
        Response last = null;
        for (int i = 0; i < 8; i++) {
            last = given().contentType(ContentType.JSON)
                    .body(Map.of("username", TestUsers.uniqueName("reg"), "password", TestUsers.PASSWORD))
                    .post("/auth/register");
            if (last.statusCode() == 201) {
                created++;
            }
        }
        assertEquals(6, created);
        Expect.error(last, 429, "slow_down");
        assertTrue(Integer.parseInt(last.header("Retry-After")) > 0);
    }

    @Test
    void loginsWithoutAUsernameAreMalformedAndNeverCountTowardsTheLimit() {
        // three failures per username+address is the limit here: ten malformed requests would
        // have reached it (and the address limit of 8) if they counted
        for (int i = 0; i < 10; i++) {
            Map<String, Object> body = new java.util.HashMap<>();
            body.put("password", "some password " + i);
            switch (i % 3) {
                case 0 -> body.put("username", "");
                case 1 -> body.put("username", null);
                default -> {
                    // no username field at all
                }
            }
            Expect.error(given().contentType(ContentType.JSON).body(body).post("/auth/login"), 400, "invalid_request");
        }
        Expect.error(
                given().contentType(ContentType.JSON).body(Map.of("username", "someone", "password", "")).post("/auth/login"),
                400, "invalid_request");
        TestUser user = TestUsers.register();
        login(user.username(), user.password()).then().statusCode(200);
        assertTrue(redis.key().keys("lk:throttle:*:login*").isEmpty() || failuresCounted() == 0,
                "malformed logins left throttle counters behind");
    }

    private long failuresCounted() {
        long total = 0;
        for (String key : redis.key().keys("lk:throttle:*:login*")) {
            if (key.endsWith(":inflight")) {
                continue;
            }
            String value = redis.value(String.class).get(key);
            total += value == null ? 0 : Long.parseLong(value);
        }
        return total;
    }

    @Test
    void correctLoginsInFlightTogetherAllSucceedEvenPastTheLimitInNumber() throws Exception {
        // 8 correct logins at once of a user whose limit is 3: checks in flight are not failures
        TestUser user = TestUsers.register();
        var results = dev.latchkey.testsupport.Concurrently.run(8, () -> login(user.username(), user.password()).statusCode());
        assertEquals(java.util.Collections.nCopies(8, 200), results);
    }

    @Test
    void refusalsDoNotCountOnlyFailedChecksDo() {
        TestUser user = TestUsers.register();
        for (int i = 0; i < 3; i++) {
            login(user.username(), "wrong password " + i).then().statusCode(401);
        }
        for (int i = 0; i < 5; i++) {
            login(user.username(), "wrong again " + i).then().statusCode(429);
        }
        assertEquals(3, failuresCounted() - addressFailures(), "the user's counter holds the 3 failures, no 429");
        assertEquals(3, addressFailures(), "the address's counter too");
    }

    @Test
    void aCorrectLoginAfterOtherUsersFailuresFromTheSameAddressSucceedsWithinTheAddressLimit() {
        for (int i = 0; i < 7; i++) { // the address limit here is 8
            login(TestUsers.uniqueName("guess"), "not the password").then().statusCode(401);
        }
        TestUser uninvolved = TestUsers.register();
        login(uninvolved.username(), uninvolved.password()).then().statusCode(200);
    }

    private long addressFailures() {
        long total = 0;
        for (String key : redis.key().keys("lk:throttle:*:login-addr")) {
            String value = redis.value(String.class).get(key);
            total += value == null ? 0 : Long.parseLong(value);
        }
        return total;
    }

    static Response login(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/auth/login");
    }

    @Test
    void failedPasswordResetsAreThrottledPerAddress() {
        TestUser user = AdminApi.createUser(null);
        String valid = AdminApi.resetToken(user.id());
        for (int i = 0; i < 8; i++) {
            Expect.error(AdminApi.reset(OpaqueTokens.generate(), "a reset passphrase 2026"), 400, "invalid_grant");
        }
        // past the address' limit even a valid token waits: nothing is checked
        Expect.slowDown(AdminApi.reset(valid, "a reset passphrase 2026"), 600);
        clearThrottleState();
        AdminApi.reset(valid, "a reset passphrase 2026").then().statusCode(204); // it was not used up
    }

    @Test
    void aResetWithAGoodTokenOrAWeakPasswordDoesNotCount() {
        for (int i = 0; i < 10; i++) {
            TestUser user = AdminApi.createUser(null);
            String token = AdminApi.resetToken(user.id());
            Expect.error(AdminApi.reset(token, "short"), 400, "invalid_request");
            AdminApi.reset(token, "a reset passphrase 2026").then().statusCode(204);
        }
    }
}
