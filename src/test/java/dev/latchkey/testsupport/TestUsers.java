package dev.latchkey.testsupport;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Makes fresh users through the API, so no test depends on another's data. */
public final class TestUsers {

    /** Strong enough for the policy and not on the common list. */
    public static final String PASSWORD = "correct horse battery staple 42";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestUsers() {
    }

    /** A registered user. */
    public record TestUser(String id, String username, String password) {
    }

    /** A session of a user: the token response of a login. */
    public record Session(TestUser user, String accessToken, String refreshToken, String sid, JsonPath body) {
        public String bearer() {
            return "Bearer " + accessToken;
        }
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + COUNTER.incrementAndGet();
    }

    public static TestUser register() {
        return register(uniqueName("user"), PASSWORD);
    }

    public static TestUser register(String username, String password) {
        JsonPath body = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .when().post("/auth/register")
                .then().statusCode(201)
                .extract().jsonPath();
        return new TestUser(body.getString("id"), body.getString("username"), password);
    }

    public static Session login(TestUser user) {
        JsonPath body = given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password()))
                .when().post("/auth/login")
                .then().statusCode(200)
                .extract().jsonPath();
        return new Session(user, body.getString("access_token"), body.getString("refresh_token"),
                body.getString("session_id"), body);
    }

    /** {@code POST /auth/refresh} with this refresh token in the body. */
    public static io.restassured.response.Response refresh(String refreshToken) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("refresh_token", refreshToken))
                .when().post("/auth/refresh");
    }

    /** Refreshes and expects success; returns the new session state. */
    public static Session refreshOk(Session session) {
        JsonPath body = refresh(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        return new Session(session.user(), body.getString("access_token"), body.getString("refresh_token"),
                body.getString("session_id"), body);
    }

    /** The status {@code GET /auth/me} answers for this access token. */
    public static int meStatus(String accessToken) {
        return given().header("Authorization", "Bearer " + accessToken).when().get("/auth/me").statusCode();
    }

    /** A new user with one session. */
    public static Session newSession() {
        return login(register());
    }

    /** {@code POST /auth/login} in cookie mode, from {@code origin} (no Origin header when null). */
    public static io.restassured.response.Response cookieLogin(TestUser user, String origin) {
        var request = given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password(), "refresh_transport", "cookie"));
        if (origin != null) {
            request = request.header("Origin", origin);
        }
        return request.post("/auth/login");
    }

    /** The refresh token a cookie-mode answer set in {@code lk_refresh}; fails the test if there is none. */
    public static String cookieOf(io.restassured.response.Response response) {
        String header = response.header("Set-Cookie");
        java.util.regex.Matcher cookie = java.util.regex.Pattern.compile("lk_refresh=([A-Za-z0-9_-]{43});")
                .matcher(header == null ? "" : header);
        org.junit.jupiter.api.Assertions.assertTrue(cookie.find(), "no refresh cookie in: " + header);
        return cookie.group(1);
    }

    /** The payload of a JWT, not verified (the test reads what the service wrote). */
    public static JsonPath claims(String jwt) {
        return JsonPath.from(new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8));
    }
}
