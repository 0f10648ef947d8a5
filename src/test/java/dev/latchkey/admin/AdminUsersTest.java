package dev.latchkey.admin;

import static dev.latchkey.testsupport.AdminApi.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** {@code /admin/users}: create, list, read, patch, delete, sessions, as API.md "Admin API" writes them. */
@QuarkusTest
class AdminUsersTest {

    static final String RFC3339_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
    static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @Test
    void aCreatedUserHasTheContractsShapeAndSignsIn() {
        String name = TestUsers.uniqueName("Created");
        Response created = AdminApi.create(name, TestUsers.PASSWORD, null);
        created.then().statusCode(201)
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("username", equalTo(name.toLowerCase()))
                .body("roles", equalTo(List.of("user")))
                .body("disabled", equalTo(false))
                .body("created_at", matchesPattern(RFC3339_UTC))
                .body("password_changed_at", matchesPattern(RFC3339_UTC))
                .body("last_login_at", nullValue())
                .body("active_sessions", equalTo(0));
        String id = created.jsonPath().getString("id");
        assertEquals("/admin/users/" + id, java.net.URI.create(created.header("Location")).getPath());
        assertTrue(created.jsonPath().getMap("$").containsKey("last_login_at"), "null times are written, not left out");

        Session session = TestUsers.login(new TestUser(id, name, TestUsers.PASSWORD));
        assertEquals(List.of("user"), TestUsers.claims(session.accessToken()).getList("groups"));
        AdminApi.read(id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("last_login_at", matchesPattern(RFC3339_UTC))
                .body("active_sessions", equalTo(1));
    }

    @Test
    void rolesGivenAtCreationAreTheTokensGroups() {
        TestUser user = AdminApi.createUser(List.of("editor", "billing:read", "editor"));
        AdminApi.read(user.id()).then().body("roles", equalTo(List.of("editor", "billing:read")));
        Session session = TestUsers.login(user);
        assertEquals(List.of("billing:read", "editor"),
                TestUsers.claims(session.accessToken()).getList("groups", String.class).stream().sorted().toList());
        AdminApi.createUser(List.of()); // no roles at all is allowed
    }

    @Test
    void aUserCreatedWithoutAPasswordCannotSignInUntilAReset() {
        String name = TestUsers.uniqueName("nopass");
        String id = AdminApi.create(name, null, null).then().statusCode(201)
                .body("password_changed_at", nullValue())
                .extract().jsonPath().getString("id");
        Expect.invalidGrant(AdminApi.login(name, TestUsers.PASSWORD));
        Expect.invalidGrant(AdminApi.login(name, "anything at all 123"));

        AdminApi.reset(AdminApi.resetToken(id), "a first passphrase 2026").then().statusCode(204);
        TestUsers.login(new TestUser(id, name, "a first passphrase 2026"));
        AdminApi.read(id).then().body("password_changed_at", matchesPattern(RFC3339_UTC));
    }

    @Test
    void aTakenUsernameIsAConflictWhateverItsCase() {
        TestUser registered = TestUsers.register();
        Expect.error(AdminApi.create(registered.username().toUpperCase(), null, null), 409, "conflict");
        TestUser made = AdminApi.createUser(null);
        Expect.error(AdminApi.create(made.username(), TestUsers.PASSWORD, List.of("x")), 409, "conflict");
        Expect.error(given().contentType(ContentType.JSON)
                .body(Map.of("username", made.username(), "password", TestUsers.PASSWORD)).post("/auth/register"), 409,
                "conflict");
    }

    @Test
    void everyBadCreationIs400InTheErrorShapeAndCreatesNothing() {
        String name = TestUsers.uniqueName("bad");
        List<String> bodies = List.of(
                "{\"password\":\"" + TestUsers.PASSWORD + "\"}",
                "{\"username\":\"ab\"}",
                "{\"username\":\"has space " + name + "\"}",
                "{\"username\":\"" + "x".repeat(65) + "\"}",
                "{\"username\":12345}",
                "{\"username\":\"" + name + "\",\"password\":\"short\"}",
                "{\"username\":\"" + name + "\",\"password\":\"password1\"}",
                "{\"username\":\"" + name + "\",\"password\":\"" + name + "\"}",
                "{\"username\":\"" + name + "\",\"roles\":\"admin\"}",
                "{\"username\":\"" + name + "\",\"roles\":[1]}",
                "{\"username\":\"" + name + "\",\"roles\":[null]}",
                "{\"username\":\"" + name + "\",\"roles\":[\"\"]}",
                "{\"username\":\"" + name + "\",\"roles\":[\"has space\"]}",
                "{\"username\":\"" + name + "\",\"roles\":[\"é\"]}",
                "{\"username\":\"" + name + "\",\"roles\":[\"" + "r".repeat(65) + "\"]}",
                "{\"username\":\"" + name + "\",\"roles\":" + manyRoles(33) + "}",
                "{\"username\":\"" + name + "\",\"roles\":{}}",
                "{\"username\":\"" + name + "\"",
                "[]",
                "null",
                "");
        for (String body : bodies) {
            Expect.invalidRequest(admin().contentType(ContentType.JSON).body(body).post("/admin/users"), 400);
        }
        Expect.error(admin().contentType(ContentType.TEXT).body("{\"username\":\"" + name + "\"}").post("/admin/users"),
                415, "invalid_request");
        // the limits themselves are fine
        AdminApi.create(name, null, List.of("r".repeat(64))).then().statusCode(201);
        AdminApi.create(TestUsers.uniqueName("many"), null, manyRolesList(32)).then().statusCode(201);
        assertEquals(1, admin().queryParam("username_prefix", name).get("/admin/users").jsonPath().getList("$").size());
    }

    @Test
    void usersAreListedByUsernameAPageAtATimeWithTheirPrefix() {
        String prefix = "page-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> names = new ArrayList<>();
        for (String suffix : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            names.add(AdminApi.create(prefix + suffix, null, null).then().statusCode(201).extract().jsonPath()
                    .getString("username"));
        }
        AdminApi.createUser(null); // not one of them
        String disabled = admin().queryParam("username_prefix", prefix + "echo").get("/admin/users").jsonPath()
                .getString("[0].id");
        AdminApi.patch(disabled, "{\"disabled\":true}").then().statusCode(200);
        Collections.sort(names);

        List<String> seen = new ArrayList<>();
        Response page = admin().queryParam("username_prefix", prefix.toUpperCase()).queryParam("limit", 2)
                .get("/admin/users");
        int pages = 0;
        while (true) {
            page.then().statusCode(200);
            pages++;
            List<Map<String, Object>> users = page.jsonPath().getList("$");
            assertTrue(users.size() <= 2, "limit respected: " + users.size());
            users.forEach(u -> seen.add((String) u.get("username")));
            String link = page.header("Link");
            if (link == null) {
                break;
            }
            Matcher next = NEXT.matcher(link);
            assertTrue(next.matches(), "Link: " + link);
            assertTrue(next.group(1).startsWith("/admin/users?username_prefix="), "the filter is kept: " + link);
            page = admin().get(next.group(1));
        }
        assertEquals(3, pages);
        assertEquals(names, seen, "every one of them once, in username order, the disabled one too");
        assertEquals(true, admin().queryParam("username_prefix", prefix + "echo").get("/admin/users").jsonPath()
                .getBoolean("[0].disabled"));
    }

    @Test
    void aPrefixMatchesLiterally() {
        String stem = "lit" + UUID.randomUUID().toString().substring(0, 6);
        AdminApi.create(stem + "_x", null, null).then().statusCode(201);
        AdminApi.create(stem + "ax", null, null).then().statusCode(201);
        admin().queryParam("username_prefix", stem + "_").get("/admin/users").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].username", equalTo(stem + "_x"));
        admin().queryParam("username_prefix", stem).get("/admin/users").then().body("$", hasSize(2));
        admin().queryParam("username_prefix", "zz-nobody-" + stem).get("/admin/users").then().statusCode(200)
                .body("$", hasSize(0)).header("Link", nullValue());
    }

