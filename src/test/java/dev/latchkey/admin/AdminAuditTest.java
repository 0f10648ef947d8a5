package dev.latchkey.admin;

import static dev.latchkey.testsupport.AdminApi.admin;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Every admin action is an audit event naming the acting client; the user sees the events about
 * their account in {@code GET /auth/audit}; a deleted user's events stay, with the id only.
 */
@QuarkusTest
class AdminAuditTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyAdminActionIsAnEventNamingTheClientAndTheUserSeesThem() {
        TestUser user = AdminApi.createUser(null);
        String id = user.id();
        String path = "/admin/users/" + id;
        AdminApi.read(id).then().statusCode(200);
        admin().queryParam("username_prefix", user.username()).get("/admin/users").then().statusCode(200);
        AdminApi.patch(id, "{\"roles\":[\"editor\"]}").then().statusCode(200);
        AdminApi.patch(id, "{\"disabled\":true}").then().statusCode(200);
        AdminApi.patch(id, "{\"disabled\":false}").then().statusCode(200);
        AdminApi.patch(id, "{}").then().statusCode(200);
        TestUsers.login(user);
        admin().get(path + "/sessions").then().statusCode(200);
        admin().delete(path + "/sessions").then().statusCode(204);
        AdminApi.reset(AdminApi.resetToken(id), "an audited passphrase 7").then().statusCode(204);
        Session session = TestUsers.login(new TestUser(id, user.username(), "an audited passphrase 7"));

        List<String> expected = List.of("login", "password_reset", "admin_password_reset", "admin_sessions_revoked",
                "admin_sessions_listed", "login", "admin_user_updated", "admin_user_enabled", "admin_user_disabled",
                "admin_roles_changed", "admin_user_read", "admin_user_created");
        JsonPath mine = given().header("Authorization", session.bearer()).queryParam("size", 100).get("/auth/audit")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(expected, mine.getList("events.type"), "the user's own view, newest first");
        List<String> clients = mine.getList("events.client_id");
        for (int i = 0; i < expected.size(); i++) {
            String type = expected.get(i);
            if (type.startsWith("admin_")) {
                assertEquals(AdminApi.CLIENT, clients.get(i), type + " names the client");
            } else {
                assertNull(clients.get(i), type + " was the user's own doing");
            }
        }
        assertEquals("127.0.0.1", mine.getString("events[1].client_address"));

        List<Object[]> listed = new Db(dataSource).rows("SELECT client_id, user_id FROM audit_events"
                + " WHERE type = 'admin_users_listed' ORDER BY occurred_at DESC LIMIT 1");
        assertEquals(AdminApi.CLIENT, listed.get(0)[0]);
        assertNull(listed.get(0)[1], "a list is about no one user");

        admin().delete(path).then().statusCode(204);
        List<Object[]> kept = new Db(dataSource).rows("SELECT type, client_id, audit_events::text FROM audit_events"
                + " WHERE user_id = ? ORDER BY occurred_at DESC, id", UUID.fromString(id));
        List<Object> types = new ArrayList<>(kept.stream().map(e -> e[0]).toList());
        assertEquals("admin_user_deleted", types.get(0));
        assertEquals(AdminApi.CLIENT, kept.get(0)[1]);
        assertTrue(types.containsAll(expected), "the user's history stays after the delete: " + types);
        kept.forEach(e -> assertTrue(!((String) e[2]).contains(user.username()), "no username: " + e[2]));
    }
}
