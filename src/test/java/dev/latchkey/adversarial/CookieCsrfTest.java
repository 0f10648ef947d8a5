package dev.latchkey.adversarial;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.latchkey.testsupport.Answer;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.RawHttp;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Cross-site request forgery against cookie mode (API.md "Refresh-token transport", ASVS 5.0 V3.3
 * cookie setup, V3.5 browser origin separation, V7), with the default settings: no allowed
 * origins, {@code Secure} cookies. The basics (a foreign origin on login/refresh/logout, a foreign
 * preflight, body beats cookie on refresh) are in {@code api.CookieModeTest}; these are variants.
 */
@QuarkusTest
class CookieCsrfTest {

    static final Pattern SET = Pattern.compile(
            "lk_refresh=([A-Za-z0-9_-]{43}); Path=/auth; HttpOnly; Secure; SameSite=Strict; Max-Age=(\\d+)");
    static final Pattern CLEARED = Pattern.compile(
            "lk_refresh=; Path=/auth; HttpOnly; Secure; SameSite=Strict; Max-Age=0(; Expires=Thu, 01 Jan 1970 00:00:00 GMT)?");

    @Inject
    AgroalDataSource dataSource;

    private static TestUser bystander;

    /** A user no test logs in on purpose; tests compare its session count before and after. */
    private static synchronized TestUser bystander() {
        if (bystander == null) {
            bystander = TestUsers.register();
        }
        return bystander;
    }

    private static TestUser sharedUser;

    private static synchronized TestUser sharedUser() {
        if (sharedUser == null) {
            sharedUser = TestUsers.register();
        }
        return sharedUser;
    }

    /** The service's own origin: that of latchkey.issuer (never taken from the request's Host). */
    static String own() {
        return "http://localhost:" + ISSUER_PORT;
    }

    static final int ISSUER_PORT = 8080;

    /** The origins a cross-site attacker might present; none is ours. */
    static String origin(String name) {
        int port = ISSUER_PORT;
        return switch (name) {
            case "another port" -> "http://localhost:" + (port + 1);
            case "https instead of http" -> "https://localhost:" + port;
            case "null" -> "null";
            case "userinfo trick" -> "http://localhost:" + port + "@evil.example";
            case "suffix host" -> "http://localhost.evil.example:" + port;
            case "our origin as a path" -> "https://evil.example/http://localhost:" + port;
            case "our host by IP address" -> "http://127.0.0.1:" + port;
            case "upper-case foreign" -> "HTTPS://EVIL.EXAMPLE";
            default -> throw new IllegalArgumentException(name);
        };
    }

    static String cookieOf(Response response) {
        String header = response.header("Set-Cookie");
        Matcher cookie = SET.matcher(header == null ? "" : header);
        assertTrue(cookie.matches(), "a refresh cookie with every attribute: " + header);
        return cookie.group(1);
    }

    private long families(TestUser user) {
        return new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ?", UUID.fromString(user.id()));
    }

    private long tokenRows(String sid) {
        return new Db(dataSource).count("SELECT count(*) FROM refresh_tokens WHERE family_id = ?", UUID.fromString(sid));
    }

    private static void noCors(Response response) {
        String seen = "HTTP " + response.statusCode() + " Access-Control-Allow-Origin="
                + response.header("Access-Control-Allow-Origin")
                + " Access-Control-Allow-Credentials=" + response.header("Access-Control-Allow-Credentials");
        assertNull(response.header("Access-Control-Allow-Origin"), "no CORS for a foreign origin; got " + seen);
        assertNull(response.header("Access-Control-Allow-Credentials"),
                "no credentialed CORS for a foreign origin; got " + seen);
    }

