package dev.latchkey.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.latchkey.hardening.ThrottlingTest;
import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.RawHttp;
import dev.latchkey.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Attacks on login throttling (API.md "Rules every endpoint keeps", NIST SP 800-63B §5.2.2, ASVS
 * 5.0 V6.3.1), with {@link ThrottlingTest.SmallLimits}: 3 failures per username + address, 8 per
 * address, 6 registrations per address, a 10-minute window. The basics are in
 * {@code hardening.ThrottlingTest}; these are the attacker's variants.
 * <p>
 * Every test speaks from loopback addresses of its own (127.x.y.z), so its counters are shared
 * with no other test, nor with another checkout running tests against the same Redis.
 */
@QuarkusTest
@TestProfile(ThrottlingTest.SmallLimits.class)
class ThrottlingAbuseTest {

    static final long WINDOW = 600;

    @Inject
    AgroalDataSource dataSource;

    /** A user registered from an address of its own (registrations are throttled per address too). */
    record Victim(String id, String username, String password) {
    }

    static Victim register() {
        return register(TestUsers.uniqueName("victim"));
    }

    static Victim register(String username) {
        RawHttp.Reply reply = RawHttp.postJson(RawHttp.randomLoopback(), "/auth/register",
                Map.of("username", username, "password", TestUsers.PASSWORD));
        assertEquals(201, reply.status(), reply.describe());
        return new Victim(Expect.json(reply.body()).path("id").asText(), username, TestUsers.PASSWORD);
    }

