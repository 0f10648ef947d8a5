package dev.latchkey.api;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Cookie mode with the default settings: no allowed origins, Secure cookies. */
@QuarkusTest
class CookieModeTest {

    static final Pattern SET_COOKIE = Pattern.compile(
            "lk_refresh=([A-Za-z0-9_-]{43}); Path=/auth; HttpOnly; Secure; SameSite=Strict; Max-Age=(\\d+)");
    static final String FOREIGN = "https://evil.example";

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void cookieLoginPutsTheRefreshTokenOnlyInAStrictHttpOnlyCookie() {
        Response login = TestUsers.cookieLogin(TestUsers.register(), null);
        login.then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("refresh_token", nullValue())
                .body("access_token", org.hamcrest.Matchers.notNullValue())
                .body("refresh_expires_in", equalTo(604800));
        Matcher cookie = SET_COOKIE.matcher(login.header("Set-Cookie"));
        assertTrue(cookie.matches(), login.header("Set-Cookie"));
        assertEquals("604800", cookie.group(2), "Max-Age is the family's remaining lifetime");
        assertTrue(!login.asString().contains(cookie.group(1)), "the refresh token is not in the body");
    }

    @Test
    void refreshReadsTheCookieAndAnswersInCookieModeEvenWithoutABody() {
        String first = TestUsers.cookieOf(TestUsers.cookieLogin(TestUsers.register(), null));

        Response refreshed = given().cookie("lk_refresh", first).post("/auth/refresh");
        refreshed.then().statusCode(200).body("refresh_token", nullValue());
        String second = TestUsers.cookieOf(refreshed);
        assertNotEquals(first, second, "rotated");
        assertEquals(200, meStatus(refreshed.jsonPath().getString("access_token")));

        // a JSON body without a refresh token also means "use the cookie"
        Response again = given().cookie("lk_refresh", second).contentType(ContentType.JSON).body("{}").post("/auth/refresh");
        again.then().statusCode(200).body("refresh_token", nullValue());
        assertNotEquals(second, TestUsers.cookieOf(again));
    }

    @Test
    void aRefusedCookieIsCleared() {
        String first = TestUsers.cookieOf(TestUsers.cookieLogin(TestUsers.register(), null));
        String second = TestUsers.cookieOf(given().cookie("lk_refresh", first).post("/auth/refresh"));
        clock.advance(Duration.ofSeconds(11));

        Response reused = given().cookie("lk_refresh", first).post("/auth/refresh");
        Expect.error(reused, 401, "invalid_grant");
        assertTrue(reused.header("Set-Cookie").startsWith("lk_refresh=; Path=/auth;"), reused.header("Set-Cookie"));
        assertTrue(reused.header("Set-Cookie").contains("Max-Age=0"));
        given().cookie("lk_refresh", second).post("/auth/refresh").then().statusCode(401);

        given().cookie("lk_refresh", "garbage").post("/auth/refresh")
                .then().statusCode(401).header("Set-Cookie", org.hamcrest.Matchers.containsString("Max-Age=0"));
    }

    @Test
    void logoutReadsTheCookieRevokesTheFamilyAndClearsTheCookie() {
        Response login = TestUsers.cookieLogin(TestUsers.register(), null);
        String token = TestUsers.cookieOf(login);

        Response logout = given().cookie("lk_refresh", token).post("/auth/logout");
        logout.then().statusCode(204);
        assertTrue(logout.header("Set-Cookie").contains("Max-Age=0"));
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(401);
        assertEquals(401, meStatus(login.jsonPath().getString("access_token")));
    }

    @Test
    void logoutAllClearsTheCookieOfTheCallingBrowser() {
        Response login = TestUsers.cookieLogin(TestUsers.register(), null);
        Response logoutAll = given().cookie("lk_refresh", TestUsers.cookieOf(login))
                .header("Authorization", "Bearer " + login.jsonPath().getString("access_token"))
                .post("/auth/logout-all");
        logoutAll.then().statusCode(204);
        assertTrue(logoutAll.header("Set-Cookie").contains("Max-Age=0"), logoutAll.header("Set-Cookie"));
    }

    @Test
    void everyAnswerVariesByOriginAndTheDemoPageIsRevalidated() {
        given().get("/.well-known/jwks.json").then().header("Vary", org.hamcrest.Matchers.containsString("Origin"));
        given().get("/").then().statusCode(200)
                .header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"));
    }

    @Test
    void aForeignOriginCannotLogInInCookieModeAndNothingIsWritten() {
        TestUser user = TestUsers.register();
        Expect.refusal(TestUsers.cookieLogin(user, FOREIGN), 403, "access_denied")
                .header("Set-Cookie", nullValue());
        assertEquals(0, new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ?",
                UUID.fromString(user.id())));
    }

    @Test
    void aForeignOriginCannotRefreshOrLogOutWithTheCookieAndChangesNothing() {
        String token = TestUsers.cookieOf(TestUsers.cookieLogin(TestUsers.register(), null));

        Expect.refusal(given().cookie("lk_refresh", token).header("Origin", FOREIGN).post("/auth/refresh"), 403,
                "access_denied")
                .header("Access-Control-Allow-Origin", nullValue());
        Expect.error(given().cookie("lk_refresh", token).header("Origin", FOREIGN).post("/auth/logout"), 403, "access_denied");
        given().cookie("lk_refresh", token).header("Origin", "null").post("/auth/refresh")
                .then().statusCode(403);

        // the token was neither rotated nor revoked
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    void theServicesOwnOriginMayUseCookieModeWithoutConfiguration() {
        // the service's own origin is that of latchkey.issuer (http://localhost:8080 in tests)
        Response login = TestUsers.cookieLogin(TestUsers.register(), "http://localhost:8080");
        login.then().statusCode(200);
        given().cookie("lk_refresh", TestUsers.cookieOf(login)).header("Origin", "http://localhost:8080")
                .post("/auth/refresh").then().statusCode(200);
    }

    @Test
    void aForeignPreflightIsRefusedWithoutCorsHeaders() {
        Expect.refusal(given().header("Origin", FOREIGN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .options("/auth/refresh"), 403, "access_denied")
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
    }

    @Test
    void bodyModeIgnoresTheCookie() {
        Response login = TestUsers.cookieLogin(TestUsers.register(), null);
        String cookieToken = TestUsers.cookieOf(login);
        TestUsers.Session bodySession = TestUsers.newSession();
        Response refreshed = given().cookie("lk_refresh", cookieToken).contentType(ContentType.JSON)
                .body(Map.of("refresh_token", bodySession.refreshToken())).post("/auth/refresh");
        refreshed.then().statusCode(200).body("session_id", equalTo(bodySession.sid()));
        assertNull(refreshed.header("Set-Cookie"));
        assertTrue(refreshed.jsonPath().getString("refresh_token") != null);
    }

    @Test
    void noTokenAnywhereIsInvalidRequest() {
        Expect.error(given().post("/auth/refresh"), 400, "invalid_request");
        Expect.error(given().contentType(ContentType.TEXT).body("refresh_token=x").post("/auth/refresh"), 415,
                "invalid_request");
    }

    @Test
    void anUnknownTransportIsInvalidRequest() {
        TestUser user = TestUsers.register();
        Expect.error(given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password(), "refresh_transport", "carrier-pigeon"))
                .post("/auth/login"), 400, "invalid_request");
    }
}
