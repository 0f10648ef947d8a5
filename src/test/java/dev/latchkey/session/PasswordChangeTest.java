package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class PasswordChangeTest {

    private static final String NEW_PASSWORD = "a brand new passphrase 2026";

    @Test
    void changingThePasswordKillsEveryOtherSessionButKeepsTheCallers() {
        Session mine = TestUsers.newSession();
        Session other = TestUsers.login(mine.user());

        change(mine, mine.user().password(), NEW_PASSWORD).then().statusCode(204);

        assertEquals(200, meStatus(mine.accessToken()), "the caller's access token stays valid");
        TestUsers.refreshOk(mine);
        assertEquals(401, meStatus(other.accessToken()));
        refresh(other.refreshToken()).then().statusCode(401);

        given().contentType(ContentType.JSON)
                .body(Map.of("username", mine.user().username(), "password", mine.user().password()))
                .post("/auth/login").then().statusCode(401);
        TestUsers.login(new TestUser(mine.user().id(), mine.user().username(), NEW_PASSWORD));
    }

    @Test
    void aWrongCurrentPasswordChangesNothing() {
        Session mine = TestUsers.newSession();
        Session other = TestUsers.login(mine.user());
        Expect.error(change(mine, "not my password at all", NEW_PASSWORD), 401, "invalid_grant");
        assertEquals(200, meStatus(other.accessToken()));
        TestUsers.login(mine.user());
    }

    @Test
    void aWeakNewPasswordIsRefusedAndChangesNothing() {
        Session mine = TestUsers.newSession();
        Session other = TestUsers.login(mine.user());
        Expect.error(change(mine, mine.user().password(), "password1"), 400, "invalid_request");
        change(mine, mine.user().password(), "short").then().statusCode(400);
        assertEquals(200, meStatus(other.accessToken()));
        TestUsers.login(mine.user());
    }

    @Test
    void changingThePasswordNeedsABearerToken() {
        Expect.error(given().contentType(ContentType.JSON)
                .body(Map.of("current_password", "x", "new_password", NEW_PASSWORD))
                .post("/auth/password"), 401, "invalid_token");
    }

    static io.restassured.response.Response change(Session session, String current, String next) {
        return given().contentType(ContentType.JSON).header("Authorization", session.bearer())
                .body(Map.of("current_password", current, "new_password", next))
                .post("/auth/password");
    }
}
