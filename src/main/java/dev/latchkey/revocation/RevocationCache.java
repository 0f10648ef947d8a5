package dev.latchkey.revocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.OutageLog;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The revocation state every instance reads on every bearer check, in Redis: a cache of what
 * PostgreSQL records (DESIGN.md "Redis is a cache of revocations, PostgreSQL is their record").
 * Per owner (a user, or a client for its own tokens), under one hash tag:
 * <ul>
 * <li>{@code lk:{u:<id>}:tv} = {@code <version>:<generation>}: the owner's token version (tokens
 * carrying an older one are dead: logout-all, reuse, role change, disable) and the cache
 * generation it was written under. It exists for every owner with a live token (every mint
 * writes it), so a missing one means the cache lost it: the check answers 503 and the cache is
 * rebuilt from PostgreSQL ({@link CacheGeneration});</li>
 * <li>{@code lk:{u:<id>}:sid:<sid>}: every access token of a session is dead;</li>
 * <li>{@code lk:{u:<id>}:jti:<jti>}: one access token is dead.</li>
 * </ul>
 * Every key expires once nothing it covers can still be alive (the access-token lifetime plus
 * the allowed skew), so Redis never grows without bound. A check is one {@code MGET}, bounded by
 * {@code latchkey.redis-timeout}; whatever it cannot be sure of answers 503, never 200.
 */
@ApplicationScoped
public class RevocationCache {

    /** The clock skew allowed when verifying {@code exp} and {@code iat}. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(RevocationCache.class);

    /**
     * A mint: the owner's version key exists from now until the minted token expires. The stored
     * version rises to the minted one if the cache is behind PostgreSQL (never falls), the
     * generation to the caller's if newer. The lifetime is extended only for a current version:
     * a token minted under an older version is already dead and keeps nothing alive. Answers 1,
     * or 2 when the minted version is already revoked.
     */
    static final RedisScript MINT = new RedisScript("""
            local n = tonumber(ARGV[1])
            local g = ARGV[2]
            local cur = redis.call('GET', KEYS[1])
            if not cur then
              redis.call('SET', KEYS[1], ARGV[1] .. ':' .. (g == '' and '0' or g), 'EX', ARGV[3])
              return 1
            end
            local sep = string.find(cur, ':', 1, true)
            local v = tonumber(string.sub(cur, 1, sep - 1))
            local cg = string.sub(cur, sep + 1)
            if g ~= '' and tonumber(g) > tonumber(cg) then cg = g end
            if n > v then v = n end
            redis.call('SET', KEYS[1], v .. ':' .. cg, 'KEEPTTL')
            if n < v then return 2 end
            if redis.call('TTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
            return 1
            """);

    /**
     * A revocation: deny sessions and tokens (counted, so that undoing one writer's denial never
     * removes another's), raise the version. With a deadline (Redis time, ms) it does nothing once
     * the deadline has passed: a write that arrives after its caller gave up and rolled back can
     * never land late and refuse the tokens of a session that was not revoked. In {@code nx} mode
     * (the re-assertion after commit, the rebuild) a present denial is left as it is.
     */
    static final RedisScript REVOKE = new RedisScript("""
            if ARGV[1] ~= '' then
              local t = redis.call('TIME')
              if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return 0 end
            end
            local ttl = tonumber(ARGV[2])
            for i = 2, #KEYS do
              if ARGV[4] == 'count' then
                redis.call('INCR', KEYS[i])
                if redis.call('TTL', KEYS[i]) < ttl then redis.call('EXPIRE', KEYS[i], ttl) end
              else
                redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl)
              end
            end
            if ARGV[3] ~= '' then
              local n = tonumber(ARGV[3])
              local cur = redis.call('GET', KEYS[1])
              if not cur then
                redis.call('SET', KEYS[1], ARGV[3] .. ':' .. (ARGV[5] == '' and '0' or ARGV[5]), 'EX', ttl)
              else
                local sep = string.find(cur, ':', 1, true)
                if n > tonumber(string.sub(cur, 1, sep - 1)) then
                  redis.call('SET', KEYS[1], ARGV[3] .. string.sub(cur, sep), 'EX', ttl)
                end
              end
            end
            return 1
            """);

    /** Takes back one writer's denials after its transaction rolled back. */
    static final RedisScript UNDO = new RedisScript("""
            for i = 1, #KEYS do
              if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
            end
            return 1
            """);

    private final RedisDataSource redis;
    private final ReactiveValueCommands<String, String> reactiveValues;
    private final CacheGeneration generation;
    private final Duration coverage;
    private final Duration timeout;

    public RevocationCache(RedisDataSource redis, ReactiveRedisDataSource reactiveRedis, CacheGeneration generation,
            LatchkeyConfig config) {
        this.redis = redis;
        this.reactiveValues = reactiveRedis.value(String.class);
        this.generation = generation;
        this.coverage = coverage(config);
        this.timeout = config.redisTimeout();
    }

    /** How long a key must live: the longest an access token it covers can still be accepted. */
    static Duration coverage(LatchkeyConfig config) {
        return config.accessTokenTtl().plus(CLOCK_SKEW);
    }

