package dev.latchkey.adversarial;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Hostile request bodies and identifiers (API.md "Rules every endpoint keeps", ASVS 5.0 V2.2 input
 * validation, V4.2 HTTP message structure, V6.2 passwords, NIST SP 800-63B §5.1.1.2). Malformed
 * input is 400 {@code invalid_request} (413/415 for size and type), never a 500, never a partial
 * write; Unicode tricks cannot create lookalike accounts or weak passwords.
 */
@QuarkusTest
class InputAbuseTest {

    @Inject
    AgroalDataSource dataSource;

    private static Session shared;

    private static synchronized Session shared() {
        if (shared == null) {
            shared = TestUsers.newSession();
        }
        return shared;
    }

    private long usersNamed(String canonical) {
        return new Db(dataSource).count("SELECT count(*) FROM users WHERE username = ?", canonical);
    }

    static Response postJson(String path, String body) {
        return given().contentType(ContentType.JSON).body(body.getBytes(StandardCharsets.UTF_8)).post(path);
    }

    static String loginBody(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    /** ASCII letters, digits and punctuation to their fullwidth forms (U+FF01..U+FF5E). */
    static String fullwidth(String ascii) {
        StringBuilder wide = new StringBuilder();
        for (char c : ascii.toCharArray()) {
            wide.append(c >= 0x21 && c <= 0x7e ? (char) (c - 0x21 + 0xff01) : c);
        }
        return wide.toString();
    }

    // ---- JSON structure ---------------------------------------------------------------------

    @Test
    @DisplayName("ASVS 5.0 V15.3.7 (parameter pollution): a login body with two usernames (victim, attacker) is 400 invalid_request")
    void duplicateUsernameKeyIsRefused() {
        TestUser user = shared().user();
        Expect.invalidRequest(postJson("/auth/login", "{\"username\":\"" + user.username() + "\",\"username\":\"nobody-x\","
                + "\"password\":\"" + user.password() + "\"}"), 400);
        Expect.invalidRequest(postJson("/auth/login", "{\"username\":\"nobody-x\",\"username\":\"" + user.username() + "\","
                + "\"password\":\"" + user.password() + "\"}"), 400);
    }

    @Test
    @DisplayName("ASVS 5.0 V15.3.7 (parameter pollution): a refresh body with two refresh_token members is 400 and consumes neither")
    void duplicateRefreshTokenKeyIsRefused() {
        Session session = TestUsers.login(shared().user());
        Expect.invalidRequest(postJson("/auth/refresh",
                "{\"refresh_token\":\"" + session.refreshToken() + "\",\"refresh_token\":\"x\"}"), 400);
        TestUsers.refreshOk(session);
    }

    @ParameterizedTest(name = "ASVS 5.0 V15.3.5 (type confusion): {0} where a string is expected is 400 invalid_request, not coerced")
    @ValueSource(strings = { "a number username", "a boolean password", "an array username",
            "an operator object as refresh_token",
            "1e999999999 as username", "a number refresh_transport" })
    void wrongJsonTypesAreRefused(String what) {
        String password = shared().user().password();
        String username = shared().user().username();
        Response response = switch (what) {
            case "a number username" -> postJson("/auth/login", "{\"username\":123,\"password\":\"" + password + "\"}");
            case "a boolean password" -> postJson("/auth/login", "{\"username\":\"" + username + "\",\"password\":true}");
            case "an array username" ->
                postJson("/auth/login", "{\"username\":[\"" + username + "\"],\"password\":\"" + password
                        + "\"}");
            case "an operator object as refresh_token" -> postJson("/auth/refresh", "{\"refresh_token\":{\"$ne\":null}}");
            case "1e999999999 as username" -> postJson("/auth/login", "{\"username\":1e999999999,\"password\":\"x\"}");
            default -> postJson("/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + password
                    + "\",\"refresh_transport\":1}");
        };
        Expect.invalidRequest(response, 400);
    }

    @ParameterizedTest(name = "ASVS 5.0 V2.2.1: a body that is JSON {0} is 400 invalid_request")
    @ValueSource(strings = { "null", "\"a string\"", "[]", "42" })
    void nonObjectBodiesAreRefused(String body) {
        Expect.invalidRequest(postJson("/auth/login", body), 400);
        Expect.invalidRequest(postJson("/auth/register", body), 400);
    }

    @Test
    @DisplayName("API.md malformed JSON: an empty body with Content-Type application/json on login is 400 invalid_request")
    void emptyJsonBodyIsRefused() {
        Expect.invalidRequest(given().contentType(ContentType.JSON).body(new byte[0]).post("/auth/login"), 400);
    }

    @ParameterizedTest(name = "API.md malformed JSON: trailing data ({0}) after the object is 400 invalid_request")
    @ValueSource(strings = { "garbage", "a second object", "a second username object" })
    void trailingDataIsRefused(String what) {
        TestUser user = shared().user();
        String valid = loginBody(user.username(), user.password());
        String trailing = switch (what) {
            case "garbage" -> " xyz";
            case "a second object" -> "{}";
            default -> loginBody("nobody-x", "x");
        };
        Expect.invalidRequest(postJson("/auth/login", valid + trailing), 400);
    }

    @ParameterizedTest(name = "API.md malformed JSON: lenient syntax ({0}) is 400 invalid_request")
    @ValueSource(strings = { "comments", "single quotes", "unquoted names", "NaN", "a trailing comma" })
    void lenientJsonIsRefused(String what) {
        TestUser user = shared().user();
        String body = switch (what) {
            case "comments" -> "{/* hi */\"username\":\"" + user.username() + "\",\"password\":\"" + user.password() + "\"}";
            case "single quotes" -> "{'username':'" + user.username() + "','password':'" + user.password() + "'}";
            case "unquoted names" -> "{username:\"" + user.username() + "\",password:\"" + user.password() + "\"}";
            case "NaN" -> "{\"username\":\"" + user.username() + "\",\"password\":\"" + user.password() + "\",\"n\":NaN}";
            default -> "{\"username\":\"" + user.username() + "\",\"password\":\"" + user.password() + "\",}";
        };
        Expect.invalidRequest(postJson("/auth/login", body), 400);
    }

    @Test
    @DisplayName("ASVS 5.0 V2.2.1 / RFC 8259 §8.1: invalid UTF-8 bytes in the body are 400 invalid_request")
    void invalidUtf8IsRefused() {
        byte[] prefix = "{\"username\":\"al".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "ice\",\"password\":\"correct horse battery staple 42\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28; // not a continuation byte
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        Expect.invalidRequest(given().contentType(ContentType.JSON).body(body).post("/auth/login"), 400);
    }

    @Test
    @DisplayName("ASVS 5.0 V2.2.1: JSON nested 5000 levels deep (under 16 KiB, in an ignored field) is 400, not a 500")
    void deeplyNestedJsonIsRefused() {
        String nested = "[".repeat(5000) + "]".repeat(5000);
        Expect.invalidRequest(postJson("/auth/login", "{\"x\":" + nested + ",\"username\":\"nobody-x\",\"password\":\"x\"}"),
                400);
    }

    @Test
    @DisplayName("ASVS 5.0 V2.2.1: a 10000-digit number (under 16 KiB, in an ignored field) is 400, not a 500 or a slow parse")
    void hugeNumberIsRefused() {
        String number = "9".repeat(10_000);
        Expect.invalidRequest(postJson("/auth/login", "{\"n\":" + number + ",\"username\":\"nobody-x\",\"password\":\"x\"}"),
                400);
    }

    // ---- size and type ----------------------------------------------------------------------

    static byte[] bigLoginBody(int size) {
        String head = "{\"username\":\"nobody-x\",\"password\":\"";
        String tail = "\"}";
        return (head + "p".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("API.md (bodies over 16 KiB): 16 KiB + 1 byte with Content-Length is 413 invalid_request")
    void bodyOverTheLimitWithContentLengthIs413() {
        Answer answer = RawHttp.send(null, "POST", "/auth/login", List.<String[]> of(new String[] { "Content-Type",
                "application/json" }), bigLoginBody(16 * 1024 + 1), false);
        Expect.invalidRequest(answer, 413);
    }

    @Test
    @DisplayName("API.md (bodies over 16 KiB): a 20 KiB chunked body (no Content-Length) to /auth/login is 413 invalid_request")
    void chunkedBodyOverTheLimitIs413OnLogin() {
        Answer answer = RawHttp.send(null, "POST", "/auth/login", List.<String[]> of(new String[] { "Content-Type",
                "application/json" }), bigLoginBody(20 * 1024), true);
        Expect.invalidRequest(answer, 413);
    }

    @Test
    @DisplayName("API.md (bodies over 16 KiB): a 20 KiB chunked body to /auth/refresh (read as raw bytes) is 413 invalid_request")
    void chunkedBodyOverTheLimitIs413OnRefresh() {
        byte[] body = ("{\"refresh_token\":\"" + "A".repeat(20 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
        Answer answer = RawHttp.send(null, "POST", "/auth/refresh", List.<String[]> of(new String[] { "Content-Type",
                "application/json" }), body, true);
        Expect.invalidRequest(answer, 413);
    }

    @Test
    @DisplayName("API.md error shape / ASVS 5.0 V4.2.5: a 30 KiB Authorization header is refused in the contract's error shape (431)")
    void oversizedHeaderIsRefusedInTheErrorShape() {
        Answer answer = RawHttp.send(null, "GET", "/auth/me", List.<String[]> of(new String[] { "Authorization",
                "Bearer " + "a".repeat(30 * 1024) }), null, false);
        Expect.invalidRequest(answer, 431);
    }

    @Test
    @DisplayName("API.md error shape: a request line over the limit (8 KiB query) is refused in the contract's error shape (414)")
    void oversizedRequestLineIsRefusedInTheErrorShape() {
        Answer answer = RawHttp.send(null, "GET", "/auth/me?x=" + "a".repeat(8 * 1024), List.of(), null, false);
        Expect.invalidRequest(answer, 414);
    }

    @Test
    @DisplayName("API.md (bodies are JSON): a JSON login body without any Content-Type is 415 invalid_request")
    void missingContentTypeIs415() {
        TestUser user = shared().user();
        Answer answer = RawHttp.send(null, "POST", "/auth/login", List.of(),
                loginBody(user.username(), user.password()).getBytes(StandardCharsets.UTF_8), false);
        Expect.invalidRequest(answer, 415);
    }

    @Test
    @DisplayName("API.md (bodies are JSON): an XML registration is 415 invalid_request and writes no user")
    void xmlRegistrationIs415() {
        String name = TestUsers.uniqueName("xml");
        Response response = given().contentType(ContentType.XML)
                .body("<register><username>" + name + "</username><password>" + TestUsers.PASSWORD + "</password></register>")
                .post("/auth/register");
        Expect.invalidRequest(response, 415);
        assertEquals(0, usersNamed(name));
    }

    // ---- control characters -----------------------------------------------------------------

    @Test
    @DisplayName("ASVS 5.0 V2.2.1: a NUL in the username is 400 at registration (no row) and at login")
    void nulInTheUsernameIsRefused() {
        String name = TestUsers.uniqueName("nul");
        Expect.invalidRequest(given().contentType(ContentType.JSON)
                .body(Map.of("username", name + "\u0000admin", "password", TestUsers.PASSWORD)).post("/auth/register"), 400);
        assertEquals(0, usersNamed(name), "nothing stored under the name before the NUL");
        assertEquals(0, usersNamed(name + "admin"), "nor with the NUL dropped");
        Expect.invalidRequest(given().contentType(ContentType.JSON)
                .body(Map.of("username", shared().user().username() + "\u0000", "password", shared().user().password()))
                .post("/auth/login"), 400);
    }

    @Test
    @DisplayName("ASVS 5.0 V2.2.1: the right password with a NUL appended does not log in (400)")
    void nulInThePasswordIsRefused() {
        Expect.invalidRequest(given().contentType(ContentType.JSON)
                .body(Map.of("username", shared().user().username(), "password", shared().user().password() + "\u0000"))
                .post("/auth/login"), 400);
    }

    @ParameterizedTest(name = "NIST SP 800-63B §5.1.1.2: a password with {0} is refused at registration")
    @ValueSource(strings = { "DEL (U+007F)", "NEL (U+0085, a C1 control)", "a newline" })
    void controlCharactersInPasswordsAreRefused(String what) {
        String control = switch (what) {
            case "DEL (U+007F)" -> "\u007f";
            case "NEL (U+0085, a C1 control)" -> "\u0085";
            default -> "\n";
        };
        String name = TestUsers.uniqueName("ctl");
        Expect.invalidRequest(given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "correct horse" + control + "battery staple"))
                .post("/auth/register"),
                400);
        assertEquals(0, usersNamed(name));
    }

    // ---- usernames --------------------------------------------------------------------------

    @ParameterizedTest(name = "RFC 8265 §3.2 / API.md 409: a {0} variant of a taken username collides at registration")
    @ValueSource(strings = { "fullwidth", "Kelvin-sign", "ligature", "upper-case" })
    void unicodeVariantsOfATakenUsernameCollide(String variant) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String taken;
        String lookalike;
        switch (variant) {
            case "fullwidth" -> {
                taken = "alice-" + suffix;
                lookalike = fullwidth("ALICE-" + suffix);
            }
            case "Kelvin-sign" -> {
                taken = "kelvin-" + suffix;
                lookalike = "\u212Aelvin-" + suffix;
            }
            case "ligature" -> {
                taken = "finn-" + suffix;
                lookalike = "\uFB01nn-" + suffix;
            }
            default -> {
                taken = "mallory-" + suffix;
                lookalike = "MALLORY-" + suffix;
            }
        }
        TestUsers.register(taken, TestUsers.PASSWORD);
        Response second = given().contentType(ContentType.JSON)
                .body(Map.of("username", lookalike, "password", TestUsers.PASSWORD))
                .post("/auth/register");
        Expect.error(second, 409, "conflict");
        assertEquals(1, usersNamed(taken));
    }

    @ParameterizedTest(name = "ASVS 5.0 V2.2.1: a username with {0} is refused (no invisible lookalike account)")
    @ValueSource(strings = { "a zero-width space", "a right-to-left override", "a soft hyphen", "a combining mark only" })
    void invisibleCharactersInUsernamesAreRefused(String what) {
        String base = TestUsers.uniqueName("inv");
        String name = switch (what) {
            case "a zero-width space" -> base.substring(0, 3) + "\u200B" + base.substring(3);
            case "a right-to-left override" -> "\u202E" + base;
            case "a soft hyphen" -> base.substring(0, 3) + "\u00AD" + base.substring(3);
            default -> base + "\u0301\u0301";
        };
        Expect.invalidRequest(
                given().contentType(ContentType.JSON).body(Map.of("username", name, "password", TestUsers.PASSWORD))
                        .post("/auth/register"),
                400);
        assertEquals(0, usersNamed(base));
    }

    @Test
    @DisplayName("API.md (oversized field): a 300-character username is 400 at registration and at login")
    void overlongUsernameIsRefused() {
        String name = "u".repeat(300);
        Expect.invalidRequest(
                given().contentType(ContentType.JSON).body(Map.of("username", name, "password", TestUsers.PASSWORD))
                        .post("/auth/register"),
                400);
        Expect.invalidRequest(
                given().contentType(ContentType.JSON).body(Map.of("username", name, "password", TestUsers.PASSWORD))
                        .post("/auth/login"),
                400);
    }

    @Test
    @DisplayName("ASVS 5.0 V6.3.8: SQL in the username at login answers exactly like an unknown user")
    void sqlInTheUsernameIsJustAnUnknownUser() {
        Response sql = given().contentType(ContentType.JSON)
                .body(Map.of("username", "' OR '1'='1' --", "password", "whatever password")).post("/auth/login");
        Response unknown = given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("nobody"), "password", "whatever password")).post("/auth/login");
        Expect.invalidGrant(sql);
        Expect.invalidGrant(unknown);
        assertEquals(unknown.asString(), sql.asString());
    }