    @Test
    void badListParametersAre400() {
        for (String limit : List.of("0", "101", "-1", "ten", "1.5")) {
            Expect.invalidRequest(admin().queryParam("limit", limit).get("/admin/users"), 400);
        }
        for (String cursor : List.of("%%%", "!not-base64!")) {
            Expect.invalidRequest(admin().queryParam("cursor", cursor).get("/admin/users"), 400);
        }
        for (String prefix : List.of("has space", "x".repeat(65), "semi;colon")) {
            Expect.invalidRequest(admin().queryParam("username_prefix", prefix).get("/admin/users"), 400);
        }
        admin().queryParam("limit", 100).get("/admin/users").then().statusCode(200);
        admin().queryParam("limit", 1).get("/admin/users").then().statusCode(200).body("$", hasSize(1));
    }

    @Test
    void anUnknownUserIs404Everywhere() {
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
            String path = "/admin/users/" + id;
            Expect.error(admin().get(path), 404, "not_found");
            Expect.error(AdminApi.patch(id, "{\"disabled\":true}"), 404, "not_found");
            Expect.error(admin().delete(path), 404, "not_found");
            Expect.error(admin().get(path + "/sessions"), 404, "not_found");
            Expect.error(admin().delete(path + "/sessions"), 404, "not_found");
            Expect.error(admin().post(path + "/password-reset"), 404, "not_found");
        }
    }

    @Test
    void aPatchIsAMergePatchOfRolesAndDisabled() {
        TestUser user = AdminApi.createUser(null);
        AdminApi.patch(user.id(), "{}").then().statusCode(200).body("roles", equalTo(List.of("user")))
                .body("disabled", equalTo(false));
        AdminApi.patch(user.id(), "{\"roles\":[\"editor\",\"ops.oncall\"],\"unknown\":1}").then().statusCode(200)
                .body("roles", equalTo(List.of("editor", "ops.oncall"))).body("disabled", equalTo(false));
        admin().contentType(ContentType.JSON).body("{\"disabled\":true}").patch("/admin/users/" + user.id())
                .then().statusCode(200).body("disabled", equalTo(true)).body("roles", equalTo(List.of("editor", "ops.oncall")));
        AdminApi.patch(user.id(), "{\"roles\":[],\"disabled\":false}").then().statusCode(200)
                .body("roles", equalTo(List.of())).body("disabled", equalTo(false));
        AdminApi.read(user.id()).then().body("roles", equalTo(List.of())).body("disabled", equalTo(false));
    }

    @Test
    void everyBadPatchIs400AndChangesNothing() {
        TestUser user = AdminApi.createUser(List.of("keep"));
        Session session = TestUsers.login(user);
        List<String> bodies = List.of("{\"roles\":null}", "{\"disabled\":null}", "{\"disabled\":\"true\"}",
                "{\"disabled\":1}", "{\"roles\":\"admin\"}", "{\"roles\":[1]}", "{\"roles\":[null]}",
                "{\"roles\":[\"bad role\"]}", "{\"roles\":" + manyRoles(33) + "}", "{\"roles\":[\"x\"],\"disabled\":null}",
                "[]", "\"text\"", "null", "{\"roles\":[", "", "{\"disabled\":true,\"disabled\":false}");
        for (String body : bodies) {
            Expect.invalidRequest(AdminApi.patch(user.id(), body), 400);
        }
        Expect.error(admin().contentType(ContentType.TEXT).body("{\"disabled\":true}").patch("/admin/users/" + user.id()),
                415, "invalid_request");
        AdminApi.read(user.id()).then().body("roles", equalTo(List.of("keep"))).body("disabled", equalTo(false))
                .body("active_sessions", equalTo(1));
        assertEquals(200, TestUsers.meStatus(session.accessToken()), "no revocation happened");
    }

    @Test
    void deletingAUserEndsItsSessionsAndFreesTheUsername() {
        Session session = TestUsers.login(AdminApi.createUser(null));
        String id = session.user().id();
        admin().delete("/admin/users/" + id).then().statusCode(204);

        Expect.invalidToken(given().header("Authorization", session.bearer()).get("/auth/me"));
        Expect.invalidGrant(TestUsers.refresh(session.refreshToken()));
        Expect.error(AdminApi.read(id), 404, "not_found");
        Expect.error(admin().delete("/admin/users/" + id), 404, "not_found");
        Expect.invalidGrant(AdminApi.login(session.user().username(), TestUsers.PASSWORD));

        TestUser again = TestUsers.register(session.user().username(), "another passphrase 2026");
        assertNotEquals(id, again.id(), "a new account");
        TestUsers.login(again);
        assertEquals(401, TestUsers.meStatus(session.accessToken()), "the old account's token stays dead");
    }

    @Test
    void aUsersSessionsAreListedAndEndedAsLogoutAll() {
        TestUser user = AdminApi.createUser(null);
        Session first = TestUsers.login(user);
        Session second = TestUsers.login(user);
        Session other = TestUsers.newSession();

        JsonPath list = admin().get("/admin/users/" + user.id() + "/sessions").then().statusCode(200)
                .body("$", hasSize(2)).extract().jsonPath();
        assertEquals(List.of(second.sid(), first.sid()), list.getList("id"), "most recently used first");
        Map<String, Object> one = list.getMap("[0]");
        assertFalse(one.containsKey("current"), "no current session for an admin");
        assertEquals("127.0.0.1", one.get("ip"));
        assertTrue(((String) one.get("last_used_at")).matches(RFC3339_UTC));

        Response page = admin().queryParam("limit", 1).get("/admin/users/" + user.id() + "/sessions");
        page.then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(second.sid()));
        Matcher next = NEXT.matcher(page.header("Link"));
        assertTrue(next.matches());
        admin().get(next.group(1)).then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(first.sid()))
                .header("Link", nullValue());
        Expect.invalidRequest(admin().queryParam("limit", 0).get("/admin/users/" + user.id() + "/sessions"), 400);
        Expect.invalidRequest(admin().queryParam("cursor", "garbage").get("/admin/users/" + user.id() + "/sessions"), 400);

        admin().delete("/admin/users/" + user.id() + "/sessions").then().statusCode(204);
        for (Session s : List.of(first, second)) {
            Expect.invalidToken(given().header("Authorization", s.bearer()).get("/auth/me"));
            Expect.invalidGrant(TestUsers.refresh(s.refreshToken()));
        }
        assertEquals(200, TestUsers.meStatus(other.accessToken()), "nobody else's");
        admin().get("/admin/users/" + user.id() + "/sessions").then().statusCode(200).body("$", hasSize(0));
        Session after = TestUsers.login(user); // a login right after works, as after logout-all
        assertEquals(200, TestUsers.meStatus(after.accessToken()));
        admin().delete("/admin/users/" + user.id() + "/sessions").then().statusCode(204); // idempotent
    }

    @Test
    void aResetTokenIsOpaqueAndLivesFifteenMinutes() {
        TestUser user = AdminApi.createUser(null);
        JsonPath issued = admin().post("/admin/users/" + user.id() + "/password-reset").then().statusCode(201)
                .extract().jsonPath();
        assertTrue(issued.getString("reset_token").matches("[A-Za-z0-9_-]{43}"), "256 bits, URL-safe base64");
        assertEquals(900, issued.getInt("expires_in"));
        assertNotNull(issued.getString("reset_token"));
        assertNull(issued.get("user_id"));
    }

    private static String manyRoles(int count) {
        return manyRolesList(count).stream().map(r -> "\"" + r + "\"").toList().toString();
    }

    private static List<String> manyRolesList(int count) {
        return IntStream.range(0, count).mapToObj(i -> "role-" + i).toList();
    }
}
