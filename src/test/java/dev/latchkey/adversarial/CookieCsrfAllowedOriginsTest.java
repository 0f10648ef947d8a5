package dev.latchkey.adversarial;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.latchkey.api.AllowedOriginsTest;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * CORS origin-matching attacks when an SPA origin is configured ({@link AllowedOriginsTest.Spa}:
 * {@code http://localhost:5173} and {@code https://app.example.com/}). An origin that merely
 * resembles a configured one must get neither credentialed CORS nor cookie mode (ASVS 5.0 V3.5,
 * API.md "CORS allows credentials for those origins only").
 */
@QuarkusTest
@TestProfile(AllowedOriginsTest.Spa.class)
class CookieCsrfAllowedOriginsTest {

    @Inject
    AgroalDataSource dataSource;

    private static TestUser bystander;

    private static synchronized TestUser bystander() {
        if (bystander == null) {
            bystander = TestUsers.register();
        }
        return bystander;
    }

    private long families(TestUser user) {
        return new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ?", UUID.fromString(user.id()));
    }

    private static void noCors(Response response) {
        String seen = "HTTP " + response.statusCode() + " Access-Control-Allow-Origin="
                + response.header("Access-Control-Allow-Origin")
                + " Access-Control-Allow-Credentials=" + response.header("Access-Control-Allow-Credentials");
        assertNull(response.header("Access-Control-Allow-Origin"), "no CORS for a foreign origin; got " + seen);
        assertNull(response.header("Access-Control-Allow-Credentials"),
                "no credentialed CORS for a foreign origin; got " + seen);
    }

    @ParameterizedTest(name = "ASVS 5.0 V3.5.1: the lookalike origin {0} gets no preflight, no CORS and no cookie-mode login")
    @ValueSource(strings = { "http://localhost:5173.evil.example", "http://localhost:51730", "https://localhost:5173",
            "http://evillocalhost:5173", "http://localhost:5173@evil.example", "https://app.example.com.evil.example",
            "https://evil.example/https://app.example.com", "http://app.example.com", "https://sub.app.example.com" })
    void lookalikeOriginsAreRefused(String origin) {
        Response preflight = given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").options("/auth/login");
        Expect.accessDenied(preflight);
        noCors(preflight);

        long before = families(bystander());
        Response login = TestUsers.cookieLogin(bystander(), origin);
        Expect.accessDenied(login);
        noCors(login);
        assertEquals(before, families(bystander()), "no session was started");
    }

    @Test
    @DisplayName("ASVS 5.0 V3.5.1 / RFC 6454 §7: an Origin with a path (not a serialized origin) is not the SPA's origin: no CORS, no cookie mode")
    void originWithAPathIsNotTheAllowedOrigin() {
        String origin = "http://localhost:5173/evil";
        TestUser user = TestUsers.register(); // its own: if the attack succeeds, no other test sees the session
        Response login = TestUsers.cookieLogin(user, origin);
        noCors(login);
        Expect.accessDenied(login);
        assertEquals(0, families(user), "no session was started");
    }
}
