package dev.latchkey.account;

import java.time.Duration;
import java.util.Base64;

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
 * Throttling shared by every instance, in Redis. Counters live for one window from their first
 * hit, then vanish (no permanent lockout: that would be a denial-of-service tool):
 * <ul>
 * <li>{@code lk:throttle:login:<user>:<address>}: failed logins for one username from one address;</li>
 * <li>{@code lk:throttle:login-addr:<address>}: failed logins from one address, any username (spraying);</li>
 * <li>{@code lk:throttle:register:<address>}: registrations from one address.</li>
 * </ul>
 * Attempts are counted before the password is checked (successes are taken back), so past a
 * limit the caller gets 429 {@code slow_down} with {@code Retry-After} without any password check. Usernames are stored hashed.
 * If Redis cannot answer, requests fail with 503.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** INCR both counters (starting their window on the first hit); answer both counts and TTLs. */
    private static final String COUNT_ATTEMPT = """
            local u = redis.call('INCR', KEYS[1])
            if u == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            local a = redis.call('INCR', KEYS[2])
            if a == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
            return {u, a, redis.call('TTL', KEYS[1]), redis.call('TTL', KEYS[2])}
            """;

    private final RedisDataSource redis;
    private final ValueCommands<String, Long> counters;
    private final KeyCommands<String> keys;
    private final Duration window;
    private final int maxFailures;
    private final int maxFailuresPerAddress;
    private final int maxRegistrations;

    public LoginThrottle(RedisDataSource redis, LatchkeyConfig config) {
        this.redis = redis;
        this.counters = redis.value(Long.class);
        this.keys = redis.key();
        this.window = config.loginWindow();
        this.maxFailures = config.loginMaxFailures();
        this.maxFailuresPerAddress = config.loginMaxFailuresPerAddress();
        this.maxRegistrations = config.registrationMaxPerAddress();
    }

    /**
     * Counts a login attempt for this username and address before anything else happens, and
     * answers 429 if that makes either counter pass its limit. Counting first, in one atomic Redis
     * script, means a burst of parallel guesses cannot slip past the limit between a check and an
     * increment. A successful attempt is taken back by {@link #loginSucceeded}.
     */
    public void beginLogin(String canonicalUsername, String address) {
        String userKey = userKey(canonicalUsername, address);
        String addressKey = addressKey(address);
        Response counts = RedisCalls.call("throttle counters",
                () -> redis.execute("EVAL", COUNT_ATTEMPT, "2", userKey, addressKey,
                        Long.toString(window.toSeconds())));
        long perUser = counts.get(0).toLong();
        long perAddress = counts.get(1).toLong();
        if (perUser > maxFailures) {
            throw slowDown(counts.get(2).toLong());
        }
        if (perAddress > maxFailuresPerAddress) {
            throw slowDown(counts.get(3).toLong());
        }
    }

    /** A successful login clears the username's counter and takes its attempt off the address's. */
    public void loginSucceeded(String canonicalUsername, String address) {
        RedisCalls.call("throttle counters", () -> {
            keys.del(userKey(canonicalUsername, address));
            counters.decr(addressKey(address));
            return null;
        });
    }

    /** Counts a registration attempt from this address; 429 past the limit. */
    public void checkRegistration(String address) {
        String key = "lk:throttle:{a:" + safeAddress(address) + "}:register";
        long count = RedisCalls.call("throttle counters", () -> increment(key));
        if (count > maxRegistrations) {
            throw slowDown(RedisCalls.call("throttle counters", () -> keys.ttl(key)));
        }
    }

    private long increment(String key) {
        long count = counters.incr(key);
        if (count == 1) {
            keys.expire(key, window);
        }
        return count;
    }

    private LatchkeyException slowDown(long ttlSeconds) {
        LOG.debug("throttled");
        return LatchkeyException.slowDown(Duration.ofSeconds(ttlSeconds > 0 ? ttlSeconds : window.toSeconds()));
    }

    // every key of one address shares the hash tag {a:<address>}: the script that counts an
    // attempt updates two of them at once, which Redis Cluster allows only within one slot

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
