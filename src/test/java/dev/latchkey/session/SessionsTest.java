package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class SessionsTest {

    private static final String RFC3339_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void listsTheCallersActiveSessionsAndMarksTheCurrentOne() {
        TestUsers.TestUser user = TestUsers.register();
        Session phone = loginWithAgent(user, "LatchkeyTest/phone");
        Session laptop = loginWithAgent(user, "LatchkeyTest/laptop");
        TestUsers.newSession(); // someone else's

        JsonPath list = given().header("Authorization", laptop.bearer()).get("/auth/sessions")
                .then().statusCode(200).body("$", hasSize(2)).extract().jsonPath();
        List<Map<String, Object>> sessions = list.getList("$");
        Map<String, Object> current = sessions.stream().filter(s -> Boolean.TRUE.equals(s.get("current"))).findFirst()
                .orElseThrow();
        Map<String, Object> otherOne = sessions.stream().filter(s -> Boolean.FALSE.equals(s.get("current"))).findFirst()
                .orElseThrow();
        assertEquals(laptop.sid(), current.get("id"));
        assertEquals("LatchkeyTest/laptop", current.get("user_agent"));
        assertEquals(phone.sid(), otherOne.get("id"));
        assertEquals("LatchkeyTest/phone", otherOne.get("user_agent"));
        assertEquals("127.0.0.1", current.get("ip"));
        for (String field : List.of("created_at", "last_used_at", "expires_at")) {
            assertEquals(true, ((String) current.get(field)).matches(RFC3339_UTC), field + " = " + current.get(field));
        }
    }

    @Test
    void revokedSessionsAreNotListed() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());
        LogoutTest.logout(first.refreshToken()).then().statusCode(204);
        given().header("Authorization", second.bearer()).get("/auth/sessions")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(second.sid()));
    }

    @Test
    void deletingOneOfYourSessionsRevokesIt() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());

        given().header("Authorization", first.bearer()).delete("/auth/sessions/" + second.sid())
                .then().statusCode(204);

        assertEquals(401, meStatus(second.accessToken()));
        refresh(second.refreshToken()).then().statusCode(401);
        assertEquals(200, meStatus(first.accessToken()));
        given().header("Authorization", first.bearer()).get("/auth/sessions").then().body("$", hasSize(1));
        // deleting it again is still fine: it is yours
        given().header("Authorization", first.bearer()).delete("/auth/sessions/" + second.sid())
                .then().statusCode(204);
    }

    @Test
    void anotherUsersSessionIsNotFoundAndStaysAlive() {
        Session mine = TestUsers.newSession();
        Session theirs = TestUsers.newSession();

        Expect.error(given().header("Authorization", mine.bearer()).delete("/auth/sessions/" + theirs.sid()), 404, "not_found");
        assertEquals(200, meStatus(theirs.accessToken()));
        TestUsers.refreshOk(theirs);

        Expect.error(given().header("Authorization", mine.bearer()).delete("/auth/sessions/" + UUID.randomUUID()), 404,
                "not_found");
        Expect.error(given().header("Authorization", mine.bearer()).delete("/auth/sessions/not-a-uuid"), 404, "not_found");
    }

    @Test
    void sessionsNeedABearerToken() {
        Expect.error(given().get("/auth/sessions"), 401, "invalid_token");
        given().delete("/auth/sessions/" + UUID.randomUUID()).then().statusCode(401);
    }

    private static Session loginWithAgent(TestUsers.TestUser user, String agent) {
        JsonPath body = given().contentType(ContentType.JSON).header("User-Agent", agent)
                .body(Map.of("username", user.username(), "password", user.password()))
                .post("/auth/login").then().statusCode(200).extract().jsonPath();
        return new Session(user, body.getString("access_token"), body.getString("refresh_token"),
                body.getString("session_id"), body);
    }
}
