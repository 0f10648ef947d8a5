package dev.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;

/** Remembering verified tokens must never outlive their expiry or hide a revocation. */
@QuarkusTest
class VerifiedTokenCacheTest {

    @Inject
    MutableClock clock;

    @Test
    void aRememberedTokenStillExpires() {
        Session session = TestUsers.newSession();
        assertEquals(200, TestUsers.meStatus(session.accessToken()));
        assertEquals(200, TestUsers.meStatus(session.accessToken())); // from the cache
        clock.advance(Duration.ofMinutes(15).plusSeconds(31));
        assertEquals(401, TestUsers.meStatus(session.accessToken()));
    }

    @Test
    void aRememberedTokenIsStillRevocable() {
        Session session = TestUsers.newSession();
        assertEquals(200, TestUsers.meStatus(session.accessToken()));
        io.restassured.RestAssured.given().contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("refresh_token", session.refreshToken())).post("/auth/logout")
                .then().statusCode(204);
        assertEquals(401, TestUsers.meStatus(session.accessToken()));
    }
}
