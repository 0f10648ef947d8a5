package dev.latchkey.revocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.OutageLog;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * Revocation state shared by every instance, in Redis:
 * <ul>
 * <li>{@code lk:deny:jti:<jti>}: one access token;</li>
 * <li>{@code lk:deny:sid:<sid>}: every access token of a session (refresh-token family);</li>
 * <li>{@code lk:user:<id>:revoked-before}: epoch seconds; the user's tokens with an earlier {@code iat} are dead.</li>
 * </ul>
 * Every key expires when the last token it could cover has expired (access-token lifetime plus
 * the allowed clock skew), so Redis never grows without bound. A check is one {@code MGET}; if
 * Redis cannot answer, the check fails closed.
 */
@ApplicationScoped
public class Denylist {

    /** The clock skew allowed when verifying {@code exp}, {@code iat} and {@code nbf}. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final ValueCommands<String, String> values;
    private final ReactiveValueCommands<String, String> reactiveValues;
    private final Duration coverage;
    private final Clock clock;

    public Denylist(RedisDataSource redis, ReactiveRedisDataSource reactiveRedis, LatchkeyConfig config,
            Clock clock) {
        this.values = redis.value(String.class);
        this.reactiveValues = reactiveRedis.value(String.class);
        this.coverage = config.accessTokenTtl().plus(CLOCK_SKEW);
        this.clock = clock;
    }

    static String jtiKey(String jti) {
        return "lk:deny:jti:" + jti;
    }

    static String sidKey(String sid) {
        return "lk:deny:sid:" + sid;
    }

    static String revokedBeforeKey(String userId) {
        return "lk:user:" + userId + ":revoked-before";
    }

    /** Denies one access token until it expires (plus skew). */
    public void denyToken(String jti, Instant expiresAt) {
        long seconds = Duration.between(clock.instant(), expiresAt.plus(CLOCK_SKEW)).toSeconds();
        if (seconds <= 0) {
            return; // already dead by expiry
        }
        RedisCalls.run("revocation state", () -> values.setex(jtiKey(jti), Math.min(seconds, coverage.toSeconds()), "1"));
    }

    /** Denies every access token of these sessions. */
    public void denySessions(Collection<UUID> sids) {
        if (sids.isEmpty()) {
            return;
        }
        long seconds = coverage.toSeconds();
        RedisCalls.run("revocation state", () -> {
            for (UUID sid : sids) {
                values.setex(sidKey(sid.toString()), seconds, "1");
            }
        });
    }

    /** Kills every access token of the user issued before {@code instant} (by whole seconds). */
    public void revokeUserTokensBefore(UUID userId, Instant instant) {
        RedisCalls.run("revocation state", () -> values.setex(revokedBeforeKey(userId.toString()), coverage.toSeconds(),
                Long.toString(instant.getEpochSecond())));
    }

    /**
     * Whether a token is revoked: its {@code jti} or {@code sid} is denied, or it was issued before
     * its user's "revoked before" instant. One round trip. Fails with 503 if Redis cannot answer.
     *
     * @param sid may be null (client tokens have no session)
     * @param userId may be null (client tokens have no user)
     */
    public Uni<Boolean> isRevoked(String jti, String sid, String userId, long issuedAt) {
        String jtiKey = jtiKey(jti);
        String sidKey = sid == null ? null : sidKey(sid);
        String userKey = userId == null ? null : revokedBeforeKey(userId);
        String[] keys = keys(jtiKey, sidKey, userKey);
        return reactiveValues.mget(keys)
                .map(found -> revoked(found, jtiKey, sidKey, userKey, issuedAt))
                .onFailure().transform(e -> {
                    OutageLog.failed("Redis", "revocation check, token refused", e);
                    return LatchkeyException.unavailable();
                });
    }

    /** The blocking form of {@link #isRevoked(String, String, String, long)}, for worker threads. */
    public boolean isRevokedNow(String jti, String sid, String userId, long issuedAt) {
        String jtiKey = jtiKey(jti);
        String sidKey = sid == null ? null : sidKey(sid);
        String userKey = userId == null ? null : revokedBeforeKey(userId);
        Map<String, String> found = RedisCalls.call("revocation check", () -> values.mget(keys(jtiKey, sidKey, userKey)));
        return revoked(found, jtiKey, sidKey, userKey, issuedAt);
    }

    private static String[] keys(String jtiKey, String sidKey, String userKey) {
        if (sidKey == null && userKey == null) {
            return new String[] { jtiKey };
        }
        if (userKey == null) {
            return new String[] { jtiKey, sidKey };
        }
        if (sidKey == null) {
            return new String[] { jtiKey, userKey };
        }
        return new String[] { jtiKey, sidKey, userKey };
    }

    private static boolean revoked(Map<String, String> found, String jtiKey, String sidKey, String userKey,
            long issuedAt) {
        if (found.get(jtiKey) != null || (sidKey != null && found.get(sidKey) != null)) {
            return true;
        }
        String before = userKey == null ? null : found.get(userKey);
        if (before == null) {
            return false;
        }
        try {
            return issuedAt < Long.parseLong(before);
        } catch (NumberFormatException e) {
            return true; // unreadable state: fail closed
        }
    }
}
