package dev.latchkey.hardening;

import static dev.latchkey.testsupport.TestUsers.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TcpProxy;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * API.md "Bounded waits": a slow, locked or saturated dependency is a bounded wait, then 503
 * {@code temporarily_unavailable}, never a 500 and never a hang; readiness stays UP while only a
 * lock is held; a commit whose answer was lost is not taken for a failure. A pool of two
 * connection, 2 s database and 1 s Redis bounds, PostgreSQL and Redis behind proxies.
 */
@QuarkusTest
@TestProfile(BoundedFailureTest.SmallBounds.class)
class BoundedFailureTest {

    static final TcpProxy POSTGRES = TcpProxy.shared("bounded-postgres", 5432);
    static final TcpProxy REDIS = TcpProxy.shared("bounded-redis", 6379);
    static final Duration DB_BOUND = Duration.ofSeconds(2);
    static final Duration REDIS_BOUND = Duration.ofSeconds(1);

    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/test?currentSchema="
                            + schema(),
                    "quarkus.datasource.jdbc.max-size", "2",
                    "quarkus.datasource.jdbc.min-size", "0",
                    "quarkus.redis.hosts", "redis://127.0.0.1:" + REDIS.port() + "/1",
                    "latchkey.db-timeout", DB_BOUND.toSeconds() + "s",
                    "latchkey.redis-timeout", REDIS_BOUND.toSeconds() + "s");
        }
    }

    static String schema() {
        return System.getenv().getOrDefault("LK_TEST_SCHEMA", "latchkey_test");
    }

    @Inject
    MutableClock clock;

    @AfterEach
    void restore() {
        POSTGRES.restore();
        REDIS.restore();
    }

    @Test
    void aHeldLockAndAFullPoolAnswer503WithinTheBoundAndReadinessStaysUp() throws Exception {
        Session session = TestUsers.newSession();
        try (Connection locker = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?currentSchema="
                + schema(), "postgres", "")) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE refresh_families IN EXCLUSIVE MODE");
            }
            // refreshes wait for the lock on both connections, the third for one of them: the pool stays full
            CompletableFuture<?>[] refreshes = new CompletableFuture<?>[3];
            for (int i = 0; i < refreshes.length; i++) {
                refreshes[i] = CompletableFuture.supplyAsync(() -> timed(() -> refresh(session.refreshToken())));
            }
            Thread.sleep(300);
            CompletableFuture<Timed> login = CompletableFuture.supplyAsync(() -> timed(() -> given()
                    .contentType(ContentType.JSON)
                    .body(Map.of("username", session.user().username(), "password", session.user().password()))
                    .post("/auth/login")));
            CompletableFuture<Timed> sessions = CompletableFuture.supplyAsync(
                    () -> timed(() -> given().header("Authorization", session.bearer()).get("/auth/sessions")));
            given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

            // what needs the locked table answers 503; what does not may find a connection in time: 200
            for (CompletableFuture<?> answer : new CompletableFuture<?>[] { refreshes[0], refreshes[1], refreshes[2],
                    login, sessions }) {
                Timed timed = (Timed) answer.get();
                if (answer != sessions || timed.response().statusCode() != 200) {
                    Expect.error(timed.response(), 503, "temporarily_unavailable");
                }
                assertTrue(timed.took().compareTo(DB_BOUND.plusMillis(500)) <= 0, "answered in " + timed.took());
            }
            locker.rollback();
        }
        // nothing was rotated while the lock was held: the token still works, once
        TestUsers.refreshOk(session);
    }

    @Test
    void aPostgresqlThatAnswersLateIs503WithinTheBound() {
        Session session = TestUsers.newSession();
        POSTGRES.delay(Duration.ofSeconds(10));
        Timed refresh = timed(() -> refresh(session.refreshToken()));
        Expect.error(refresh.response(), 503, "temporarily_unavailable");
        assertTrue(refresh.took().compareTo(DB_BOUND.plusSeconds(1)) <= 0, "answered in " + refresh.took());
        // the bearer check needs no database: still fast
        Timed me = timed(() -> given().header("Authorization", session.bearer()).get("/auth/me"));
        assertEquals(200, me.response().statusCode());
        POSTGRES.restore();
        eventually(() -> refresh(session.refreshToken()).statusCode() == 200);
    }

    @Test
    void aRedisThatAnswersLateIs503WithinTheBoundOnTheBearerCheck() {
        Session session = TestUsers.newSession();
        REDIS.delay(Duration.ofSeconds(10));
        Timed me = timed(() -> given().header("Authorization", session.bearer()).get("/auth/me"));
        Expect.error(me.response(), 503, "temporarily_unavailable");
        assertTrue(me.took().compareTo(REDIS_BOUND.plusMillis(700)) <= 0, "answered in " + me.took());
        REDIS.restore();
        eventually(() -> given().header("Authorization", session.bearer()).get("/auth/me").statusCode() == 200);
    }

    @Test
    void aRefreshWhoseCommitAnswerIsLostAnswersTheSuccessorItCommitted() {
        Session session = TestUsers.newSession();
        POSTGRES.dropTheAnswerToTheNextCommit();
        JsonPath rotated = refresh(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        String successor = rotated.getString("refresh_token");
        assertNotEquals(session.refreshToken(), successor);
        // long after the grace window, the successor it answered is the family's current token
        clock.advance(Duration.ofSeconds(30));
        refresh(successor).then().statusCode(200);
    }

    record Timed(Response response, Duration took) {
    }

    static Timed timed(Supplier<Response> call) {
        long start = System.nanoTime();
        Response response = call.get();
        return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
    }

    static void eventually(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, "did not recover within 20 s");
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
