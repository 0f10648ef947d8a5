package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class LoginFlowTest {

    @Test
    void registerThenLoginThenMeReturnsTheUser() {
        String name = TestUsers.uniqueName("Alice");
        TestUser user = TestUsers.register(name, TestUsers.PASSWORD);
        assertEquals(name.toLowerCase(), user.username(), "usernames are case-folded");

        Session session = TestUsers.login(new TestUser(user.id(), name.toUpperCase(), user.password()));
        session.body().getString("token_type").equals("Bearer");

        given().header("Authorization", session.bearer())
                .when().get("/auth/me")
                .then().statusCode(200)
                .body("id", equalTo(user.id()))
                .body("username", equalTo(user.username()))
                .body("roles", containsInAnyOrder("user"))
                .body("sid", equalTo(session.sid()));
    }

    @Test
    void loginAnswersTheContractsTokenResponse() {
        TestUser user = TestUsers.register();
        given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password()))
                .when().post("/auth/login")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .contentType(ContentType.JSON)
                .body("access_token", notNullValue())
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(900))
                .body("refresh_token", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("refresh_expires_in", equalTo(604800))
                .body("session_id", matchesPattern("[0-9a-f-]{36}"))
                .body("scope", nullValue());
    }

    @Test
    void eachLoginStartsItsOwnSession() {
        TestUser user = TestUsers.register();
        Session first = TestUsers.login(user);
        Session second = TestUsers.login(user);
        assertNotEquals(first.sid(), second.sid());
        assertNotEquals(first.refreshToken(), second.refreshToken());
    }

    @Test
    void registeringATakenUsernameIsAConflictWhateverItsCase() {
        String name = TestUsers.uniqueName("bob");
        TestUsers.register(name, TestUsers.PASSWORD);
        Expect.refusal(given().contentType(ContentType.JSON)
                .body(Map.of("username", name.toUpperCase(), "password", TestUsers.PASSWORD))
                .when().post("/auth/register"), 409, "conflict")
                .body("error_description", notNullValue());
    }

    @Test
    void wrongPasswordAndUnknownUserGiveIdenticalAnswers() {
        TestUser user = TestUsers.register();
        Response wrongPassword = given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", "not the password at all"))
                .post("/auth/login");
        Response unknownUser = given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("nobody"), "password", "not the password at all"))
                .post("/auth/login");

        assertEquals(401, wrongPassword.statusCode());
        assertEquals(wrongPassword.statusCode(), unknownUser.statusCode());
        assertEquals(wrongPassword.body().asString(), unknownUser.body().asString());
        assertEquals(wrongPassword.header("Cache-Control"), unknownUser.header("Cache-Control"));
        assertEquals(wrongPassword.header("WWW-Authenticate"), unknownUser.header("WWW-Authenticate"));
        assertEquals("invalid_grant", wrongPassword.jsonPath().getString("error"));
    }

    @Test
    void aMalformedUsernameAtLoginLooksLikeAnUnknownOne() {
        Expect.error(given().contentType(ContentType.JSON)
                .body(Map.of("username", "a b", "password", "whatever password"))
                .when().post("/auth/login"), 401, "invalid_grant");
    }

    @Test
    void registrationAnswersIdAndUsernameOnly() {
        String name = TestUsers.uniqueName("carol");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", TestUsers.PASSWORD, "extra", "ignored"))
                .when().post("/auth/register")
                .then().statusCode(201)
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("username", equalTo(name))
                .body("size()", greaterThanOrEqualTo(2))
                .body("password_hash", nullValue())
                .body("password", nullValue());
    }
}
