package dev.latchkey.adversarial;

import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Abuse of rotating refresh tokens (RFC 9700 §4.14, RFC 6749 §10.4, ASVS 5.0 V7) with the default
 * settings: grace 10 s, reuse kills the family. The basics (rotation, grace, reuse after grace,
 * idle and absolute expiry, 20 concurrent refreshes) are in {@code session.*Test}; these are the
 * attacker's variants. Every refusal is 401 {@code invalid_grant} (400 {@code invalid_request}
 * for a malformed request), hands out no token, and leaves the database as it was.
 */
@QuarkusTest
class RefreshAbuseTest {

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    private Db db() {
        return new Db(dataSource);
    }

    private long tokenRows(String sid) {
        return db().count("SELECT count(*) FROM refresh_tokens WHERE family_id = ?", UUID.fromString(sid));
    }

    private Object column(String column, String sid) {
        return db().single("SELECT " + column + " FROM refresh_families WHERE id = ?", UUID.fromString(sid));
    }

    private static Instant instant(Object value) {
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value);
    }

    private static Session session(TestUsers.TestUser user) {
        return TestUsers.login(user);
    }

    private static TestUsers.TestUser sharedUser;

    /** One user for tests that only need a fresh session each (a login costs one argon2id, a user two). */
    private static synchronized TestUsers.TestUser sharedUser() {
        if (sharedUser == null) {
            sharedUser = TestUsers.register();
        }
        return sharedUser;
    }

    @Test
    @DisplayName("RFC 9700 §4.14.2 / ASVS 5.0 V7.4.1: a replay after grace kills the family, and every bearer endpoint refuses its access tokens")
    void replayAfterGraceKillsTheFamilyEverywhere() {
        Session login = TestUsers.newSession();
        Session rotated = refreshOk(login);
        clock.advance(Duration.ofSeconds(11));

        Expect.invalidGrant(refresh(login.refreshToken()));

        for (Session s : List.of(login, rotated)) {
            Expect.invalidToken(given().header("Authorization", s.bearer()).get("/auth/sessions"));
            Expect.invalidToken(given().header("Authorization", s.bearer()).post("/auth/logout-all"));
            Expect.invalidToken(given().header("Authorization", s.bearer()).contentType(ContentType.JSON)
                    .body(Map.of("current_password", login.user().password(), "new_password", "a brand new passphrase 2026"))
                    .post("/auth/password"));
        }
        Expect.invalidGrant(refresh(rotated.refreshToken()));
        assertEquals("reuse_detected", column("revoke_reason", login.sid()));
    }

    @Test
    @DisplayName("RFC 9700 §4.14.2: replaying another user's rotated token kills only that family and tells the attacker nothing")
    void replayOfAnotherUsersTokenKillsOnlyThatFamilyAndRevealsNothing() {
        Session victim = TestUsers.newSession();
        Session victimsOtherSession = TestUsers.login(victim.user());
        refreshOk(victim);
        Session attacker = TestUsers.newSession();
        clock.advance(Duration.ofSeconds(11));

        Response replay = given().contentType(ContentType.JSON).header("Authorization", attacker.bearer())
                .body(Map.of("refresh_token", victim.refreshToken())).post("/auth/refresh");
        Response unknown = given().contentType(ContentType.JSON).header("Authorization", attacker.bearer())
                .body(Map.of("refresh_token", OpaqueTokens.generate())).post("/auth/refresh");

        Expect.invalidGrant(replay);
        Expect.invalidGrant(unknown);
        assertEquals(unknown.asString(), replay.asString(), "a reused token answers exactly like an unknown one");
        assertTrue(!replay.asString().contains(victim.sid()) && !replay.asString().contains(victim.user().id()));

        assertEquals("reuse_detected", column("revoke_reason", victim.sid()));
        assertEquals(200, TestUsers.meStatus(victimsOtherSession.accessToken()), "the victim's other session lives");
        refreshOk(victimsOtherSession);
        assertEquals(200, TestUsers.meStatus(attacker.accessToken()), "nor did it touch the attacker's own session");
        assertEquals(null, column("revoke_reason", attacker.sid()));
    }

    @Test
    @DisplayName("RFC 9700 §4.14.2: a retry exactly at the end of the grace window (10 s) is reuse, not grace")
    void retryAtTheEndOfTheGraceWindowIsReuse() {
        Session login = session(sharedUser());
        Session rotated = refreshOk(login);
        clock.advance(Duration.ofSeconds(10));

        Expect.invalidGrant(refresh(login.refreshToken()));
        Expect.invalidGrant(refresh(rotated.refreshToken()));
        assertEquals("reuse_detected", column("revoke_reason", login.sid()));
    }

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: a grace-window retry cannot obtain a successor once the family was logged out")
    void graceRetryCannotResurrectALoggedOutFamily() {
        Session login = session(sharedUser());
        Session rotated = refreshOk(login);
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", rotated.refreshToken())).post("/auth/logout")
                .then().statusCode(204);
        long rows = tokenRows(login.sid());

        Expect.invalidGrant(refresh(login.refreshToken())); // still within 10 s of the rotation

        assertEquals("logout", column("revoke_reason", login.sid()));
        assertEquals(rows, tokenRows(login.sid()), "no row written");
        Expect.invalidToken(given().header("Authorization", rotated.bearer()).get("/auth/me"));
    }

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: replaying a rotated token of a logged-out family neither rewrites its revocation nor writes a row")
    void replayIntoALoggedOutFamilyChangesNothing() {
        Session login = session(sharedUser());
        Session rotated = refreshOk(login);
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", rotated.refreshToken())).post("/auth/logout")
                .then().statusCode(204);
        Object revokedAt = column("revoked_at", login.sid());
        long rows = tokenRows(login.sid());
        clock.advance(Duration.ofSeconds(11));

        Expect.invalidGrant(refresh(login.refreshToken()));
        Expect.invalidGrant(refresh(rotated.refreshToken()));

        assertEquals("logout", column("revoke_reason", login.sid()), "the revocation reason stays");
        assertEquals(revokedAt, column("revoked_at", login.sid()), "the revocation instant stays");
        assertEquals(rows, tokenRows(login.sid()));
    }

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: a family revoked via DELETE /auth/sessions/{id} cannot be refreshed, and the refusal writes nothing")
    void sessionDeletedFromAnotherDeviceCannotBeRefreshed() {
        Session victim = session(sharedUser());
        Session other = session(sharedUser());
        given().header("Authorization", other.bearer()).delete("/auth/sessions/" + victim.sid()).then().statusCode(204);
        long rows = tokenRows(victim.sid());

        Expect.invalidGrant(refresh(victim.refreshToken()));

        assertEquals(rows, tokenRows(victim.sid()));
        assertEquals("logout", column("revoke_reason", victim.sid()));
    }

    @Test
    @DisplayName("ASVS 5.0 V7.3.1: an idle-expired family is refused and nothing is written (not even last_used_at)")
    void idleExpiredFamilyIsRefusedWithoutWriting() {
        Session login = session(sharedUser());
        Object lastUsed = column("last_used_at", login.sid());
        clock.advance(Duration.ofDays(7).plusSeconds(1));

        Expect.invalidGrant(refresh(login.refreshToken()));

        assertEquals(1, tokenRows(login.sid()));
        assertEquals(lastUsed, column("last_used_at", login.sid()));
        assertEquals(null, column("revoke_reason", login.sid()), "expiry is not a revocation to be rewritten");
    }

    @Test
    @DisplayName("ASVS 5.0 V7.3.2: a grace-window retry just after the absolute expiry gets nothing")
    void graceRetryAfterTheAbsoluteExpiryGetsNothing() {
        Session current = session(sharedUser());
        Session login = current;
        Instant absolute = instant(column("absolute_expires_at", login.sid()));
        while (Duration.between(clock.instant(), absolute).compareTo(Duration.ofDays(7)) > 0) {
            clock.advance(Duration.ofDays(6));
            current = refreshOk(current);
        }
        // rotate 3 s before the absolute expiry, then retry the parent 4 s later: inside grace, outside the family's life
        clock.advance(Duration.between(clock.instant(), absolute).minusSeconds(3));
        Session parent = current;
        Session last = refreshOk(parent);
        assertTrue(last.body().getLong("refresh_expires_in") <= 3, "refresh_expires_in never passes the absolute expiry");
        clock.advance(Duration.ofSeconds(4));

        Expect.invalidGrant(refresh(parent.refreshToken()));
        Expect.invalidGrant(refresh(last.refreshToken()));
    }

    @ParameterizedTest(name = "RFC 6749 §10.4: a refresh token {0} is unknown, and the real one still works (no reuse triggered)")
    @ValueSource(strings = { "with one character changed", "with its letters' case swapped", "with a trailing space",
            "with a '+' (standard base64) in it", "with '=' padding" })
    void nearMissRefreshTokensAreUnknownAndHarmless(String variant) {
        Session login = session(sharedUser());
        String real = login.refreshToken();
        String mangled = switch (variant) {
            case "with one character changed" ->
                real.substring(0, 10) + (real.charAt(10) == 'A' ? 'B' : 'A') + real.substring(11);
            case "with its letters' case swapped" -> swapCase(real);
            case "with a trailing space" -> real + " ";
            case "with a '+' (standard base64) in it" -> "+" + real.substring(1);
            default -> real + "=";
        };
        long rows = tokenRows(login.sid());

        Expect.invalidGrant(refresh(mangled));

        assertEquals(rows, tokenRows(login.sid()));
        assertEquals(null, column("revoke_reason", login.sid()));
        refreshOk(login);
    }

    private static String swapCase(String value) {
        StringBuilder swapped = new StringBuilder();
        for (char c : value.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }

    @Test
    @DisplayName("RFC 6749 §6 / API.md transport: a refresh token in the Authorization header is not accepted, and not consumed")
    void refreshTokenInTheAuthorizationHeaderIsNotAccepted() {
        Session login = session(sharedUser());
        Expect.invalidRequest(given().header("Authorization", "Bearer " + login.refreshToken()).post("/auth/refresh"), 400);
        refreshOk(login);
    }

    @Test
    @DisplayName("RFC 9700 §4.3 / RFC 6750 §5.3: a refresh token in the query string is not accepted, and not consumed")
    void refreshTokenInTheQueryStringIsNotAccepted() {
        Session login = session(sharedUser());
        Expect.invalidRequest(given().queryParam("refresh_token", login.refreshToken()).post("/auth/refresh"), 400);
        refreshOk(login);
    }

    @Test
    @DisplayName("API.md (oversized field): a 15000-character refresh token is 400 invalid_request")
    void extremelyLongRefreshTokenIsInvalidRequest() {
        Session login = session(sharedUser());
        Expect.invalidRequest(refresh(login.refreshToken() + "A".repeat(15_000)), 400);
        assertEquals(1, tokenRows(login.sid()));
        refreshOk(login);
    }

    @Test
    @DisplayName("API.md (control characters): the real refresh token with a NUL appended is 400 invalid_request and consumes nothing")
    void refreshTokenWithNulIsInvalidRequest() {
        Session login = session(sharedUser());
        Expect.invalidRequest(refresh(login.refreshToken() + "\u0000"), 400);
        Expect.invalidRequest(refresh(login.refreshToken().substring(0, 20) + "\u0000" + login.refreshToken().substring(20)),
                400);
        assertEquals(1, tokenRows(login.sid()));
        refreshOk(login);
    }

    @Test
    @DisplayName("RFC 8725 §2.8 / ASVS 5.0 V9.2.2: an access token presented as a refresh token is refused and consumes nothing")
    void accessTokenPresentedAsRefreshTokenIsRefused() {
        Session login = session(sharedUser());
        Expect.invalidRequest(refresh(login.accessToken()), 400);
        refreshOk(login);
    }

    @Test
    @DisplayName("RFC 9700 §4.14.2: ten concurrent replays after the successor was used all fail, revoke once and hand out nothing")
    void concurrentReplaysAfterTheSuccessorWasUsedAllFail() {
        Session login = session(sharedUser());
        Session first = refreshOk(login);
        Session second = refreshOk(first); // the successor is used: the login token is now plain reuse, grace or not
        long rows = tokenRows(login.sid());

        List<Response> replays = Concurrently.run(10, () -> refresh(login.refreshToken()));

        replays.forEach(Expect::invalidGrant);
        assertEquals("reuse_detected", column("revoke_reason", login.sid()));
        assertNotNull(column("revoked_at", login.sid()));
        assertEquals(rows, tokenRows(login.sid()), "no successor minted by any of them");
        Expect.invalidGrant(refresh(second.refreshToken()));
        Expect.invalidToken(given().header("Authorization", second.bearer()).get("/auth/me"));
    }
}