    private long families(Victim victim) {
        return new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ?",
                UUID.fromString(victim.id()));
    }

    static void fail(String from, String username) {
        Expect.invalidGrant(RawHttp.login(from, username, "wrong password " + UUID.randomUUID()));
    }

    static String fullwidth(String ascii) {
        return InputAbuseTest.fullwidth(ascii);
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2: case variants of a username share one counter (3 failures, then 429 even for the right password)")
    void caseVariantsShareOneCounter() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        fail(from, victim.username().toUpperCase());
        fail(from, Character.toUpperCase(victim.username().charAt(0)) + victim.username().substring(1));
        fail(from, victim.username());
        Expect.slowDown(RawHttp.login(from, swapCase(victim.username()), victim.password()), WINDOW);
        assertEquals(0, families(victim));
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2: fullwidth (NFKC) variants of a username share its counter")
    void unicodeVariantsShareOneCounter() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        for (int i = 0; i < 3; i++) {
            fail(from, fullwidth(victim.username()));
        }
        Expect.slowDown(RawHttp.login(from, victim.username(), victim.password()), WINDOW);
        assertEquals(0, families(victim));
    }

    @Test
    @DisplayName("API.md throttling: a throttled user gets 429 even with the right password in cookie mode: no cookie, no session")
    void throttledCookieLoginWritesNothing() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        for (int i = 0; i < 3; i++) {
            fail(from, victim.username());
        }
        RawHttp.Reply reply = RawHttp.postJson(from, "/auth/login",
                Map.of("username", victim.username(), "password", victim.password(), "refresh_transport", "cookie"));
        Expect.slowDown(reply, WINDOW);
        assertTrue(reply.headers("Set-Cookie").isEmpty(), reply.describe());
        assertEquals(0, families(victim));
    }

    @Test
    @DisplayName("ASVS 5.0 V6.3.8: the 429 for an unknown username is identical to the 429 for a real one")
    void throttlingDoesNotEnumerateUsers() {
        Victim victim = register();
        String nobody = TestUsers.uniqueName("nobody");
        String from = RawHttp.randomLoopback();
        for (int i = 0; i < 3; i++) {
            fail(from, victim.username());
            fail(from, nobody);
        }
        RawHttp.Reply known = RawHttp.login(from, victim.username(), "wrong password");
        RawHttp.Reply unknown = RawHttp.login(from, nobody, "wrong password");
        Expect.slowDown(known, WINDOW);
        Expect.slowDown(unknown, WINDOW);
        assertEquals(unknown.body(), known.body());
        assertEquals(unknown.status(), known.status());
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2 / ASVS 5.0 V6.3.1: spraying real accounts from one address is cut off at the address limit; the accounts still log in elsewhere")
    void sprayingRealAccountsIsCutOffWithoutLockingThemOut() {
        List<Victim> accounts = List.of(register(), register(), register(), register());
        String attacker = RawHttp.randomLoopback();
        for (Victim account : accounts) {
            fail(attacker, account.username());
            fail(attacker, account.username());
        }
        // 8 failures from this address: the next attempt is refused whatever the account
        Expect.slowDown(RawHttp.login(attacker, accounts.get(0).username(), accounts.get(0).password()), WINDOW);
        assertEquals(0, families(accounts.get(0)));

        RawHttp.Reply elsewhere = RawHttp.login(RawHttp.randomLoopback(), accounts.get(0).username(),
                accounts.get(0).password());
        assertEquals(200, elsewhere.status(), elsewhere.describe());
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2: an attacker's failures from their address do not lock the victim out at the victim's address")
    void attackerCannotLockTheVictimOut() {
        Victim victim = register();
        String attacker = RawHttp.randomLoopback();
        for (int i = 0; i < 3; i++) {
            fail(attacker, victim.username());
        }
        Expect.slowDown(RawHttp.login(attacker, victim.username(), victim.password()), WINDOW);

        RawHttp.Reply own = RawHttp.login(RawHttp.randomLoopback(), victim.username(), victim.password());
        assertEquals(200, own.status(), own.describe());
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2: a padded or zero-width variant of a throttled username does not log in (no way around the counter)")
    void paddedUsernamesDoNotEscapeTheCounter() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        for (int i = 0; i < 3; i++) {
            fail(from, victim.username());
        }
        Expect.invalidGrant(RawHttp.login(from, " " + victim.username(), victim.password()));
        Expect.invalidGrant(RawHttp.login(from, victim.username() + "\u200B", victim.password()));
        Expect.slowDown(RawHttp.login(from, victim.username(), victim.password()), WINDOW);
        assertEquals(0, families(victim));
    }

    @Test
    @DisplayName("ASVS 5.0 V15.3.4: X-Real-IP, True-Client-IP, CF-Connecting-IP and X-Client-IP do not escape the throttle")
    void forwardingHeadersDoNotEscapeTheThrottle() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        String[] headers = { "X-Real-IP", "True-Client-IP", "CF-Connecting-IP" };
        for (int i = 0; i < 3; i++) {
            Expect.invalidGrant(
                    RawHttp.postJson(from, "/auth/login", Map.of("username", victim.username(), "password", "wrong " + i),
                            headers[i], "198.51.100." + i, "X-Client-IP", "203.0.113." + i));
        }
        Expect.slowDown(
                RawHttp.postJson(from, "/auth/login", Map.of("username", victim.username(), "password", victim.password()),
                        "X-Real-IP", "198.51.100.99", "True-Client-IP", "198.51.100.98", "CF-Connecting-IP", "198.51.100.97",
                        "X-Client-IP", "198.51.100.96"),
                WINDOW);
    }

    @Test
    @DisplayName("API.md throttling: a throttled registration is 429 and writes no user")
    void throttledRegistrationWritesNothing() {
        String from = RawHttp.randomLoopback();
        for (int i = 0; i < 6; i++) {
            RawHttp.Reply ok = RawHttp.postJson(from, "/auth/register",
                    Map.of("username", TestUsers.uniqueName("reg"), "password", TestUsers.PASSWORD));
            assertEquals(201, ok.status(), ok.describe());
        }
        String name = TestUsers.uniqueName("reg");
        Expect.slowDown(RawHttp.postJson(from, "/auth/register", Map.of("username", name, "password", TestUsers.PASSWORD)),
                WINDOW);
        assertEquals(0, new Db(dataSource).count("SELECT count(*) FROM users WHERE username = ?", name));
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2: a burst of 10 parallel wrong passwords gets at most 3 checked; the rest are 429")
    void parallelBurstCannotExceedTheLimit() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        List<RawHttp.Reply> replies = Concurrently.run(10,
                () -> RawHttp.login(from, victim.username(), "parallel guess " + UUID.randomUUID()));
        Map<Integer, Long> statuses = replies.stream()
                .collect(Collectors.groupingBy(RawHttp.Reply::status, Collectors.counting()));
        long checked = statuses.getOrDefault(401, 0L);
        assertTrue(checked <= 3, "passwords checked in a burst of 10 (limit 3): " + checked + "; statuses " + statuses);
        replies.stream().filter(r -> r.status() != 401).forEach(r -> Expect.slowDown(r, WINDOW));
    }

    @Test
    @DisplayName("NIST SP 800-63B §5.2.2 / ASVS 5.0 V6.3.1: guessing current_password on /auth/password with a stolen access token is throttled")
    void passwordChangeGuessesAreThrottled() {
        Victim victim = register();
        String from = RawHttp.randomLoopback();
        RawHttp.Reply login = RawHttp.login(from, victim.username(), victim.password());
        assertEquals(200, login.status(), login.describe());
        String bearer = "Bearer " + Expect.json(login.body()).path("access_token").asText();

        RawHttp.Reply last = null;
        for (int i = 0; i < 4; i++) {
            last = RawHttp.postJson(from, "/auth/password",
                    Map.of("current_password", "guess number " + i, "new_password", "attacker chosen passphrase 99"),
                    "Authorization", bearer);
            if (i < 3) {
                Expect.invalidGrant(last);
            }
        }
        Expect.slowDown(last, WINDOW);
    }

    private static String swapCase(String value) {
        StringBuilder swapped = new StringBuilder();
        for (char c : value.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }
}
