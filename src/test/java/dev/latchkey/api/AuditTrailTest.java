package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class AuditTrailTest {

    @Inject
    MutableClock clock;

    @Test
    void everyAccountEventIsRecordedNewestFirstWithoutTokenValues() {
        TestUser user = TestUsers.register();
        given().contentType(ContentType.JSON).body(Map.of("username", user.username(), "password", "a wrong password"))
                .post("/auth/login").then().statusCode(401);
        Session reused = TestUsers.login(user);
        TestUsers.refreshOk(reused);
        clock.advance(Duration.ofSeconds(11));
        TestUsers.refresh(reused.refreshToken()).then().statusCode(401); // events from here on are 11 s later
        Session logout = TestUsers.login(user);
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", logout.refreshToken()))
                .post("/auth/logout").then().statusCode(204);
        Session other = TestUsers.login(user);
        Session me = TestUsers.login(user);
        given().header("Authorization", me.bearer()).delete("/auth/sessions/" + other.sid()).then().statusCode(204);
        given().contentType(ContentType.JSON).header("Authorization", me.bearer())
                .body(Map.of("current_password", user.password(), "new_password", "a new audited passphrase"))
                .post("/auth/password").then().statusCode(204);
        given().header("Authorization", me.bearer()).post("/auth/logout-all").then().statusCode(204);
        Session after = TestUsers.login(new TestUser(user.id(), user.username(), "a new audited passphrase"));

        JsonPath page = given().header("Authorization", after.bearer()).queryParam("size", 100).get("/auth/audit")
                .then().statusCode(200).extract().jsonPath();
        List<String> types = page.getList("events.type");
        List<String> outcomes = page.getList("events.outcome");
        assertEquals(List.of("login", "logout_all", "password_change", "session_revoked", "login", "login", "logout",
                "login", "refresh_reuse_detected", "login", "login", "register"), types);
        assertEquals("failure", outcomes.get(types.size() - 2), "the wrong password is there too");
        assertEquals("failure", outcomes.get(types.indexOf("refresh_reuse_detected")));
        assertEquals(reused.sid(), page.getString("events[" + types.indexOf("refresh_reuse_detected") + "].sid"));
        assertEquals("127.0.0.1", page.getString("events[0].client_address"));
        assertFalse(page.prettify().contains(reused.refreshToken()));
        page.getList("events.occurred_at", String.class)
                .forEach(t -> assertEquals(true, t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")));
    }

    @Test
    void pagesAreBoundedAndLinked() {
        Session session = TestUsers.newSession(); // register + login
        TestUsers.login(session.user());
        given().header("Authorization", session.bearer()).queryParam("size", 2).get("/auth/audit")
                .then().statusCode(200).body("events", hasSize(2)).body("next_page", equalTo(1)).body("size", equalTo(2));
        given().header("Authorization", session.bearer()).queryParam("size", 2).queryParam("page", 1).get("/auth/audit")
                .then().statusCode(200).body("events", hasSize(1)).body("next_page", nullValue());
        Expect.error(given().header("Authorization", session.bearer()).queryParam("size", 1000).get("/auth/audit"), 400,
                "invalid_request");
        Expect.error(given().header("Authorization", session.bearer()).queryParam("page", "x").get("/auth/audit"), 400,
                "invalid_request");
    }

    @Test
    void nobodySeesAnotherUsersEvents() {
        Session mine = TestUsers.newSession();
        Session theirs = TestUsers.newSession();
        given().header("Authorization", theirs.bearer()).get("/auth/audit").then().statusCode(200)
                .body("events.sid", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(mine.sid())));
        Expect.error(given().get("/auth/audit"), 401, "invalid_token");
    }
}
