package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every 4xx comes in the contract's shape, never with a stack trace or exception text. */
@QuarkusTest
class ErrorShapeTest {

    @Test
    void malformedJsonIsInvalidRequest() {
        given().contentType(ContentType.JSON).body("{\"username\": \"x\", ")
                .post("/auth/login")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_request"))
                .body("error_description", not(containsString("Exception")))
                .body("error_description", not(containsString("jackson")));
    }

    @Test
    void jsonOfTheWrongShapeIsInvalidRequest() {
        given().contentType(ContentType.JSON).body("[1,2,3]")
                .post("/auth/login")
                .then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.JSON).body("{\"username\": {\"nested\": true}, \"password\": \"x\"}")
                .post("/auth/login")
                .then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void missingBodyIsInvalidRequest() {
        given().contentType(ContentType.JSON)
                .post("/auth/register")
                .then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void oversizedBodyIsRefusedInTheErrorShape() {
        String big = "x".repeat(17 * 1024);
        given().contentType(ContentType.JSON)
                .body("{\"username\": \"" + big + "\", \"password\": \"y\"}")
                .post("/auth/login")
                .then().statusCode(anyOf(is(413), is(400)))
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void unknownRouteIsNotFoundInTheErrorShape() {
        given().get("/no/such/thing")
                .then().statusCode(404)
                .body("error", equalTo("not_found"));
        given().get("/auth/nothing-here")
                .then().statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void wrongMethodIsRefusedInTheErrorShape() {
        given().get("/auth/login")
                .then().statusCode(405)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void wrongContentTypeIsRefusedInTheErrorShape() {
        given().contentType(ContentType.TEXT).body("username=a")
                .post("/auth/login")
                .then().statusCode(415)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void weakPasswordsAreRefusedAtRegistration() {
        for (String weak : new String[] { "short7!", "x".repeat(129), "password1", "iloveyou", "PassWord1" }) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("username", TestUsers.uniqueName("weak"), "password", weak))
                    .post("/auth/register")
                    .then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
        String name = TestUsers.uniqueName("same");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", name.toUpperCase()))
                .post("/auth/register")
                .then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void passwordLengthCountsCodePointsNotBytes() {
        // eight emoji: 8 code points, 16 UTF-16 units, 32 UTF-8 bytes: allowed
        given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("emoji"), "password", "🔑🗝🔐🔒🔓🛡🧷🪪"))
                .post("/auth/register")
                .then().statusCode(201);
        // seven code points is too short even though it is 14 UTF-16 units
        given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("emoji"), "password", "🔑🗝🔐🔒🔓🛡🧷"))
                .post("/auth/register")
                .then().statusCode(400);
    }

    @Test
    void badUsernamesAreRefusedAtRegistration() {
        for (String bad : new String[] { "ab", "a".repeat(65), "with space", "tab\tname", "semi;colon" }) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("username", bad, "password", TestUsers.PASSWORD))
                    .post("/auth/register")
                    .then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
    }
}
