package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** {@code latchkey.refresh-grace=0s}: no second chance for a rotated token. */
@QuarkusTest
@TestProfile(GraceDisabledTest.NoGrace.class)
class GraceDisabledTest {

    public static class NoGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("latchkey.refresh-grace", "0s");
        }
    }

    @Inject
    MutableClock clock;

    @Test
    void ofTwentyConcurrentRefreshesExactlyOneSucceedsAndTheFamilySurvivesForIt() {
        Session login = TestUsers.newSession();
        List<Response> responses = Concurrently.run(20, () -> refresh(login.refreshToken()));

        List<Response> winners = responses.stream().filter(r -> r.statusCode() == 200).toList();
        assertEquals(1, winners.size());
        responses.stream().filter(r -> r.statusCode() != 200)
                .forEach(r -> assertEquals("invalid_grant", r.jsonPath().getString("error")));

        // the losers were in flight with the winner: not reuse, so the winner's session lives on
        Response winner = winners.get(0);
        assertEquals(200, meStatus(winner.jsonPath().getString("access_token")));
        refresh(winner.jsonPath().getString("refresh_token")).then().statusCode(200);
    }

    @Test
    void presentingARotatedTokenAgainIsReuseAtOnce() {
        Session login = TestUsers.newSession();
        Session rotated = refreshOk(login);
        clock.advance(Duration.ofSeconds(2));

        refresh(login.refreshToken()).then().statusCode(401);
        refresh(rotated.refreshToken()).then().statusCode(401);
        assertEquals(401, meStatus(rotated.accessToken()));
    }
}