    /**
     * Whether an access token is revoked: its owner's version is newer than the token's, or its
     * session or itself is denied. One round trip; 503 when Redis does not answer within the
     * bound, or when the cache cannot vouch for this owner (lost, or being rebuilt).
     *
     * @param sid may be null (client tokens have no session)
     */
    public Uni<Boolean> isRevoked(Owner owner, long version, String sid, String jti) {
        List<String> keys = new ArrayList<>(3);
        keys.add(owner.versionKey());
        keys.add(owner.jtiKey(jti));
        if (sid != null) {
            keys.add(owner.sidKey(sid));
        }
        return reactiveValues.mget(keys.toArray(String[]::new))
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(e -> {
                    OutageLog.failed("Redis", "revocation check, token refused", e);
                    return LatchkeyException.unavailable();
                })
                .map(found -> revoked(found, keys, version));
    }

    private boolean revoked(Map<String, String> found, List<String> keys, long version) {
        String stored = found.get(keys.get(0));
        if (stored == null) {
            // every owner with a live token has this key: it was lost (a flush, a restart, a
            // failover, an eviction), and the denials beside it may be lost too
            generation.lost("token version missing");
            throw LatchkeyException.unavailable();
        }
        int sep = stored.indexOf(':');
        long storedVersion;
        long writtenUnder;
        try {
            storedVersion = Long.parseLong(stored.substring(0, sep));
            writtenUnder = Long.parseLong(stored.substring(sep + 1));
        } catch (RuntimeException e) {
            LOG.warn("unreadable token version in the revocation cache: refusing");
            throw LatchkeyException.unavailable();
        }
        Long trusted = generation.trusted();
        if (trusted == null || writtenUnder > trusted) {
            // the cache is being rebuilt, or another instance rebuilt it and this one has not
            // caught up: nothing here can be vouched for yet
            generation.lost(trusted == null ? "cache not verified" : "newer cache generation");
            throw LatchkeyException.unavailable();
        }
        if (version < storedVersion) {
            return true;
        }
        for (int i = 1; i < keys.size(); i++) {
            if (found.get(keys.get(i)) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records a mint for this owner (inside the minting transaction, before its commit): from now
     * on every check of the owner's tokens finds the version key, until the token expires. 503 if
     * Redis cannot take it, so no token leaves without it.
     *
     * @return false if the minted version was already revoked (a revocation raced the mint)
     */
    public boolean recordMint(Owner owner, long version) {
        Long trusted = generation.trusted();
        Response answer = RedisCalls.call("token mint", () -> MINT.run(redis, List.of(owner.versionKey()),
                List.of(Long.toString(version), trusted == null ? "" : Long.toString(trusted),
                        Long.toString(coverage.toSeconds()))));
        return answer.toInteger() == 1;
    }

    /**
     * Writes a revocation, inside its database transaction, before the commit. It lands within
     * half of {@code latchkey.redis-timeout} by Redis' own clock or not at all, so a caller that
     * gave up can roll back knowing the write will not arrive later. 503 if it did not land.
     */
    public void write(RevocationWrite write) {
        if (write.isEmpty()) {
            return;
        }
        long deadline = generation.redisNowMillis() + timeout.toMillis() / 2;
        Response answer = RedisCalls.call("revocation write",
                () -> REVOKE.run(redis, keys(write), args(write, Long.toString(deadline), "count")));
        if (answer.toInteger() != 1) {
            OutageLog.failed("Redis", "revocation write arrived after its deadline", null);
            throw LatchkeyException.unavailable();
        }
    }

    /**
     * After the commit: writes the revocation again, idempotently, in case the cache was flushed
     * between the write and the commit (the rebuild that follows a flush may have read PostgreSQL
     * before this commit). Best effort: a failure here is logged, the revocation is recorded.
     */
    public void reassert(RevocationWrite write) {
        if (write.isEmpty()) {
            return;
        }
        try {
            REVOKE.run(redis, keys(write), args(write, "", "nx"));
        } catch (RuntimeException e) {
            OutageLog.failed("Redis", "revocation re-assertion after commit (the rebuild restores it)", e);
        }
    }

    /**
     * After a rollback the database confirmed: takes this write's denials back. The version is
     * never lowered (another revocation may have raised it to the same value); a raised version
     * whose transaction rolled back only makes that owner's new tokens fail until the key expires
     * and is rebuilt from PostgreSQL.
     */
    public void undo(RevocationWrite write) {
        List<String> keys = keys(write);
        List<String> denials = keys.subList(1, keys.size());
        if (denials.isEmpty()) {
            return;
        }
        try {
            UNDO.run(redis, denials, List.of());
        } catch (RuntimeException e) {
            OutageLog.failed("Redis", "undoing a rolled-back revocation", e);
        }
    }

    private static List<String> keys(RevocationWrite write) {
        List<String> keys = new ArrayList<>(1 + write.sids().size() + write.jtis().size());
        keys.add(write.owner().versionKey());
        write.sids().forEach(sid -> keys.add(write.owner().sidKey(sid)));
        write.jtis().forEach(jti -> keys.add(write.owner().jtiKey(jti)));
        return keys;
    }

    private List<String> args(RevocationWrite write, String deadline, String mode) {
        Long trusted = generation.trusted();
        return List.of(deadline, Long.toString(coverage.toSeconds()),
                write.version() == null ? "" : Long.toString(write.version()), mode,
                trusted == null ? "" : Long.toString(trusted));
    }
}
