package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** {@code /q/metrics} shows the service's counters moving during a flow, and its timers. */
@QuarkusTest
class MetricsTest {

    @Test
    void countersMoveWithTheFlow() {
        double loginsBefore = value("latchkey_logins_total", "outcome=\"success\"");
        double failuresBefore = value("latchkey_logins_total", "outcome=\"failure\"");
        double rotatedBefore = value("latchkey_refreshes_total", "outcome=\"rotated\"");
        double logoutsBefore = value("latchkey_logouts_total", "kind=\"logout\"");

        Session session = TestUsers.newSession();
        given().contentType(ContentType.JSON).body(Map.of("username", session.user().username(), "password", "wrong one!"))
                .post("/auth/login").then().statusCode(401);
        Session rotated = TestUsers.refreshOk(session);
        given().header("Authorization", rotated.bearer()).get("/auth/me").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", rotated.refreshToken()))
                .post("/auth/logout").then().statusCode(204);

        assertTrue(value("latchkey_logins_total", "outcome=\"success\"") >= loginsBefore + 1);
        assertTrue(value("latchkey_logins_total", "outcome=\"failure\"") >= failuresBefore + 1);
        assertTrue(value("latchkey_refreshes_total", "outcome=\"rotated\"") >= rotatedBefore + 1);
        assertTrue(value("latchkey_logouts_total", "kind=\"logout\"") >= logoutsBefore + 1);
        for (String timer : new String[] { "latchkey_password_hash_seconds_count", "latchkey_token_sign_seconds_count",
                "latchkey_revocation_check_seconds_count" }) {
            assertTrue(value(timer, null) >= 1, timer);
        }
        assertTrue(metrics().contains("http_server_requests_seconds_count{") && metrics().contains("uri=\"/auth/login\""),
                "per-endpoint timers");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String name, String label) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics());
        while (m.find()) {
            if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
