package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code latchkey.reuse-revokes=user}: a reuse ends every session of the user, as logout-all would. */
@QuarkusTest
@TestProfile(ReuseRevokesUserTest.RevokeUser.class)
class ReuseRevokesUserTest {

    public static class RevokeUser implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("latchkey.reuse-revokes", "user");
        }
    }

    @Inject
    MutableClock clock;

    @Test
    void reuseInOneSessionKillsEverySessionOfTheUser() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());
        Session bystander = TestUsers.newSession();
        refreshOk(first);
        clock.advance(Duration.ofSeconds(11));

        refresh(first.refreshToken()).then().statusCode(401);

        assertEquals(401, meStatus(second.accessToken()));
        refresh(second.refreshToken()).then().statusCode(401);
        assertEquals(200, meStatus(bystander.accessToken()), "other users are untouched");
        // and the user can sign in again
        assertEquals(200, meStatus(TestUsers.login(first.user()).accessToken()));
    }
}
