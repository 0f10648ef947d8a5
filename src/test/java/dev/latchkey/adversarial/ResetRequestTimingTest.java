package dev.latchkey.adversarial;

import static dev.latchkey.adversarial.TimingTest.NOISE_FLOOR_MS;
import static dev.latchkey.adversarial.TimingTest.interleaved;
import static dev.latchkey.adversarial.TimingTest.timedPost;
import static dev.latchkey.adversarial.TimingTest.withinTenPercentOr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import dev.latchkey.testsupport.WebhookProfile;
import dev.latchkey.testsupport.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * API.md "Password reset": a self-service reset request answers in the same time whether or not
 * the user exists (medians within 10 % or 0.25 ms, as {@link TimingTest} measures), while only the existing
 * user's request issues a token (delivered to the receiver).
 */
@QuarkusTest
@TestProfile(WebhookProfile.class)
class ResetRequestTimingTest {

    static final int WARMUP_PAIRS = 60;
    static final int PAIRS = 600;

    @Test
    @DisplayName("API.md: a password reset request for an unknown and for an existing user take the same time (medians within 10 % or 0.25 ms)")
    void unknownAndExistingUsersTakeTheSameTime() {
        WebhookReceiver.SHARED.reset();
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(TestUsers.register());
        }
        double[] medians = interleaved(WARMUP_PAIRS, PAIRS,
                i -> timedPost("/auth/password-reset/request", Map.of("username", TestUsers.uniqueName("nobody")), 202),
                i -> timedPost("/auth/password-reset/request", Map.of("username", users.get(i % users.size()).username()),
                        202));
        // the answer takes ~1.5 ms here, and with both paths doing exactly the same work (the
        // carrying out disabled) the medians of 600 pairs still differed by up to 10 % (0.14 ms) on
        // the 2-core machine; the work that must not happen before the answer (a transaction: lock,
        // token, audit, event, commit) costs several times the floor
        withinTenPercentOr("password reset request", "unknown user", medians[0], "existing user", medians[1],
                NOISE_FLOOR_MS);
        // the existing users' requests were carried out: each got its tokens, nobody else did
        for (TestUser user : users) {
            WebhookReceiver.SHARED.await(WebhookReceiver.ofUser(user.id())
                    .and(a -> a.type().equals("user.password_reset_requested")), 1, Duration.ofSeconds(60));
        }
    }
}
