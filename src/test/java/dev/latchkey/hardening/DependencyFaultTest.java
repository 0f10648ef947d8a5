package dev.latchkey.hardening;

import static dev.latchkey.testsupport.TestUsers.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TcpProxy;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * PostgreSQL and Redis are reached through TCP proxies the test can freeze, cut and restore:
 * failures are 503 {@code temporarily_unavailable}, nothing is half-written, readiness goes DOWN,
 * and the service recovers without a restart.
 */
@QuarkusTest
@TestProfile(DependencyFaultTest.Proxied.class)
class DependencyFaultTest {

    static final TcpProxy POSTGRES = TcpProxy.shared("postgres", 5432);
    static final TcpProxy REDIS = TcpProxy.shared("redis", 6379);

    public static class Proxied implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String schema = System.getenv().getOrDefault("LK_TEST_SCHEMA", "latchkey_test");
            return Map.of(
                    "quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/test?currentSchema=" + schema,
                    "quarkus.redis.hosts", "redis://127.0.0.1:" + REDIS.port() + "/1",
                    "quarkus.redis.timeout", "2s",
                    "quarkus.datasource.jdbc.acquisition-timeout", "2S");
        }
    }

    @Inject
    MutableClock clock;

    @AfterEach
    void restore() {
        POSTGRES.restore();
        REDIS.restore();
        clock.reset();
    }

    @Test
    void withPostgresqlCutLoginAndRefreshAnswer503AndRecoverWhenItReturns() {
        Session session = TestUsers.newSession();
        POSTGRES.cut();

        unavailable(login(session.user()));
        unavailable(refresh(session.refreshToken()));
        unavailable(given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("new"), "password", TestUsers.PASSWORD))
                .post("/auth/register"));
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));

        POSTGRES.restore();
        eventually(() -> login(session.user()).statusCode() == 200);
        // nothing was rotated while the database was away: the token still works, once
        refresh(session.refreshToken()).then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void withRedisCutBearerEndpointsFailClosedAndRecover() {
        Session session = TestUsers.newSession();
        REDIS.cut();

        unavailable(given().header("Authorization", session.bearer()).get("/auth/me"));
        unavailable(given().header("Authorization", session.bearer()).get("/auth/sessions"));
        unavailable(login(session.user())); // the throttle cannot be checked
        eventually(() -> given().get("/q/health/ready").statusCode() == 503);

        REDIS.restore();
        eventually(() -> given().header("Authorization", session.bearer()).get("/auth/me").statusCode() == 200);
        eventually(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void aLogoutThatCannotReachRedisRevokesNothing() {
        Session session = TestUsers.newSession();
        REDIS.cut();
        unavailable(given().contentType(ContentType.JSON).body(Map.of("refresh_token", session.refreshToken()))
                .post("/auth/logout"));
        REDIS.restore();
        // the family was not revoked in PostgreSQL either (one transaction with the Redis write)
        eventually(() -> refresh(session.refreshToken()).statusCode() == 200);
    }

    @Test
    void anAdminActionThatCannotReachADependencyChangesNothing() {
        Session session = TestUsers.newSession();
        String userId = session.user().id();
        String token = AdminApi.token();
        REDIS.cut();
        unavailable(AdminApi.as(token).contentType("application/merge-patch+json").body("{\"disabled\":true}")
                .patch("/admin/users/" + userId));
        REDIS.restore();
        eventually(() -> given().header("Authorization", session.bearer()).get("/auth/me").statusCode() == 200);
        POSTGRES.cut();
        unavailable(AdminApi.as(token).contentType("application/merge-patch+json").body("{\"disabled\":true}")
                .patch("/admin/users/" + userId));
        unavailable(AdminApi.as(token).delete("/admin/users/" + userId));
        unavailable(AdminApi.as(token).post("/admin/users/" + userId + "/password-reset"));
        unavailable(AdminApi.as(token).get("/admin/users"));
        POSTGRES.restore();
        eventually(() -> AdminApi.read(userId).statusCode() == 200);
        AdminApi.read(userId).then().body("disabled", equalTo(false)).body("active_sessions", equalTo(1));
        given().header("Authorization", session.bearer()).get("/auth/me").then().statusCode(200);
        refresh(session.refreshToken()).then().statusCode(200);
    }

    @Test
    void aRefreshInterruptedByADatabaseCutLeavesTheOldTokenUsableExactlyOnce() throws Exception {
        for (int attempt = 0; attempt < 4; attempt++) {
            Session session = TestUsers.newSession();
            long delayMillis = attempt; // freeze at different points of the refresh conversation
            CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> refresh(session.refreshToken()));
            Thread.sleep(delayMillis);
            POSTGRES.freeze();
            Thread.sleep(300);
            POSTGRES.cut();
            Response interrupted = inFlight.get(30, TimeUnit.SECONDS);
            POSTGRES.restore();

            if (interrupted.statusCode() == 200) {
                // the refresh finished before the cut: the ordinary rules apply
                refresh(session.refreshToken()).then().statusCode(200)
                        .body("refresh_token", equalTo(interrupted.jsonPath().getString("refresh_token")));
            } else {
                unavailable(interrupted);
                eventually(() -> given().get("/q/health/ready").statusCode() == 200);
                // never zero: the old token still rotates, for a client that retries a 503 soon with
                // the same token as the README says (readiness opens its own connection: the pool may
                // still hold one the cut broke, for one more request)
                Response first = retryingUnavailable(() -> refresh(session.refreshToken()));
                first.then().statusCode(200);
                // never twice: retrying it gives the same successor (grace), not a second one
                refresh(session.refreshToken()).then().statusCode(200)
                        .body("refresh_token", equalTo(first.jsonPath().getString("refresh_token")));
            }
            // and once the grace window has passed, the old token is dead
            clock.advance(Duration.ofSeconds(11));
            refresh(session.refreshToken()).then().statusCode(401);
            clock.reset();
        }
    }

    /** What the README asks of clients: a 503 is retried soon, a few times. */
    private static Response retryingUnavailable(Supplier<Response> call) throws InterruptedException {
        Response response = call.get();
        for (int retry = 0; retry < 5 && response.statusCode() == 503; retry++) {
            Thread.sleep(200);
            response = call.get();
        }
        return response;
    }

    private static Response login(TestUsers.TestUser user) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password()))
                .post("/auth/login");
    }

    private static void unavailable(Response response) {
        Expect.error(response, 503, "temporarily_unavailable");
    }

    private static void eventually(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertTrue(condition.get(), "condition not met within 20 s");
    }

}
