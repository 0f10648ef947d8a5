package dev.latchkey.hardening;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Security headers on every kind of response (ASVS V3/V14): API, errors, discovery, health, unknown paths. */
@QuarkusTest
class SecurityHeadersTest {

    @Test
    void tokenResponsesAndErrorsAreNeverCached() {
        TestUsers.TestUser user = TestUsers.register();
        common(given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password())).post("/auth/login"))
                .statusCode(200).header("Cache-Control", "no-store");
        common(given().contentType(ContentType.JSON).body("{}").post("/auth/refresh"))
                .statusCode(400).header("Cache-Control", "no-store");
        common(given().get("/auth/me")).statusCode(401).header("Cache-Control", "no-store");
    }

    @Test
    void apiResponsesForbidEverythingInTheirContentSecurityPolicy() {
        common(given().get("/.well-known/jwks.json")).statusCode(200)
                .header("Content-Security-Policy", equalTo("default-src 'none'; frame-ancestors 'none'"))
                .header("Cache-Control", equalTo("public, max-age=300"));
    }

    @Test
    void healthAndUnknownPathsCarryTheHeadersToo() {
        common(given().get("/q/health/live")).statusCode(200);
        common(given().get("/definitely/not/here")).statusCode(404);
    }

    @Test
    void pagesGetAStrictContentSecurityPolicyWithoutInlineScript() {
        common(given().get("/not-a-page.html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
    }

    /** With Secure cookies (the default) the service is meant to be served over HTTPS: HSTS is on. */
    private static ValidatableResponse common(io.restassured.response.Response response) {
        return response.then()
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("Strict-Transport-Security", containsString("max-age="));
    }
}
