package dev.latchkey.account;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.crypto.Sha256;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.revocation.RedisCalls;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.vertx.mutiny.redis.client.Response;

/**
 * Throttling shared by every instance, in Redis (API.md, "Rules"). Only failed password checks
 * count: not attempts still in flight that turn out right, not malformed requests, not the 429
 * answers themselves. Per username and address, and per address (password spraying):
 * <ul>
 * <li>{@code lk:throttle:{a:<address>}:login:<user>} and {@code ...:login-addr}: completed failures
 * in the window (it starts at the first failure, then the counter vanishes: no permanent lockout,
 * which would be a denial-of-service tool);</li>
 * <li>{@code ...:login:<user>:inflight} and {@code ...:login-addr:inflight}: checks in flight;</li>
 * <li>{@code lk:throttle:{a:<address>}:register}: registrations from one address.</li>
 * </ul>
 * An attempt reserves a place before its password is checked: while failures plus attempts in
 * flight reach the limit, a further attempt waits for one of them to end (at most
 * {@code latchkey.db-timeout}), so parallel guesses can never overshoot the limit, and yet a correct
 * password within the limit always succeeds (eight correct logins at once all pass). A failure
 * turns its place into a counted failure; a success gives it back and ends the username's failure
 * streak. Past the limit the answer is 429 {@code slow_down} with {@code Retry-After}, before any
 * password check. Usernames appear only hashed. If Redis cannot answer, requests fail with 503.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** How long a place in flight is held if its instance dies before giving it back. */
    static final Duration IN_FLIGHT_LEASE = Duration.ofSeconds(30);
    private static final long WAIT_STEP_MILLIS = 20;

    /**
     * KEYS: user failures, user in flight, address failures, address in flight. ARGV: the two
     * limits, the lease. Answers {1, 0} (a place), {0, 0} (full: wait) or {-1, ttl} (refused).
     */
    private static final String RESERVE = """
            local fu = tonumber(redis.call('GET', KEYS[1]) or '0')
            local fa = tonumber(redis.call('GET', KEYS[3]) or '0')
            if fu >= tonumber(ARGV[1]) then return {-1, redis.call('TTL', KEYS[1])} end
            if fa >= tonumber(ARGV[2]) then return {-1, redis.call('TTL', KEYS[3])} end
            local ru = tonumber(redis.call('GET', KEYS[2]) or '0')
            local ra = tonumber(redis.call('GET', KEYS[4]) or '0')
            if fu + ru >= tonumber(ARGV[1]) or fa + ra >= tonumber(ARGV[2]) then return {0, 0} end
            redis.call('INCR', KEYS[2])
            redis.call('EXPIRE', KEYS[2], ARGV[3])
            redis.call('INCR', KEYS[4])
            redis.call('EXPIRE', KEYS[4], ARGV[3])
            return {1, 0}
            """;

    /** KEYS as above. ARGV: '1' for a failed check, the window. Gives the place back. */
    private static final String FINISH = """
            for _, k in ipairs({KEYS[2], KEYS[4]}) do
              if redis.call('DECR', k) <= 0 then redis.call('DEL', k) end
            end
            if ARGV[1] == '1' then
              if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
              if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
            else
              redis.call('DEL', KEYS[1])
            end
            return 1
            """;

    /** A reserved place for one password check; {@link #failed} or {@link #passed} gives it back. */
    public final class Attempt {
        private final List<String> keys;
        private boolean finished;

        private Attempt(List<String> keys) {
            this.keys = keys;
        }

        /** The check failed: it counts against the limits. */
        public void failed() {
            finish(true);
        }

        /** The password was right, or the check never completed: nothing counts. */
        public void passed() {
            finish(false);
        }

        private void finish(boolean failure) {
            if (finished) {
                return;
            }
            finished = true;
            RedisCalls.call("throttle counters", () -> redis.execute("EVAL", FINISH, "4", keys.get(0), keys.get(1),
                    keys.get(2), keys.get(3), failure ? "1" : "0", Long.toString(window.toSeconds())));
        }
    }

    private final RedisDataSource redis;
    private final ValueCommands<String, Long> counters;
    private final KeyCommands<String> keyCommands;
    private final Duration window;
    private final Duration maxWait;
    private final int maxFailures;
    private final int maxFailuresPerAddress;
    private final int maxRegistrations;

    public LoginThrottle(RedisDataSource redis, LatchkeyConfig config) {
        this.redis = redis;
        this.counters = redis.value(Long.class);
        this.keyCommands = redis.key();
        this.window = config.loginWindow();
        this.maxWait = config.dbTimeout();
        this.maxFailures = config.loginMaxFailures();
        this.maxFailuresPerAddress = config.loginMaxFailuresPerAddress();
        this.maxRegistrations = config.registrationMaxPerAddress();
    }

    /**
     * Reserves a place for one password check of this username (or client, or password change)
     * from this address: 429 past the limit, without any check; a wait while the places are taken
     * by checks in flight.
     */
    public Attempt reserve(String canonicalUsername, String address) {
        return reserve(List.of(userKey(canonicalUsername, address), userKey(canonicalUsername, address) + ":inflight",
                addressKey(address), addressKey(address) + ":inflight"), maxFailures);
    }

    /**
     * Reserves a place for one check of a secret that names no account (a password-reset token)
     * from this address: its failures are limited per address
     * ({@code latchkey.login-max-failures-per-address}), and count towards the address' failed
     * logins too. 429 past the limit, without any check.
     */
    public Attempt reserveForAddress(String purpose, String address) {
        String key = "lk:throttle:{a:" + safeAddress(address) + "}:" + purpose;
        return reserve(List.of(key, key + ":inflight", addressKey(address), addressKey(address) + ":inflight"),
                maxFailuresPerAddress);
    }

    private Attempt reserve(List<String> keys, int limit) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Response answer = RedisCalls.call("throttle counters", () -> redis.execute("EVAL", RESERVE, "4",
                    keys.get(0), keys.get(1), keys.get(2), keys.get(3), Integer.toString(limit),
                    Integer.toString(maxFailuresPerAddress), Long.toString(IN_FLIGHT_LEASE.toSeconds())));
            long verdict = answer.get(0).toLong();
            if (verdict == 1) {
                return new Attempt(keys);
            }
            if (verdict < 0) {
                throw slowDown(answer.get(1).toLong());
            }
            if (System.nanoTime() > deadline) {
                // every place is taken by checks that do not end: say when to come back
                throw slowDown(1);
            }
            sleep();
        }
    }

    /** Counts a registration attempt from this address; 429 past the limit. */
    public void checkRegistration(String address) {
        countForAddress("register", address);
    }

    /**
     * Counts a self-service password-reset request from this address, as registrations are
     * counted (and with their limit, on a counter of its own); 429 past the limit.
     */
    public void checkResetRequest(String address) {
        countForAddress("reset-request", address);
    }

    private void countForAddress(String purpose, String address) {
        String key = "lk:throttle:{a:" + safeAddress(address) + "}:" + purpose;
        long count = RedisCalls.call("throttle counters", () -> increment(key));
        if (count > maxRegistrations) {
            throw slowDown(RedisCalls.call("throttle counters", () -> keyCommands.ttl(key)));
        }
    }

    private long increment(String key) {
        long count = counters.incr(key);
        if (count == 1) {
            keyCommands.expire(key, window);
        }
        return count;
    }

    private LatchkeyException slowDown(long ttlSeconds) {
        LOG.debug("throttled");
        return LatchkeyException.slowDown(Duration.ofSeconds(ttlSeconds > 0 ? ttlSeconds : window.toSeconds()));
    }

    private static void sleep() {
        try {
            Thread.sleep(WAIT_STEP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LatchkeyException.unavailable();
        }
    }

    // every key of one address shares the hash tag {a:<address>}: the scripts update four of them
    // at once, which Redis Cluster allows only within one slot

    private static String userKey(String canonicalUsername, String address) {
        return "lk:throttle:{a:" + safeAddress(address) + "}:login:"
                + digest(canonicalUsername == null ? "" : canonicalUsername);
    }

    private static String addressKey(String address) {
        return "lk:throttle:{a:" + safeAddress(address) + "}:login-addr";
    }

    private static String safeAddress(String address) {
        return address == null ? "unknown" : address.replace(':', '_');
    }

    /** Usernames appear in Redis keys only as (a prefix of) their SHA-256. */
    private static String digest(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(value)).substring(0, 22);
    }
}
