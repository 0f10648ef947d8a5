package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Nothing about one user grows without bound: the live sessions are capped (the least recently
 * used one ends), the list comes in pages, and logout-all is one statement whatever the count.
 */
@QuarkusTest
class SessionCapTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @Inject
    DataSource dataSource;

    @Inject
    LatchkeyConfig config;

    @Test
    void theLoginBeyondTheCapEndsTheLeastRecentlyUsedSession() {
        assertEquals(100, config.maxSessionsPerUser(), "the default cap");
        TestUsers.TestUser user = TestUsers.register();
        Session oldest = TestUsers.login(user);
        Session recent = TestUsers.login(user);
        // the first one was last used a day ago; 98 more, used an hour ago, fill the cap
        db().update("UPDATE refresh_families SET last_used_at = last_used_at - interval '1 day' WHERE id = ?",
                UUID.fromString(oldest.sid()));
        assertEquals(98, addSessions(user, 98, "1 hour"));
        assertEquals(100, live(user));

        Session newest = TestUsers.login(user);

        assertEquals(100, live(user), "still at the cap");
        assertEquals("evicted", db().single("SELECT revoke_reason FROM refresh_families WHERE id = ?",
                UUID.fromString(oldest.sid())));
        assertEquals(401, meStatus(oldest.accessToken()), "its access token died with it");
        Expect.invalidGrant(refresh(oldest.refreshToken()));
        assertEquals(1L, db().count("SELECT count(*) FROM audit_events WHERE type = 'session_evicted' AND user_id = ?"
                + " AND sid = ?", UUID.fromString(user.id()), UUID.fromString(oldest.sid())));
        // the others live on
        assertEquals(200, meStatus(recent.accessToken()));
        TestUsers.refreshOk(recent);
        assertEquals(200, meStatus(newest.accessToken()));
    }

    @Test
    void aHundredThousandSessionsLogOutAllAtOnceWithinTheBound() {
        TestUsers.TestUser user = TestUsers.register();
        Session first = TestUsers.login(user);
        Session second = TestUsers.login(user);
        Session caller = TestUsers.login(user);
        assertEquals(99_997, addSessions(user, 99_997, "1 minute"));
        assertEquals(100_000, live(user));

        // the list: a page of 100, most recently used first, and a link to the next
        Response page = given().header("Authorization", caller.bearer()).get("/auth/sessions");
        page.then().statusCode(200);
        List<Map<String, Object>> sessions = page.jsonPath().getList("$");
        assertEquals(100, sessions.size());
        assertNotNull(nextOf(page), "a next link");
        assertEquals(caller.sid(), sessions.get(0).get("id"), "the most recently used first");

        long start = System.nanoTime();
        given().header("Authorization", caller.bearer()).post("/auth/logout-all").then().statusCode(204);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.println("logout-all of 100,000 sessions: " + took.toMillis() + " ms");
        assertTrue(took.compareTo(config.dbTimeout()) <= 0, "logout-all of 100,000 sessions took " + took);
        assertEquals(0, live(user));
        for (Session s : List.of(first, second, caller)) {
            assertEquals(401, meStatus(s.accessToken()));
            Expect.invalidGrant(refresh(s.refreshToken()));
        }
        given().header("Authorization", TestUsers.login(user).bearer()).get("/auth/sessions")
                .then().statusCode(200).header("Link", (String) null);
    }

    @Test
    void aPasswordChangeEndsAHundredThousandOtherSessionsWithinTheBound() {
        TestUsers.TestUser user = TestUsers.register();
        Session other = TestUsers.login(user);
        Session caller = TestUsers.login(user);
        assertEquals(99_998, addSessions(user, 99_998, "1 minute"));

        long start = System.nanoTime();
        PasswordChangeTest.change(caller, user.password(), "a brand new passphrase 7").then().statusCode(204);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.println("password change ending 99,999 other sessions: " + took.toMillis() + " ms");
        assertTrue(took.compareTo(config.dbTimeout()) <= 0, "the password change took " + took);
        assertEquals(1, live(user), "only the caller's session");
        assertEquals(401, meStatus(other.accessToken()));
        Expect.invalidGrant(refresh(other.refreshToken()));
        assertEquals(200, meStatus(caller.accessToken()));
        TestUsers.refreshOk(caller);
    }

    @Test
    void pagesWalkEverySessionOnceMostRecentlyUsedFirst() {
        TestUsers.TestUser user = TestUsers.register();
        List<Session> logins = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            logins.add(TestUsers.login(user));
        }
        // distinct, known last-used times: the i-th login was used i minutes ago
        for (int i = 0; i < logins.size(); i++) {
            db().update("UPDATE refresh_families SET last_used_at = last_used_at - make_interval(mins => ?) WHERE id = ?",
                    i, UUID.fromString(logins.get(i).sid()));
        }
        String bearer = logins.get(0).bearer();
        List<String> seen = new ArrayList<>();
        String next = "/auth/sessions?limit=2";
        int pages = 0;
        while (next != null) {
            Response page = given().header("Authorization", bearer).get(next);
            page.then().statusCode(200);
            List<Map<String, Object>> sessions = page.jsonPath().getList("$");
            assertTrue(sessions.size() <= 2);
            sessions.forEach(s -> seen.add((String) s.get("id")));
            next = nextOf(page);
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(logins.stream().map(Session::sid).toList(), seen, "each once, most recently used first");
    }

    @Test
    void theLastPageHasNoNextLink() {
        Session session = TestUsers.newSession();
        TestUsers.login(session.user());
        Response page = given().header("Authorization", session.bearer()).get("/auth/sessions?limit=2");
        page.then().statusCode(200);
        assertEquals(2, page.jsonPath().getList("$").size());
        assertNull(nextOf(page));
    }

    @Test
    void aLimitOutOfRangeOrACursorNotOfOursIs400() {
        Session session = TestUsers.newSession();
        for (String query : List.of("limit=0", "limit=101", "limit=-1", "limit=ten", "limit=1.5",
                "cursor=not-a-cursor", "cursor=" + "A".repeat(300), "cursor=MTIz")) {
            Response answer = given().header("Authorization", session.bearer()).get("/auth/sessions?" + query);
            assertEquals(400, answer.statusCode(), query);
            Expect.invalidRequest(answer, 400);
        }
    }

    @Test
    void aCursorCannotReachAnotherUsersSessions() {
        TestUsers.TestUser victim = TestUsers.register();
        TestUsers.login(victim);
        TestUsers.login(victim);
        Response theirs = given().header("Authorization", TestUsers.login(victim).bearer())
                .get("/auth/sessions?limit=1");
        String cursor = nextOf(theirs).replaceAll(".*cursor=", "");
        Session mine = TestUsers.newSession();
        Response page = given().header("Authorization", mine.bearer()).get("/auth/sessions?limit=1&cursor=" + cursor);
        page.then().statusCode(200);
        Set<Object> ids = new HashSet<>(page.jsonPath().getList("id"));
        assertFalse(ids.stream().anyMatch(id -> !id.equals(mine.sid())), "only the caller's sessions: " + ids);
    }

    private static String nextOf(Response page) {
        String link = page.header("Link");
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        assertTrue(m.find(), link);
        return m.group(1);
    }

    /** Adds live sessions straight in the table (a client that logged in and never out), used {@code ago}. */
    private int addSessions(TestUsers.TestUser user, int count, String ago) {
        return db().update("INSERT INTO refresh_families (id, user_id, created_at, last_used_at, idle_expires_at,"
                + " absolute_expires_at, user_agent, ip) SELECT gen_random_uuid(), ?, now() - interval '2 days',"
                + " now() - ?::interval, now() + interval '1 day', now() + interval '5 days', 'bulk', '127.0.0.1'"
                + " FROM generate_series(1, ?)", UUID.fromString(user.id()), ago, count);
    }

    private long live(TestUsers.TestUser user) {
        return db().count("SELECT count(*) FROM refresh_families WHERE user_id = ? AND revoked_at IS NULL",
                UUID.fromString(user.id()));
    }

    private Db db() {
        return new Db(dataSource);
    }
}
