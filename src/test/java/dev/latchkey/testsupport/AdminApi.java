package dev.latchkey.testsupport;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.latchkey.testsupport.TestUsers.TestUser;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The admin API as the application's backend calls it: the {@code backoffice} client of the test
 * configuration (scopes {@code latchkey:admin reports:read}) gets a client-credentials token and
 * sends it as a bearer token.
 */
public final class AdminApi {

    public static final String CLIENT = "backoffice";
    public static final String SECRET = "backoffice-secret-for-tests-only-0123456789";
    public static final String SCOPE = "latchkey:admin";

    private AdminApi() {
    }

    /** {@code Authorization: Basic} for a confidential client. */
    public static String basic(String client, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** A client-credentials token of {@code client} with {@code scope} (null: the client's configured scopes). */
    public static String clientToken(String client, String secret, String scope) {
        RequestSpecification request = given().contentType(ContentType.URLENC).header("Authorization", basic(client, secret))
                .formParam("grant_type", "client_credentials");
        if (scope != null) {
            request = request.formParam("scope", scope);
        }
        return request.post("/oauth2/token").then().statusCode(200).extract().jsonPath().getString("access_token");
    }

    /** A fresh admin token (fresh: tests move the clock, and a token must not expire under them). */
    public static String token() {
        return clientToken(CLIENT, SECRET, SCOPE);
    }

    /** A request with a fresh admin token. */
    public static RequestSpecification admin() {
        return as(token());
    }

    /** A request with this bearer token. */
    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /** {@code POST /admin/users}; fields with a null value are left out. */
    public static Response create(String username, String password, List<String> roles) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        if (password != null) {
            body.put("password", password);
        }
        if (roles != null) {
            body.put("roles", roles);
        }
        return admin().contentType(ContentType.JSON).body(body).post("/admin/users");
    }

    /** A user created through the admin API, with the test password and these roles (null: the default). */
    public static TestUser createUser(List<String> roles) {
        String username = TestUsers.uniqueName("admin-made");
        JsonPath user = create(username, TestUsers.PASSWORD, roles).then().statusCode(201).extract().jsonPath();
        return new TestUser(user.getString("id"), user.getString("username"), TestUsers.PASSWORD);
    }

    /** {@code PATCH /admin/users/{id}} with a JSON merge patch. */
    public static Response patch(String userId, String mergePatch) {
        return admin().contentType("application/merge-patch+json").body(mergePatch).patch("/admin/users/" + userId);
    }

    /** {@code GET /admin/users/{id}}. */
    public static Response read(String userId) {
        return admin().get("/admin/users/" + userId);
    }

    /** {@code POST /admin/users/{id}/password-reset}, expecting 201; returns the reset token. */
    public static String resetToken(String userId) {
        return admin().post("/admin/users/" + userId + "/password-reset").then().statusCode(201).extract().jsonPath()
                .getString("reset_token");
    }

    /** {@code POST /auth/password-reset}. */
    public static Response reset(String resetToken, String newPassword) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reset_token", resetToken);
        body.put("new_password", newPassword);
        return given().contentType(ContentType.JSON).body(body).post("/auth/password-reset");
    }

    /** {@code POST /auth/login}. */
    public static Response login(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/auth/login");
    }
}
