package dev.latchkey.admin;

import static dev.latchkey.testsupport.AdminApi.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * What the admin actions take away takes hold at once, on every instance, through the same
 * revocation path as logout-all. Besides this instance's answers, each test reads what any other
 * instance would decide by: the revocation cache in Redis (read here with a client of the test's
 * own, as another instance's bearer check reads it), introspection, and the durable record in
 * PostgreSQL.
 */
@QuarkusTest
class AdminRevocationTest {

    static final String GATEWAY = "gateway";
    static final String GATEWAY_SECRET = "gateway-secret-for-tests-only-0123456789";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RedisDataSource redis;

    @Test
    void disablingKillsEverySessionAndTokenAtOnceAndLoginSaysInvalidGrant() {
        TestUser user = AdminApi.createUser(null);
        Session phone = TestUsers.login(user);
        Session laptop = TestUsers.login(user);

        AdminApi.patch(user.id(), "{\"disabled\":true}").then().statusCode(200)
                .body("disabled", equalTo(true)).body("active_sessions", equalTo(0));

        for (Session s : List.of(phone, laptop)) {
            Expect.invalidToken(given().header("Authorization", s.bearer()).get("/auth/me"));
            assertRefusedByAnyInstance(s);
            Expect.invalidGrant(TestUsers.refresh(s.refreshToken()));
        }
        assertEquals(2L, db().count("SELECT count(*) FROM refresh_families WHERE user_id = ? AND revoked_at IS NOT NULL"
                + " AND revoke_reason = 'user_disabled'", UUID.fromString(user.id())));
        Expect.invalidGrant(AdminApi.login(user.username(), user.password()));
        Expect.invalidGrant(AdminApi.login(user.username(), "not the password at all"));
        Expect.error(given().contentType(ContentType.URLENC).formParams(Map.of("grant_type", "password", "client_id",
                "web", "username", user.username(), "password", user.password())).post("/oauth2/token"), 400, "invalid_grant");

        AdminApi.patch(user.id(), "{\"disabled\":false}").then().statusCode(200).body("disabled", equalTo(false));
        Session back = TestUsers.login(user);
        assertEquals(200, TestUsers.meStatus(back.accessToken()));
        assertEquals(401, TestUsers.meStatus(phone.accessToken()), "enabling revives nothing");
        Expect.invalidGrant(TestUsers.refresh(laptop.refreshToken()));
    }

    @Test
    void aRoleChangeRefusesEarlierTokensButTheSessionRefreshesWithTheNewRoles() {
        TestUser user = AdminApi.createUser(List.of("user"));
        Session session = TestUsers.login(user);
        Session other = TestUsers.newSession();

        AdminApi.patch(user.id(), "{\"roles\":[\"editor\",\"billing:read\"]}").then().statusCode(200)
                .body("active_sessions", equalTo(1));

        Expect.invalidToken(given().header("Authorization", session.bearer()).get("/auth/me"));
        assertRefusedByAnyInstance(session);
        assertEquals(0L, db().count("SELECT count(*) FROM refresh_families WHERE user_id = ? AND revoked_at IS NOT NULL",
                UUID.fromString(user.id())), "the session lives on");

        Session refreshed = TestUsers.refreshOk(session);
        assertEquals(List.of("billing:read", "editor"),
                TestUsers.claims(refreshed.accessToken()).getList("groups", String.class).stream().sorted().toList());
        assertEquals(List.of("billing:read", "editor"), given().header("Authorization", refreshed.bearer()).get("/auth/me")
                .then().statusCode(200).extract().jsonPath().getList("roles", String.class).stream().sorted().toList());
        assertEquals(200, TestUsers.meStatus(other.accessToken()), "nobody else's tokens");

        // the same roles again change nothing: the new token stays valid
        AdminApi.patch(user.id(), "{\"roles\":[\"editor\",\"billing:read\"]}").then().statusCode(200);
        assertEquals(200, TestUsers.meStatus(refreshed.accessToken()));
    }

    @Test
    void deletingAUserKillsItsTokensEverywhereAndKeepsItsAuditEventsWithoutTheUsername() {
        TestUser user = AdminApi.createUser(null);
        Session session = TestUsers.login(user);
        UUID id = UUID.fromString(user.id());

        admin().delete("/admin/users/" + user.id()).then().statusCode(204);

        Expect.invalidToken(given().header("Authorization", session.bearer()).get("/auth/me"));
        assertRefusedByAnyInstance(session);
        Expect.invalidGrant(TestUsers.refresh(session.refreshToken()));
        assertEquals(0L, db().count("SELECT count(*) FROM users WHERE id = ?", id));
        assertEquals(0L, db().count("SELECT count(*) FROM refresh_families WHERE user_id = ?", id));
        assertTrue(db().count("SELECT count(*) FROM deleted_users WHERE id = ? AND token_version > 0", id) == 1L,
                "the durable record of the revocation outlives the user");

        List<Object[]> events = db().rows("SELECT type, client_id, audit_events::text FROM audit_events WHERE user_id = ?"
                + " ORDER BY occurred_at", id);
        List<Object> types = events.stream().map(e -> e[0]).toList();
        assertTrue(types.containsAll(List.of("admin_user_created", "login", "admin_user_deleted")), "events: " + types);
        for (Object[] event : events) {
            assertFalse(((String) event[2]).contains(user.username()), "no username in an event: " + event[2]);
        }
        assertEquals(AdminApi.CLIENT, events.get(events.size() - 1)[1]);

        TestUsers.register(user.username(), "another passphrase 2026");
        assertEquals(401, TestUsers.meStatus(session.accessToken()));
    }

    @Test
    void endingAUsersSessionsIsTheirLogoutAll() {
        TestUser user = AdminApi.createUser(null);
        Session one = TestUsers.login(user);
        Session two = TestUsers.login(user);
        admin().delete("/admin/users/" + user.id() + "/sessions").then().statusCode(204);
        for (Session s : List.of(one, two)) {
            Expect.invalidToken(given().header("Authorization", s.bearer()).get("/auth/me"));
            assertRefusedByAnyInstance(s);
            Expect.invalidGrant(TestUsers.refresh(s.refreshToken()));
        }
        assertEquals(2L, db().count("SELECT count(*) FROM refresh_families WHERE user_id = ? AND revoke_reason = 'admin'",
                UUID.fromString(user.id())));
        TestUsers.login(user);
    }

    @Test
    void aPatchThatTakesNothingAwayRevokesNothing() {
        TestUser user = AdminApi.createUser(List.of("user"));
        Session session = TestUsers.login(user);
        String before = redis.value(String.class).get("lk:{u:" + user.id() + "}:tv");
        assertNotNull(before, "a login records the user's version in the cache");
        AdminApi.patch(user.id(), "{\"disabled\":false,\"roles\":[\"user\"]}").then().statusCode(200);
        AdminApi.patch(user.id(), "{}").then().statusCode(200);
        assertEquals(before, redis.value(String.class).get("lk:{u:" + user.id() + "}:tv"));
        assertEquals(200, TestUsers.meStatus(session.accessToken()));
        TestUsers.refreshOk(session);
    }

    /**
     * What another instance decides for this session's access token: its version is below the
     * user's version in the shared cache (so every instance's one-MGET check refuses it), the
     * record in PostgreSQL says the same, and introspection (another verification path) calls it
     * inactive.
     */
    private void assertRefusedByAnyInstance(Session session) {
        JsonPath claims = TestUsers.claims(session.accessToken());
        long minted = claims.getLong("token_version");
        String cached = redis.value(String.class).get("lk:{u:" + claims.getString("sub") + "}:tv");
        assertNotNull(cached, "the cache holds the user's version");
        long version = Long.parseLong(cached.substring(0, cached.indexOf(':')));
        assertTrue(version > minted, "cache version " + version + " refuses a token minted under " + minted);
        Object recorded = db().single("SELECT token_version FROM users WHERE id = ?", UUID.fromString(claims.getString("sub")));
        if (recorded == null) {
            recorded = db().single("SELECT token_version FROM deleted_users WHERE id = ?",
                    UUID.fromString(claims.getString("sub")));
        }
        assertTrue(((Number) recorded).longValue() > minted, "the durable record refuses it too");
        given().contentType(ContentType.URLENC).header("Authorization", AdminApi.basic(GATEWAY, GATEWAY_SECRET))
                .formParam("token", session.accessToken()).post("/oauth2/introspect")
                .then().statusCode(200).body("active", equalTo(false));
    }

    private Db db() {
        return new Db(dataSource);
    }
}
