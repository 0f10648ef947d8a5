package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Twenty real threads refresh one token at once against the real database (grace 10 s). */
@QuarkusTest
class ConcurrentRefreshTest {

    @Test
    void twentyConcurrentRefreshesOfOneTokenAllGetTheSameSuccessor() {
        Session login = TestUsers.newSession();
        List<Response> responses = Concurrently.run(20, () -> refresh(login.refreshToken()));

        assertEquals(Set.of(200), responses.stream().map(Response::statusCode).collect(Collectors.toSet()));
        Set<String> successors = responses.stream().map(r -> r.jsonPath().getString("refresh_token"))
                .collect(Collectors.toSet());
        assertEquals(1, successors.size(), "one successor for all: " + successors.size());
        Set<String> accessTokens = responses.stream().map(r -> r.jsonPath().getString("access_token"))
                .collect(Collectors.toSet());
        assertEquals(20, accessTokens.size(), "each got its own access token");

        // the family is still valid: every access token works and the successor rotates
        accessTokens.forEach(token -> assertEquals(200, meStatus(token)));
        JsonPath next = refresh(successors.iterator().next()).then().statusCode(200).extract().jsonPath();
        assertEquals(200, meStatus(next.getString("access_token")));
    }

    @Test
    void concurrentRefreshesOfDifferentSessionsDoNotInterfere() {
        List<Session> sessions = Concurrently.run(4, TestUsers::newSession);
        List<Response> responses = Concurrently.run(4, () -> {
            synchronized (sessions) {
                return refresh(sessions.remove(0).refreshToken());
            }
        });
        assertEquals(Set.of(200), responses.stream().map(Response::statusCode).collect(Collectors.toSet()));
    }
}