    @ParameterizedTest(name = "ASVS 5.0 V3.5.1: a cookie-mode login from a foreign origin ({0}) is 403 access_denied and writes no session")
    @ValueSource(strings = { "another port", "https instead of http", "null", "userinfo trick", "suffix host",
            "our origin as a path", "our host by IP address", "upper-case foreign" })
    void cookieLoginFromAForeignOriginIsRefused(String name) {
        long before = families(bystander());
        Response login = TestUsers.cookieLogin(bystander(), origin(name));
        Expect.accessDenied(login);
        noCors(login);
        assertEquals(before, families(bystander()), "no session was started");
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.1: an Origin matching a forged Host header (as with DNS rebinding) is not our origin: 403, no session")
    void originMatchingAForgedHostHeaderIsRefused() throws Exception {
        TestUser user = TestUsers.register(); // its own: if the attack succeeds, no other test sees the session
        byte[] body = Expect.JSON.writeValueAsBytes(
                Map.of("username", user.username(), "password", user.password(), "refresh_transport", "cookie"));
        Answer answer = RawHttp.send(null, "POST", "/auth/login", List.of(new String[] { "Host", "evil.example" },
                new String[] { "Origin", "http://evil.example" }, new String[] { "Content-Type", "application/json" }), body,
                false);
        Expect.accessDenied(answer);
        assertEquals(0, families(user), "no session was started");
    }

    @ParameterizedTest(name = "ASVS 5.0 V3.5.1: a cookie-mode logout from a foreign origin ({0}) is 403 and the session lives")
    @ValueSource(strings = { "another port", "null", "https instead of http" })
    void cookieLogoutFromAForeignOriginIsRefused(String name) {
        String token = cookieOf(TestUsers.cookieLogin(sharedUser(), null));

        Response logout = given().cookie("lk_refresh", token).header("Origin", origin(name)).post("/auth/logout");
        Expect.accessDenied(logout);
        assertTrue(logout.headers().getValues("Set-Cookie").isEmpty(), "the cookie is not even cleared");

        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @ParameterizedTest(name = "ASVS 5.0 V3.5.1: a foreign-origin cookie refresh with body {0} is still cookie mode: 403, not rotated")
    @ValueSource(strings = { "{}", "{\"refresh_token\":\"\"}", "{\"refresh_token\":null}" })
    void aBodyWithoutATokenDoesNotSkipTheOriginCheck(String body) {
        Response login = TestUsers.cookieLogin(sharedUser(), null);
        String token = cookieOf(login);
        String sid = login.jsonPath().getString("session_id");

        Response refresh = given().cookie("lk_refresh", token).header("Origin", origin("another port"))
                .contentType(ContentType.JSON).body(body).post("/auth/refresh");
        Expect.accessDenied(refresh);
        assertEquals(1, tokenRows(sid), "not rotated");
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @ParameterizedTest(name = "ASVS 5.0 V3.5.1: a preflight from a foreign origin ({0}) is 403 without CORS headers")
    @ValueSource(strings = { "null", "another port", "userinfo trick" })
    void foreignPreflightIsRefused(String name) {
        Response preflight = given().header("Origin", origin(name)).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").options("/auth/login");
        Expect.accessDenied(preflight);
        noCors(preflight);
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.2: a form-encoded cross-site POST to /auth/refresh with the cookie is 415 and does not rotate")
    void formEncodedRefreshIsRefused() {
        Response login = TestUsers.cookieLogin(sharedUser(), null);
        String token = cookieOf(login);
        Response form = given().cookie("lk_refresh", token).contentType(ContentType.URLENC)
                .body("refresh_token=" + token).post("/auth/refresh");
        Expect.invalidRequest(form, 415);
        assertEquals(1, tokenRows(login.jsonPath().getString("session_id")));
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.2: a text/plain JSON body (the no-preflight CSRF trick) to /auth/login is 415 and writes no session")
    void textPlainJsonLoginIsRefused() {
        TestUser user = TestUsers.register();
        Response login = given().contentType("text/plain;charset=UTF-8")
                .body("{\"username\":\"" + user.username() + "\",\"password\":\"" + user.password()
                        + "\",\"refresh_transport\":\"cookie\"}")
                .post("/auth/login");
        Expect.invalidRequest(login, 415);
        assertEquals(0, families(user));
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.2: a multipart cross-site POST to /auth/logout with the cookie is 415 and does not log out")
    void multipartLogoutIsRefused() {
        String token = cookieOf(TestUsers.cookieLogin(sharedUser(), null));
        Response logout = given().cookie("lk_refresh", token).multiPart("refresh_token", token).post("/auth/logout");
        Expect.invalidRequest(logout, 415);
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.3: GET /auth/refresh with the cookie (even with X-HTTP-Method-Override: POST) is 405 and does not rotate")
    void getCannotRefresh() {
        Response login = TestUsers.cookieLogin(sharedUser(), null);
        String token = cookieOf(login);
        Expect.invalidRequest(given().cookie("lk_refresh", token).get("/auth/refresh"), 405);
        Expect.invalidRequest(given().cookie("lk_refresh", token).header("X-HTTP-Method-Override", "POST").get("/auth/refresh"),
                405);
        Expect.invalidRequest(given().cookie("lk_refresh", token).get("/auth/logout"), 405);
        assertEquals(1, tokenRows(login.jsonPath().getString("session_id")));
        given().cookie("lk_refresh", token).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    @DisplayName("API.md transport: logout with a body token and another user's cookie revokes the body's family only")
    void logoutBodyBeatsTheCookie() {
        TestUsers.Session bodySession = TestUsers.newSession();
        Response cookieLogin = TestUsers.cookieLogin(sharedUser(), null);
        String cookieToken = cookieOf(cookieLogin);

        given().cookie("lk_refresh", cookieToken).contentType(ContentType.JSON)
                .body(Map.of("refresh_token", bodySession.refreshToken())).post("/auth/logout").then().statusCode(204);

        Expect.invalidGrant(TestUsers.refresh(bodySession.refreshToken()));
        given().cookie("lk_refresh", cookieToken).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    @DisplayName("API.md transport: a garbage body token with a valid cookie is refused (body wins) and the cookie's token is untouched")
    void garbageBodyTokenDoesNotFallBackToTheCookie() {
        Response login = TestUsers.cookieLogin(sharedUser(), null);
        String cookieToken = cookieOf(login);

        Response refresh = given().cookie("lk_refresh", cookieToken).contentType(ContentType.JSON)
                .body(Map.of("refresh_token", "garbage")).post("/auth/refresh");
        Expect.invalidGrant(refresh);
        assertTrue(refresh.headers().getValues("Set-Cookie").isEmpty(), "a body-mode refusal leaves the cookie alone");
        assertEquals(1, tokenRows(login.jsonPath().getString("session_id")));
        given().cookie("lk_refresh", cookieToken).post("/auth/refresh").then().statusCode(200);
    }

    @Test
    @DisplayName("ASVS 5.0 V3.3.2/V3.3.4: a rotated cookie keeps Path=/auth, HttpOnly, Secure, SameSite=Strict and the family's Max-Age")
    void rotatedCookieKeepsEveryAttribute() {
        String token = cookieOf(TestUsers.cookieLogin(sharedUser(), null));
        Response refreshed = given().cookie("lk_refresh", token).post("/auth/refresh");
        refreshed.then().statusCode(200);
        Matcher cookie = SET.matcher(refreshed.header("Set-Cookie"));
        assertTrue(cookie.matches(), refreshed.header("Set-Cookie"));
        assertEquals(refreshed.jsonPath().getLong("refresh_expires_in"), Long.parseLong(cookie.group(2)),
                "Max-Age is the family's remaining lifetime");
        assertNull(refreshed.jsonPath().getString("refresh_token"), "never in the body in cookie mode");
        assertEquals(List.of(refreshed.header("Set-Cookie")), refreshed.headers().getValues("Set-Cookie"), "one cookie only");
    }

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: the clearing cookie on logout and on a refused refresh has the same Path and attributes, so browsers drop it")
    void clearingCookieMatchesTheSetCookie() {
        String token = cookieOf(TestUsers.cookieLogin(sharedUser(), null));
        Response logout = given().cookie("lk_refresh", token).post("/auth/logout");
        logout.then().statusCode(204);
        assertTrue(CLEARED.matcher(logout.header("Set-Cookie")).matches(), logout.header("Set-Cookie"));

        Response refused = given().cookie("lk_refresh", token).post("/auth/refresh");
        Expect.invalidGrant(refused);
        assertTrue(CLEARED.matcher(refused.header("Set-Cookie")).matches(), refused.header("Set-Cookie"));
    }
}
