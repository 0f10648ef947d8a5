package dev.latchkey.revocation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.DatabaseTime;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Rebuilds the revocation cache from what PostgreSQL records, keeping only what can still cover a
 * live access token: everything older than the access-token lifetime plus skew (and the grace
 * window, during which a rotated token still mints) is left out, because no token it could cover
 * is alive. Writes are monotone (versions only rise, denials are only added), so revocations that
 * happen during a rebuild lose nothing.
 */
@ApplicationScoped
class CacheRebuild {

    /** An owner's version key under the new generation; the version never falls. */
    static final RedisScript VERSION = new RedisScript("""
            local n = tonumber(ARGV[1])
            local cur = redis.call('GET', KEYS[1])
            if cur then
              local sep = string.find(cur, ':', 1, true)
              local v = tonumber(string.sub(cur, 1, sep - 1))
              if v > n then n = v end
            end
            redis.call('SET', KEYS[1], n .. ':' .. ARGV[2], 'EX', ARGV[3])
            return 1
            """);

    /**
     * Users with a session used or revoked within the window, and users deleted within it (their
     * sessions went with them; their last version refuses every token they had): the owners of
     * every possibly live token.
     */
    private static final String OWNERS = "SELECT u.id, u.token_version FROM users u WHERE EXISTS"
            + " (SELECT 1 FROM refresh_families f WHERE f.user_id = u.id"
            + " AND (f.last_used_at > " + DatabaseTime.NOW + " - make_interval(secs => ?)"
            + " OR f.revoked_at > " + DatabaseTime.NOW + " - make_interval(secs => ?)))"
            + " UNION ALL SELECT d.id, d.token_version FROM deleted_users d"
            + " WHERE d.deleted_at > " + DatabaseTime.NOW + " - make_interval(secs => ?)";
    private static final String SESSIONS = "SELECT id, user_id FROM refresh_families"
            + " WHERE revoked_at > " + DatabaseTime.NOW + " - make_interval(secs => ?)";
    private static final String TOKENS = "SELECT jti, owner FROM denied_access_tokens WHERE expires_at > "
            + DatabaseTime.NOW + " - make_interval(secs => ?)";

    private static final int CONCURRENCY = 64;

    /** What a rebuild wrote: users' versions, sessions and tokens from the record, and the configured clients. */
    record Counts(int versions, int sessions, int tokens, int clients) {
        /** What came from PostgreSQL: none on a first start (configured clients are always vouched for). */
        int fromTheRecord() {
            return versions + sessions + tokens;
        }
    }

    private final AgroalDataSource dataSource;
    private final DatabaseTime time;
    private final ReactiveRedisDataSource redis;
    private final LatchkeyConfig config;
    private final Duration coverage;
    private final Duration window;

    CacheRebuild(AgroalDataSource dataSource, DatabaseTime time, ReactiveRedisDataSource redis, LatchkeyConfig config) {
        this.dataSource = dataSource;
        this.time = time;
        this.redis = redis;
        this.config = config;
        this.coverage = RevocationCache.coverage(config);
        this.window = coverage.plus(config.refreshGrace());
    }

    /** Writes every key that may cover a live token, under {@code generation}. */
    Counts run(long generation) {
        List<Owner> owners = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        List<Owner> sessionOwners = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        List<Owner> tokenOwners = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(OWNERS)) {
                time.bind(s, 1);
                s.setDouble(2, window.toSeconds());
                time.bind(s, 3);
                s.setDouble(4, window.toSeconds());
                time.bind(s, 5);
                s.setDouble(6, window.toSeconds());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        owners.add(Owner.user(r.getObject(1, UUID.class)));
                        versions.add(r.getLong(2));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(SESSIONS)) {
                time.bind(s, 1);
                s.setDouble(2, window.toSeconds());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sessionOwners.add(Owner.user(r.getObject(2, UUID.class)));
                        sessions.add(r.getObject(1, UUID.class).toString());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(TOKENS)) {
                time.bind(s, 1);
                s.setDouble(2, RevocationCache.CLOCK_SKEW.toSeconds());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        tokenOwners.add(new Owner(r.getString(2)));
                        tokens.add(r.getObject(1, UUID.class).toString());
                    }
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading the revocation record failed", e);
        }
        // confidential clients' own tokens are not recorded anywhere: vouch for every configured one
        for (String client : config.clients().keySet()) {
            owners.add(Owner.client(client));
            versions.add(0L);
        }

        String ttl = Long.toString(coverage.toSeconds());
        String gen = Long.toString(generation);
        List<Uni<?>> writes = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            writes.add(setIfAbsent(sessionOwners.get(i).sidKey(sessions.get(i)), ttl));
        }
        for (int i = 0; i < tokens.size(); i++) {
            writes.add(setIfAbsent(tokenOwners.get(i).jtiKey(tokens.get(i)), ttl));
        }
        // versions last: a version key says "the denials of this owner are here"
        List<Uni<?>> versionWrites = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            String key = owners.get(i).versionKey();
            String version = Long.toString(versions.get(i));
            versionWrites.add(redis.execute("EVALSHA", VERSION.sha(), "1", key, version, gen, ttl)
                    .onFailure().recoverWithUni(() -> redis.execute("EVAL", VERSION.body(), "1", key, version, gen, ttl)));
        }
        await(writes);
        await(versionWrites);
        int clients = config.clients().size();
        return new Counts(owners.size() - clients, sessions.size(), tokens.size(), clients);
    }

    private Uni<?> setIfAbsent(String key, String ttlSeconds) {
        return redis.execute("SET", key, "1", "NX", "EX", ttlSeconds);
    }

    private void await(List<Uni<?>> writes) {
        Multi.createFrom().iterable(writes)
                .onItem().transformToUni(write -> write).merge(CONCURRENCY)
                .collect().last()
                .await().atMost(config.redisTimeout().multipliedBy(Math.max(1, writes.size() / CONCURRENCY + 1)));
    }
}
