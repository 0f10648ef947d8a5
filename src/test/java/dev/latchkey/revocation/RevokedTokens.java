package dev.latchkey.revocation;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * One access token revoked in every way the contract names, and one live one, for the durability
 * tests: after Redis loses its data, each revoked token must never be accepted again (401, or 503
 * while the cache is rebuilt, never 200), and the live one must come back.
 */
final class RevokedTokens {

    static final String GATEWAY = "gateway";
    static final String GATEWAY_SECRET = "gateway-secret-for-tests-only-0123456789";

    /** What each token was revoked by, and the token. */
    final Map<String, String> revoked = new LinkedHashMap<>();
    /** Refresh tokens whose families were revoked. */
    final Map<String, String> revokedRefresh = new LinkedHashMap<>();
    Session live;
    /** An admin client's own token, revoked by the client (RFC 7009). */
    String revokedAdmin;

    /** Revokes one token in each way, checking each is refused at once. */
    static RevokedTokens make(MutableClock clock) {
        RevokedTokens t = new RevokedTokens();

        Session logout = TestUsers.newSession();
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", logout.refreshToken())).post("/auth/logout")
                .then().statusCode(204);
        t.revoked.put("logout", logout.accessToken());
        t.revokedRefresh.put("logout", logout.refreshToken());

        Session kept = TestUsers.newSession();
        Session bearer = TestUsers.login(kept.user());
        given().contentType(ContentType.JSON).header("Authorization", bearer.bearer())
                .body(Map.of("refresh_token", kept.refreshToken())).post("/auth/logout").then().statusCode(204);
        t.revoked.put("logout's bearer token (jti)", bearer.accessToken());

        Session all = TestUsers.newSession();
        Session allOther = TestUsers.login(all.user());
        given().header("Authorization", all.bearer()).post("/auth/logout-all").then().statusCode(204);
        t.revoked.put("logout-all (caller)", all.accessToken());
        t.revoked.put("logout-all (other session)", allOther.accessToken());
        t.revokedRefresh.put("logout-all", allOther.refreshToken());

        Session deleted = TestUsers.newSession();
        Session deleter = TestUsers.login(deleted.user());
        given().header("Authorization", deleter.bearer()).delete("/auth/sessions/" + deleted.sid()).then()
                .statusCode(204);
        t.revoked.put("session delete", deleted.accessToken());

        Session changer = TestUsers.newSession();
        Session other = TestUsers.login(changer.user());
        given().contentType(ContentType.JSON).header("Authorization", changer.bearer())
                .body(Map.of("current_password", TestUsers.PASSWORD, "new_password", "a brand new passphrase 77"))
                .post("/auth/password").then().statusCode(204);
        t.revoked.put("password change (other session)", other.accessToken());

        Session reused = TestUsers.newSession();
        Session rotated = refreshOk(reused);
        clock.advance(Duration.ofSeconds(11));
        refresh(reused.refreshToken()).then().statusCode(401);
        clock.reset();
        t.revoked.put("reuse detection (first token)", reused.accessToken());
        t.revoked.put("reuse detection (rotated token)", rotated.accessToken());
        t.revokedRefresh.put("reuse detection", rotated.refreshToken());

        Session rfcAccess = TestUsers.newSession();
        given().contentType(ContentType.URLENC).formParams(Map.of("client_id", "web", "token", rfcAccess.accessToken()))
                .post("/oauth2/revoke").then().statusCode(200);
        t.revoked.put("RFC 7009 access token", rfcAccess.accessToken());

        Session rfcRefresh = TestUsers.newSession();
        given().contentType(ContentType.URLENC).formParams(Map.of("client_id", "web", "token", rfcRefresh.refreshToken()))
                .post("/oauth2/revoke").then().statusCode(200);
        t.revoked.put("RFC 7009 refresh token", rfcRefresh.accessToken());
        t.revokedRefresh.put("RFC 7009 refresh token", rfcRefresh.refreshToken());

        // the admin API's revocations (issue 17), and an admin client's own token revoked by the client
        TestUser disabled = AdminApi.createUser(null);
        Session ofDisabled = TestUsers.login(disabled);
        AdminApi.patch(disabled.id(), "{\"disabled\":true}").then().statusCode(200);
        t.revoked.put("admin: user disabled", ofDisabled.accessToken());
        t.revokedRefresh.put("admin: user disabled", ofDisabled.refreshToken());

        Session ofRoleChanged = TestUsers.login(AdminApi.createUser(null));
        AdminApi.patch(ofRoleChanged.user().id(), "{\"roles\":[\"editor\"]}").then().statusCode(200);
        t.revoked.put("admin: roles changed (earlier token)", ofRoleChanged.accessToken());

        Session ofDeleted = TestUsers.login(AdminApi.createUser(null));
        AdminApi.admin().delete("/admin/users/" + ofDeleted.user().id()).then().statusCode(204);
        t.revoked.put("admin: user deleted", ofDeleted.accessToken());
        t.revokedRefresh.put("admin: user deleted", ofDeleted.refreshToken());

        Session ofEnded = TestUsers.login(AdminApi.createUser(null));
        AdminApi.admin().delete("/admin/users/" + ofEnded.user().id() + "/sessions").then().statusCode(204);
        t.revoked.put("admin: sessions ended", ofEnded.accessToken());
        t.revokedRefresh.put("admin: sessions ended", ofEnded.refreshToken());

        TestUser resetUser = AdminApi.createUser(null);
        Session ofReset = TestUsers.login(resetUser);
        AdminApi.reset(AdminApi.resetToken(resetUser.id()), "a reset passphrase 77").then().statusCode(204);
        t.revoked.put("password reset", ofReset.accessToken());
        t.revokedRefresh.put("password reset", ofReset.refreshToken());

        String adminToken = AdminApi.token();
        given().contentType(ContentType.URLENC).header("Authorization", AdminApi.basic(AdminApi.CLIENT, AdminApi.SECRET))
                .formParam("token", adminToken).post("/oauth2/revoke").then().statusCode(200);
        t.revokedAdmin = adminToken;

        t.live = TestUsers.newSession();

        t.revoked.forEach((how, token) -> assertEquals(401, meStatus(token), how + ": refused at once"));
        assertEquals(401, adminStatus(t.revokedAdmin), "the revoked admin token: refused at once");
        assertEquals(200, meStatus(t.live.accessToken()));
        return t;
    }

