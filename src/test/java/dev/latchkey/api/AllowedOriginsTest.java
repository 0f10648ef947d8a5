package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** An SPA on another origin, configured in {@code latchkey.allowed-origins}; cookies without Secure (plain http). */
@QuarkusTest
@TestProfile(AllowedOriginsTest.Spa.class)
public class AllowedOriginsTest {

    static final String SPA = "http://localhost:5173";

    public static class Spa implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("latchkey.allowed-origins", SPA + ",https://app.example.com/",
                    "latchkey.cookie-secure", "false");
        }
    }

    @Test
    void anAllowedOriginGetsCredentialedCorsForItselfOnly() {
        Response login = TestUsers.cookieLogin(TestUsers.register(), SPA);
        login.then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(SPA))
                .header("Access-Control-Allow-Credentials", equalTo("true"))
                .header("Vary", containsString("Origin"))
                .header("Set-Cookie", not(containsString("Secure")))
                .header("Set-Cookie", containsString("HttpOnly"))
                .header("Set-Cookie", containsString("SameSite=Strict"));

        given().cookie("lk_refresh", TestUsers.cookieOf(login)).header("Origin", SPA)
                .post("/auth/refresh").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(SPA));
    }

    @Test
    void aPreflightFromAnAllowedOriginListsTheMethodsAndHeadersTheFlowsNeed() {
        given().header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization")
                .options("/auth/refresh")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", equalTo("https://app.example.com"))
                .header("Access-Control-Allow-Credentials", equalTo("true"))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Methods", containsString("DELETE"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
    }

    @Test
    void anotherOriginIsStillRefusedAndNeverGetsAWildcard() {
        given().header("Origin", "http://localhost:5174").header("Access-Control-Request-Method", "POST")
                .options("/auth/refresh")
                .then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
        Expect.refusal(TestUsers.cookieLogin(TestUsers.register(), "http://localhost:5174"), 403, "access_denied")
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theAdminApiGetsNoCorsEvenFromAnAllowedOrigin() {
        Expect.error(given().header("Origin", SPA).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").options("/admin/users"), 403, "access_denied");
        AdminApi.admin().header("Origin", SPA).get("/admin/users").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
    }
}
