package dev.latchkey.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.api.LatchkeyException;
import dev.latchkey.config.LatchkeyConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Throttling shared by every instance, in Redis. Counters live for one window from their first
 * hit, then vanish (no permanent lockout: that would be a denial-of-service tool):
 * <ul>
 * <li>{@code lk:throttle:login:<user>:<address>}: failed logins for one username from one address;</li>
 * <li>{@code lk:throttle:login-addr:<address>}: failed logins from one address, any username (spraying);</li>
 * <li>{@code lk:throttle:register:<address>}: registrations from one address.</li>
 * </ul>
 * Past a limit the caller gets 429 {@code slow_down} with {@code Retry-After} before any password
 * is checked. Usernames are stored hashed. If Redis cannot answer, requests fail with 503.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    private final ValueCommands<String, Long> counters;
    private final KeyCommands<String> keys;
    private final Duration window;
    private final int maxFailures;
    private final int maxFailuresPerAddress;
    private final int maxRegistrations;

    public LoginThrottle(RedisDataSource redis, LatchkeyConfig config) {
        this.counters = redis.value(Long.class);
        this.keys = redis.key();
        this.window = config.loginWindow();
        this.maxFailures = config.loginMaxFailures();
        this.maxFailuresPerAddress = config.loginMaxFailuresPerAddress();
        this.maxRegistrations = config.registrationMaxPerAddress();
    }

    /** 429 if this username from this address, or this address alone, failed too often lately. */
    public void checkLogin(String canonicalUsername, String address) {
        String userKey = userKey(canonicalUsername, address);
        String addressKey = addressKey(address);
        Map<String, Long> found = call(() -> counters.mget(userKey, addressKey));
        if (exceeds(found.get(userKey), maxFailures)) {
            throw slowDown(userKey);
        }
        if (exceeds(found.get(addressKey), maxFailuresPerAddress)) {
            throw slowDown(addressKey);
        }
    }

    /** Counts a failed login (unknown users too, so throttling reveals nothing). */
    public void recordFailure(String canonicalUsername, String address) {
        call(() -> {
            increment(userKey(canonicalUsername, address));
            increment(addressKey(address));
            return null;
        });
    }

    /** A successful login clears the username's counter for this address. */
    public void recordSuccess(String canonicalUsername, String address) {
        call(() -> keys.del(userKey(canonicalUsername, address)));
    }

    /** Counts a registration attempt from this address; 429 past the limit. */
    public void checkRegistration(String address) {
        String key = "lk:throttle:register:" + safeAddress(address);
        long count = call(() -> increment(key));
        if (count > maxRegistrations) {
            throw slowDown(key);
        }
    }

    private long increment(String key) {
        long count = counters.incr(key);
        if (count == 1) {
            keys.expire(key, window);
        }
        return count;
    }

    private static boolean exceeds(Long count, int limit) {
        return count != null && count >= limit;
    }

    private LatchkeyException slowDown(String key) {
        long ttl = call(() -> keys.ttl(key));
        LOG.debugf("throttled: %s", key.substring(0, key.indexOf(':', "lk:throttle:".length())));
        return LatchkeyException.slowDown(Duration.ofSeconds(ttl > 0 ? ttl : window.toSeconds()));
    }

    private static String userKey(String canonicalUsername, String address) {
        return "lk:throttle:login:" + digest(canonicalUsername == null ? "" : canonicalUsername) + ":"
                + safeAddress(address);
    }

    private static String addressKey(String address) {
        return "lk:throttle:login-addr:" + safeAddress(address);
    }

    private static String safeAddress(String address) {
        return address == null ? "unknown" : address.replace(':', '_');
    }

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T call(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (LatchkeyException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("throttle state unavailable: %s", e.getClass().getName());
            throw LatchkeyException.unavailable();
        }
    }
}