    /**
     * From the moment Redis came back: polls every revoked token (bearer check and introspection)
     * until the live one is accepted again; no revoked token may be accepted or reported active at
     * any moment. Then each is refused for good, and each revoked refresh token too.
     */
    void neverAcceptedAgain(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int rounds = 0;
        while (true) {
            rounds++;
            for (Map.Entry<String, String> token : revoked.entrySet()) {
                int me = meStatus(token.getValue());
                assertTrue(me == 401 || me == 503, token.getKey() + ": /auth/me answered " + me + " in round " + rounds);
                Response introspection = introspect(token.getValue());
                int status = introspection.statusCode();
                assertTrue(status == 503 || (status == 200 && !introspection.jsonPath().getBoolean("active")),
                        token.getKey() + ": introspection answered " + status + " " + introspection.asString());
            }
            int admin = adminStatus(revokedAdmin);
            assertTrue(admin == 401 || admin == 503, "the revoked admin token: /admin/users answered " + admin);
            int control = meStatus(live.accessToken());
            assertTrue(control == 200 || control == 503, "the live token: " + control);
            if (control == 200) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("the live token was not accepted again within " + within + " (" + rounds + " rounds)");
            }
        }
        revoked.forEach((how, token) -> {
            assertEquals(401, meStatus(token), how + ": refused once the cache is rebuilt");
            assertEquals(false, introspect(token).jsonPath().getBoolean("active"), how + ": inactive");
        });
        revokedRefresh.forEach((how, token) -> refresh(token).then().statusCode(401));
        assertEquals(401, adminStatus(revokedAdmin), "the revoked admin token: refused once the cache is rebuilt");
        assertEquals(false, introspect(revokedAdmin).jsonPath().getBoolean("active"));
        assertEquals(200, meStatus(live.accessToken()));
    }

    /** The status {@code GET /admin/users} answers for this bearer token. */
    static int adminStatus(String token) {
        return AdminApi.as(token).get("/admin/users?limit=1").statusCode();
    }

    static Response introspect(String token) {
        return given().contentType(ContentType.URLENC)
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((GATEWAY + ":" + GATEWAY_SECRET).getBytes(StandardCharsets.UTF_8)))
                .formParam("token", token).post("/oauth2/introspect");
    }
}
