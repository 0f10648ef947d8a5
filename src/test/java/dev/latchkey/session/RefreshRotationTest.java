package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Rotation, grace and reuse detection with the default settings (grace 10 s, reuse kills the family). */
@QuarkusTest
class RefreshRotationTest {

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RedisDataSource redis;

    @Test
    void everyRefreshRotatesAndOnlyTheNewestTokenCarriesTheChainOn() {
        Session session = TestUsers.newSession();
        Set<String> seen = new HashSet<>(List.of(session.refreshToken()));
        Session current = session;
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(11)); // past grace each time
            Session next = refreshOk(current);
            assertTrue(seen.add(next.refreshToken()), "a new refresh token each time");
            assertEquals(session.sid(), next.sid(), "same family");
            assertEquals(200, meStatus(next.accessToken()));
            current = next;
        }
        // an old token of the chain is no longer valid
        Expect.error(refresh(session.refreshToken()), 401, "invalid_grant");
    }

    @Test
    void retryWithinGraceGetsTheIdenticalSuccessorAndAFreshAccessToken() {
        Session session = TestUsers.newSession();
        Session first = refreshOk(session);
        clock.advance(Duration.ofSeconds(9));
        Session retry = refreshOk(session);

        assertEquals(first.refreshToken(), retry.refreshToken(), "the same successor");
        assertNotEquals(first.accessToken(), retry.accessToken(), "a fresh access token");
        assertEquals(200, meStatus(retry.accessToken()));
        assertEquals(200, meStatus(first.accessToken()));
        // the family is intact: the successor rotates normally
        Session next = refreshOk(retry);
        assertEquals(200, meStatus(next.accessToken()));
    }

    @Test
    void reuseAfterGraceRevokesTheWholeFamilyAtOnce() {
        Session login = TestUsers.newSession();
        Session rotated = refreshOk(login);
        clock.advance(Duration.ofSeconds(11));

        Expect.error(refresh(login.refreshToken()), 401, "invalid_grant");

        Expect.error(refresh(rotated.refreshToken()), 401, "invalid_grant");
        assertEquals(401, meStatus(rotated.accessToken()), "access tokens of the family die at once");
        assertEquals(401, meStatus(login.accessToken()));
        Db db = new Db(dataSource);
        assertEquals("reuse_detected",
                db.single("SELECT revoke_reason FROM refresh_families WHERE id = ?", UUID.fromString(login.sid())));
        long ttl = redis.key().ttl("lk:{u:" + login.user().id() + "}:sid:" + login.sid());
        assertTrue(ttl > 0 && ttl <= 900 + 30, "sid denial lives as long as the longest access token: " + ttl);
    }

    @Test
    void reuseDoesNotTouchTheUsersOtherSessions() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());
        refreshOk(first);
        clock.advance(Duration.ofSeconds(11));
        refresh(first.refreshToken()).then().statusCode(401);

        assertEquals(200, meStatus(second.accessToken()));
        refreshOk(second);
    }

    @Test
    void retryingAfterTheSuccessorWasUsedIsReuseEvenWithinGrace() {
        Session login = TestUsers.newSession();
        Session r1 = refreshOk(login);
        Session r2 = refreshOk(r1);

        Expect.error(refresh(login.refreshToken()), 401, "invalid_grant");
        refresh(r2.refreshToken()).then().statusCode(401);
        assertEquals(401, meStatus(r2.accessToken()));
    }

    @Test
    void unknownMalformedAndMissingRefreshTokensAreRefused() {
        Expect.error(refresh(OpaqueTokens.generate()), 401, "invalid_grant");
        Expect.error(refresh("not a token"), 401, "invalid_grant");
        Expect.error(refresh("x".repeat(300)), 400, "invalid_request");
        Expect.error(given().contentType(ContentType.JSON).body("{}").post("/auth/refresh"), 400, "invalid_request");
    }

    @Test
    void refreshAnswersTheTokenResponseWithoutCaching() {
        Session login = TestUsers.newSession();
        refresh(login.refreshToken()).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(900))
                .body("refresh_expires_in", equalTo(604800))
                .body("session_id", equalTo(login.sid()));
    }

    @Test
    void idleExpiryKillsAFamilyNotRefreshedForSevenDays() {
        Session login = TestUsers.newSession();
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        Expect.error(refresh(login.refreshToken()), 401, "invalid_grant");
    }

    @Test
    void refreshingSlidesTheIdleExpiryButNeverPastTheAbsoluteOne() {
        Session current = TestUsers.newSession();
        for (int day = 6; day <= 24; day += 6) {
            clock.advance(Duration.ofDays(6));
            current = refreshOk(current);
        }
        // day 24: idle would allow 7 more days, absolute only 6
        long refreshExpiresIn = current.body().getLong("refresh_expires_in");
        assertTrue(refreshExpiresIn <= Duration.ofDays(6).toSeconds() && refreshExpiresIn > Duration.ofDays(6).toSeconds() - 60,
                "lesser of idle and absolute: " + refreshExpiresIn);
        clock.advance(Duration.ofDays(5));
        current = refreshOk(current);
        assertTrue(current.body().getLong("refresh_expires_in") <= Duration.ofDays(1).toSeconds());
        clock.advance(Duration.ofDays(1).plusSeconds(1)); // day 30 + 1 s, last refresh a day ago
        Expect.error(refresh(current.refreshToken()), 401, "invalid_grant");
    }

    @Test
    void noRawRefreshTokenIsStoredAnywhere() {
        Session login = TestUsers.newSession();
        Session rotated = refreshOk(login);
        Db db = new Db(dataSource);
        for (String table : List.of("users", "refresh_families", "refresh_tokens")) {
            for (Object[] row : db.rows("SELECT * FROM " + table)) {
                for (Object cell : row) {
                    String text = cell instanceof byte[] bytes
                            ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                            : String.valueOf(cell);
                    for (String raw : List.of(login.refreshToken(), rotated.refreshToken())) {
                        assertTrue(!text.contains(raw), "raw refresh token found in " + table);
                        String decoded = new String(java.util.Base64.getUrlDecoder().decode(raw),
                                java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertTrue(!text.contains(decoded), "raw refresh token bytes found in " + table);
                    }
                }
            }
        }
        byte[] stored = (byte[]) db.single("SELECT token_hash FROM refresh_tokens WHERE family_id = ? AND rotated_at IS NULL",
                UUID.fromString(login.sid()));
        assertNotNull(stored);
        assertEquals(32, stored.length);
        assertTrue(java.util.Arrays.equals(OpaqueTokens.hash(rotated.refreshToken()), stored), "only the SHA-256 is kept");
    }
}
