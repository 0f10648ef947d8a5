package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every 4xx comes in the contract's shape, never with a stack trace or exception text. */
@QuarkusTest
class ErrorShapeTest {

    @Test
    void malformedJsonIsInvalidRequest() {
        Expect.refusal(given().contentType(ContentType.JSON).body("{\"username\": \"x\", ")
                .post("/auth/login"), 400, "invalid_request")
                .body("error_description", not(containsString("Exception")))
                .body("error_description", not(containsString("jackson")));
    }

    @Test
    void jsonOfTheWrongShapeIsInvalidRequest() {
        Expect.error(given().contentType(ContentType.JSON).body("[1,2,3]")
                .post("/auth/login"), 400, "invalid_request");
        Expect.error(given().contentType(ContentType.JSON).body("{\"username\": {\"nested\": true}, \"password\": \"x\"}")
                .post("/auth/login"), 400, "invalid_request");
    }

    @Test
    void missingBodyIsInvalidRequest() {
        Expect.error(given().contentType(ContentType.JSON)
                .post("/auth/register"), 400, "invalid_request");
    }

    @Test
    void oversizedBodyIsRefusedInTheErrorShape() {
        String big = "x".repeat(17 * 1024);
        Expect.error(given().contentType(ContentType.JSON)
                .body("{\"username\": \"" + big + "\", \"password\": \"y\"}")
                .post("/auth/login"), 413, "invalid_request");
    }

    @Test
    void unknownRouteIsNotFoundInTheErrorShape() {
        Expect.error(given().get("/no/such/thing"), 404, "not_found");
        Expect.error(given().get("/auth/nothing-here"), 404, "not_found");
    }

    @Test
    void wrongMethodIsRefusedInTheErrorShape() {
        Expect.error(given().get("/auth/login"), 405, "invalid_request");
    }

    @Test
    void wrongContentTypeIsRefusedInTheErrorShape() {
        Expect.error(given().contentType(ContentType.TEXT).body("username=a")
                .post("/auth/login"), 415, "invalid_request");
    }

    @Test
    void weakPasswordsAreRefusedAtRegistration() {
        for (String weak : new String[] { "short7!", "x".repeat(129), "password1", "iloveyou", "PassWord1" }) {
            Expect.error(given().contentType(ContentType.JSON)
                    .body(Map.of("username", TestUsers.uniqueName("weak"), "password", weak))
                    .post("/auth/register"), 400, "invalid_request");
        }
        String name = TestUsers.uniqueName("same");
        Expect.error(given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", name.toUpperCase()))
                .post("/auth/register"), 400, "invalid_request");
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
            Expect.error(given().contentType(ContentType.JSON)
                    .body(Map.of("username", bad, "password", TestUsers.PASSWORD))
                    .post("/auth/register"), 400, "invalid_request");
        }
    }
}