    @Test
    @DisplayName("ASVS 5.0 V15.3.3 (mass assignment): id, roles and disabled in a registration body are ignored")
    void registrationIgnoresPrivilegedFields() {
        String name = TestUsers.uniqueName("mass");
        String victimId = shared().user().id();
        Response registered = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", TestUsers.PASSWORD,
                        "id", victimId, "roles", List.of("admin"), "disabled", false, "groups", List.of("admin")))
                .post("/auth/register");
        registered.then().statusCode(201);
        assertNotEquals(victimId, registered.jsonPath().getString("id"));
        Session session = TestUsers.login(new TestUser(registered.jsonPath().getString("id"), name, TestUsers.PASSWORD));
        given().header("Authorization", session.bearer()).get("/auth/me").then().statusCode(200)
                .body("roles", org.hamcrest.Matchers.equalTo(List.of("user")));
    }

    @ParameterizedTest(name = "ASVS 5.0 V15.3.5: DELETE /auth/sessions/{0} (not one of the caller's sessions) is 404 not_found and revokes nothing")
    @ValueSource(strings = { "' OR 1=1--", "*", "00000000-0000-0000-0000-000000000000", "%00" })
    void sessionIdsThatAreNotTheCallersAreNotFound(String id) {
        Session session = shared();
        Expect.error(given().header("Authorization", session.bearer()).delete("/auth/sessions/{id}", id), 404, "not_found");
        assertEquals(200, TestUsers.meStatus(session.accessToken()));
        assertEquals(0,
                new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ? AND revoked_at IS NOT NULL",
                        UUID.fromString(session.user().id())),
                "none of the caller's sessions was revoked");
    }

    // ---- passwords --------------------------------------------------------------------------

    @Test
    @DisplayName("ASVS 5.0 V6.2.1 / API.md: a 10000-character password at login is 400 invalid_request (refused before hashing)")
    void hugePasswordAtLoginIsRefused() {
        Expect.invalidRequest(given().contentType(ContentType.JSON)
                .body(Map.of("username", shared().user().username(), "password", "p".repeat(10_000))).post("/auth/login"), 400);
    }

    @ParameterizedTest(name = "NIST SP 800-63B §5.1.1.2 / ASVS 5.0 V6.2.4: the common password {0} is refused at registration")
    @ValueSource(strings = { "QWERTYUIOP", "fullwidth password1", "SunShine1" })
    void commonPasswordsInDisguiseAreRefused(String what) {
        String password = what.equals("fullwidth password1") ? fullwidth("password1") : what;
        String name = TestUsers.uniqueName("common");
        Expect.invalidRequest(given().contentType(ContentType.JSON).body(Map.of("username", name, "password", password))
                .post("/auth/register"), 400);
        assertEquals(0, usersNamed(name));
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.1.1.2 / ASVS 5.0 V6.2.11: the username typed in fullwidth as the password is refused")
    void usernameInFullwidthAsThePasswordIsRefused() {
        String name = TestUsers.uniqueName("same");
        Expect.invalidRequest(given().contentType(ContentType.JSON).body(Map.of("username", name, "password", fullwidth(name
                .toUpperCase()))).post("/auth/register"), 400);
        assertEquals(0, usersNamed(name));
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.1.1.2 / ASVS 5.0 V6.2.11: changing the password to the username is 400 and changes nothing")
    void changingThePasswordToTheUsernameIsRefused() {
        Session session = TestUsers.newSession();
        Expect.invalidRequest(given().header("Authorization", session.bearer()).contentType(ContentType.JSON)
                .body(Map.of("current_password", session.user().password(), "new_password", session.user().username()))
                .post("/auth/password"), 400);
        TestUsers.login(session.user());
    }

    @Test
    @DisplayName("ASVS 5.0 V15.3.7 (parameter pollution): a password change with two new_password members is 400 and changes nothing")
    void duplicateNewPasswordIsRefused() {
        Session session = TestUsers.newSession();
        List<String> parts = new ArrayList<>();
        parts.add("\"current_password\":\"" + session.user().password() + "\"");
        parts.add("\"new_password\":\"first new passphrase 2026\"");
        parts.add("\"new_password\":\"second new passphrase 2026\"");
        Expect.invalidRequest(given().header("Authorization", session.bearer()).contentType(ContentType.JSON)
                .body("{" + String.join(",", parts) + "}").post("/auth/password"), 400);
        TestUsers.login(session.user());
    }
}
