package dev.latchkey.session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.db.DatabaseTime;
import dev.latchkey.db.Transactions.Tx;
import io.agroal.api.AgroalDataSource;

/**
 * The SQL of sessions, on plain JDBC inside {@code Transactions}: the refresh hot path (one
 * locking read and one write), logins and every revocation. Every time that decides an answer is
 * PostgreSQL's ({@link DatabaseTime#NOW}, read in these statements), never this instance's clock.
 * <p>
 * A refresh, the most frequent write of the service, skips the entity lifecycle, the flush and
 * the JTA coordinator, which together cost several times the RS256 signature the refresh cannot
 * avoid (bench/README.md); revocations are plain JDBC because their cache write must sit between
 * their last statement and their commit.
 */
@ApplicationScoped
class SessionStore {

    /** The family, user and presented token, locked (family and token rows) for this transaction. */
    record Locked(UUID familyId, UUID userId, Instant idleExpiresAt, Instant absoluteExpiresAt, String username,
            List<String> roles, boolean userDisabled, long tokenVersion, UUID tokenId, Instant rotatedAt,
            UUID successorId, byte[] successorEnvelope, Instant now) {
    }

    /** What a login needs of its user, and the database's "now". */
    record UserRow(UUID id, String username, List<String> roles, boolean disabled, long tokenVersion, Instant now) {
    }

    /** A family as a revocation sees it, locked. */
    record FamilyRow(UUID id, UUID userId, boolean revoked) {
    }

    /**
     * The token is found by its hash first, in a materialized CTE, so that every plan starts from
     * that one unique-index probe. With a plain three-way join, a generic plan made while the
     * tables were nearly empty (pgjdbc prepares the statement on the server after 5 uses, and
     * PostgreSQL keeps the plan until the next ANALYZE) can drive from the families instead and
     * probe the token index once per live family: seen at 750 probes per refresh. The family and
     * the token are locked {@code FOR NO KEY UPDATE}: refreshes of one family exclude each other
     * (and a revocation's {@code FOR UPDATE}), without blocking the foreign-key checks of the
     * successor's insert.
     */
    private static final String LOCK_LIVE = "WITH h AS MATERIALIZED (SELECT id FROM refresh_tokens WHERE token_hash = ?),"
            + " n AS MATERIALIZED (SELECT " + DatabaseTime.NOW + " AS now)"
            + " SELECT f.id, f.user_id, f.idle_expires_at, f.absolute_expires_at, u.username, u.roles, u.disabled,"
            + " u.token_version, t.id, t.rotated_at, t.successor_id, t.successor_envelope, n.now,"
            + " txid_current(), pg_backend_pid()"
            + " FROM h JOIN refresh_tokens t ON t.id = h.id JOIN refresh_families f ON f.id = t.family_id"
            + " JOIN users u ON u.id = f.user_id CROSS JOIN n"
            + " WHERE f.revoked_at IS NULL AND f.idle_expires_at > n.now AND f.absolute_expires_at > n.now"
            + " FOR NO KEY UPDATE OF f, t";

    private static final String REVOKED_AT = "SELECT f.revoked_at FROM refresh_tokens t"
            + " JOIN refresh_families f ON f.id = t.family_id WHERE t.token_hash = ?";

    private static final String SUCCESSOR_ROTATED_AT = "SELECT rotated_at, true FROM refresh_tokens WHERE id = ?";

    private static final String ROTATE = "WITH successor AS ("
            + " INSERT INTO refresh_tokens (id, family_id, token_hash, parent_id, issued_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)),"
            + " parent AS (UPDATE refresh_tokens SET rotated_at = ?, successor_id = ?, successor_envelope = ? WHERE id = ?)"
            + " UPDATE refresh_families SET last_used_at = ?, idle_expires_at = ? WHERE id = ?";

    private static final String LIVE = "SELECT f.id, f.user_id, u.username, u.roles, t.issued_at,"
            + " LEAST(f.idle_expires_at, f.absolute_expires_at)"
            + " FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id JOIN users u ON u.id = f.user_id"
            + " WHERE t.token_hash = ? AND t.rotated_at IS NULL AND f.revoked_at IS NULL"
            + " AND f.idle_expires_at > " + DatabaseTime.NOW + " AND f.absolute_expires_at > " + DatabaseTime.NOW
            + " AND NOT u.disabled";

    /**
     * Records the login ({@code last_login_at}, rolled back with the rest if the login fails) and
     * so locks the row ({@code FOR NO KEY UPDATE}, as every update of non-key columns): logins of
     * one user serialise, so the session cap counts right, and a raised token version (or a
     * disable, or a delete) commits before or after a login, never during it.
     */
    private static final String USER_FOR_LOGIN = "UPDATE users SET last_login_at = " + DatabaseTime.NOW
            + " WHERE id = ? RETURNING username, roles, disabled, token_version, last_login_at,"
            + " txid_current(), pg_backend_pid()";

    private static final String INSERT_FAMILY = "INSERT INTO refresh_families (id, user_id, created_at, last_used_at,"
            + " idle_expires_at, absolute_expires_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String INSERT_TOKEN = "INSERT INTO refresh_tokens (id, family_id, token_hash, parent_id,"
            + " issued_at, expires_at) VALUES (?, ?, ?, NULL, ?, ?)";

    private static final String LIVE_SESSIONS = "SELECT id, created_at, last_used_at,"
            + " LEAST(idle_expires_at, absolute_expires_at), user_agent, ip FROM refresh_families"
            + " WHERE user_id = ? AND revoked_at IS NULL AND idle_expires_at > " + DatabaseTime.NOW
            + " AND absolute_expires_at > " + DatabaseTime.NOW;
    private static final String PAGE_FIRST = LIVE_SESSIONS + " ORDER BY last_used_at DESC, id DESC LIMIT ?";
    private static final String PAGE_AFTER = LIVE_SESSIONS + " AND (last_used_at, id) < (?, ?)"
            + " ORDER BY last_used_at DESC, id DESC LIMIT ?";

    private static final String COUNT_LIVE = "SELECT count(*) FROM refresh_families WHERE user_id = ?"
            + " AND revoked_at IS NULL AND idle_expires_at > " + DatabaseTime.NOW + " AND absolute_expires_at > "
            + DatabaseTime.NOW;

    private static final String COUNT_LIVE_PER_USER = "SELECT user_id, count(*) FROM refresh_families"
            + " WHERE user_id = ANY (?) AND revoked_at IS NULL AND idle_expires_at > " + DatabaseTime.NOW
            + " AND absolute_expires_at > " + DatabaseTime.NOW + " GROUP BY user_id";

    private static final String EVICT = "UPDATE refresh_families SET revoked_at = " + DatabaseTime.NOW
            + ", revoke_reason = 'evicted' WHERE id IN (SELECT id FROM refresh_families WHERE user_id = ?"
            + " AND revoked_at IS NULL AND idle_expires_at > " + DatabaseTime.NOW + " AND absolute_expires_at > "
            + DatabaseTime.NOW + " ORDER BY last_used_at ASC, id ASC LIMIT ? FOR UPDATE) RETURNING id";

    private static final String LOCK_FAMILY = "SELECT id, user_id, revoked_at IS NOT NULL FROM refresh_families"
            + " WHERE id = ? FOR UPDATE";

    private static final String LOCK_FAMILY_OF_TOKEN = "SELECT f.id, f.user_id, f.revoked_at IS NOT NULL"
            + " FROM refresh_families f JOIN refresh_tokens t ON t.family_id = f.id WHERE t.token_hash = ? FOR UPDATE OF f";

    private static final String REVOKE_FAMILY = "UPDATE refresh_families SET revoked_at = " + DatabaseTime.NOW
            + ", revoke_reason = ? WHERE id = ? AND revoked_at IS NULL";

    private static final String REVOKE_ALL = "UPDATE refresh_families SET revoked_at = " + DatabaseTime.NOW
            + ", revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL";

    private static final String REVOKE_OTHERS = "UPDATE refresh_families SET revoked_at = " + DatabaseTime.NOW
            + ", revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS DISTINCT FROM ? RETURNING id";

    private static final String RAISE_TOKEN_VERSION = "UPDATE users SET token_version = token_version + 1"
            + " WHERE id = ? RETURNING token_version";

    private static final String DENY_TOKEN = "INSERT INTO denied_access_tokens (jti, owner, expires_at)"
            + " VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING";

    private final AgroalDataSource dataSource;
    private final DatabaseTime time;

    SessionStore(AgroalDataSource dataSource, DatabaseTime time) {
        this.dataSource = dataSource;
        this.time = time;
    }

    /** The live family of this token, locked; empty for an unknown, revoked or expired one alike. */
    Optional<Locked> lockLive(Tx tx, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK_LIVE)) {
            s.setBytes(1, tokenHash);
            time.bind(s, 2);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                tx.identify(r.getLong(14), r.getInt(15));
                return Optional.of(new Locked(r.getObject(1, UUID.class), r.getObject(2, UUID.class), instant(r, 3),
                        instant(r, 4), r.getString(5), roles(r.getArray(6)), r.getBoolean(7), r.getLong(8),
                        r.getObject(9, UUID.class), instant(r, 10), r.getObject(11, UUID.class), r.getBytes(12),
                        instant(r, 13)));
            }
        }
    }

    /** For a refused token: empty if unknown, else whether its family was revoked (true) or expired (false). */
    Optional<Boolean> revoked(Tx tx, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(REVOKED_AT)) {
            s.setBytes(1, tokenHash);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getObject(1, OffsetDateTime.class) != null) : Optional.empty();
            }
        }
    }

    /** True if the token with this id exists and has not been rotated. */
    boolean isCurrent(Tx tx, UUID tokenId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(SUCCESSOR_ROTATED_AT)) {
            s.setObject(1, tokenId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getObject(1, OffsetDateTime.class) == null;
            }
        }
    }

    /** Stores the successor, marks the parent rotated (with the sealed successor), slides the family's idle expiry. */
    void rotate(Tx tx, Locked locked, UUID successorId, byte[] successorHash, byte[] envelope, Instant idleExpiresAt)
            throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(ROTATE)) {
            OffsetDateTime at = utc(locked.now());
            s.setObject(1, successorId);
            s.setObject(2, locked.familyId());
            s.setBytes(3, successorHash);
            s.setObject(4, locked.tokenId());
            s.setObject(5, at);
            s.setObject(6, utc(idleExpiresAt));
            s.setObject(7, at);
            s.setObject(8, successorId);
            s.setBytes(9, envelope);
            s.setObject(10, locked.tokenId());
            s.setObject(11, at);
            s.setObject(12, utc(idleExpiresAt));
            s.setObject(13, locked.familyId());
            s.executeUpdate();
        }
    }

    /** The current refresh token with this hash if its family and user are live (no lock, for introspection). */
    Optional<SessionService.LiveRefreshToken> findLive(byte[] tokenHash) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LIVE)) {
            s.setBytes(1, tokenHash);
            time.bind(s, 2);
            time.bind(s, 3);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                SessionUser user = new SessionUser(r.getObject(2, UUID.class), r.getString(3), roles(r.getArray(4)));
                return Optional.of(new SessionService.LiveRefreshToken(r.getObject(1, UUID.class), user,
                        instant(r, 5), instant(r, 6)));
            }
        }
    }

    /** The user a login starts a session for, with the database's "now"; empty if the user is gone. */
    Optional<UserRow> userForLogin(Tx tx, UUID userId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(USER_FOR_LOGIN)) {
            time.bind(s, 1);
            s.setObject(2, userId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                tx.identify(r.getLong(6), r.getInt(7));
                return Optional.of(new UserRow(userId, r.getString(1), roles(r.getArray(2)), r.getBoolean(3),
                        r.getLong(4), instant(r, 5)));
            }
        }
    }

    /** A new family and its first refresh token. */
    void insertFamily(Tx tx, UUID familyId, UUID userId, Instant now, Instant idleExpiresAt, Instant absoluteExpiresAt,
            String userAgent, String ip, UUID tokenId, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(INSERT_FAMILY)) {
            s.setObject(1, familyId);
            s.setObject(2, userId);
            s.setObject(3, utc(now));
            s.setObject(4, utc(now));
            s.setObject(5, utc(idleExpiresAt));
            s.setObject(6, utc(absoluteExpiresAt));
            s.setString(7, userAgent);
            s.setString(8, ip);
            s.executeUpdate();
        }
        try (PreparedStatement s = tx.connection().prepareStatement(INSERT_TOKEN)) {
            s.setObject(1, tokenId);
            s.setObject(2, familyId);
            s.setBytes(3, tokenHash);
            s.setObject(4, utc(now));
            s.setObject(5, utc(idleExpiresAt));
            s.executeUpdate();
        }
    }

    /**
     * A page of the user's live sessions, most recently used first; after ({@code lastUsedAt},
     * {@code id}) when they are given. Returns up to {@code limit} rows.
     */
    List<LiveSession> page(UUID userId, Instant afterLastUsed, UUID afterId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(afterLastUsed == null ? PAGE_FIRST : PAGE_AFTER)) {
            s.setObject(1, userId);
            time.bind(s, 2);
            time.bind(s, 3);
            int next = 4;
            if (afterLastUsed != null) {
                s.setObject(next++, utc(afterLastUsed));
                s.setObject(next++, afterId);
            }
            s.setInt(next, limit);
            List<LiveSession> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new LiveSession(r.getObject(1, UUID.class), instant(r, 2), instant(r, 3), instant(r, 4),
                            r.getString(5), r.getString(6)));
                }
            }
            return rows;
        }
    }

    /** How many live sessions the user has. */
    int countLive(Tx tx, UUID userId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(COUNT_LIVE)) {
            s.setObject(1, userId);
            time.bind(s, 2);
            time.bind(s, 3);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** How many live sessions each of these users has; users without any are absent. */
    Map<UUID, Integer> countLive(List<UUID> userIds) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(COUNT_LIVE_PER_USER)) {
            s.setArray(1, c.createArrayOf("uuid", userIds.toArray()));
            time.bind(s, 2);
            time.bind(s, 3);
            Map<UUID, Integer> counts = new HashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(r.getObject(1, UUID.class), r.getInt(2));
                }
            }
            return counts;
        }
    }

    /** Ends the user's {@code count} least recently used live sessions; returns their ids. */
    List<UUID> evictLeastRecentlyUsed(Tx tx, UUID userId, int count) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(EVICT)) {
            time.bind(s, 1);
            s.setObject(2, userId);
            time.bind(s, 3);
            time.bind(s, 4);
            s.setInt(5, count);
            List<UUID> evicted = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    evicted.add(r.getObject(1, UUID.class));
                }
            }
            return evicted;
        }
    }

    /** Locks a family for a revocation; empty if there is none. */
    Optional<FamilyRow> lockFamily(Tx tx, UUID familyId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK_FAMILY)) {
            s.setObject(1, familyId);
            return family(s);
        }
    }

    /** Locks the family of the refresh token with this hash for a revocation; empty if unknown. */
    Optional<FamilyRow> lockFamilyOfToken(Tx tx, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK_FAMILY_OF_TOKEN)) {
            s.setBytes(1, tokenHash);
            return family(s);
        }
    }

    private static Optional<FamilyRow> family(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next()
                    ? Optional.of(new FamilyRow(r.getObject(1, UUID.class), r.getObject(2, UUID.class), r.getBoolean(3)))
                    : Optional.empty();
        }
    }

    /** Ends one family; false if it had already ended. */
    boolean revokeFamily(Tx tx, UUID familyId, RevokeReason reason) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(REVOKE_FAMILY)) {
            time.bind(s, 1);
            s.setString(2, reason.code());
            s.setObject(3, familyId);
            return s.executeUpdate() == 1;
        }
    }

    /** Ends every live family of the user, in one statement; returns how many. */
    int revokeAll(Tx tx, UUID userId, RevokeReason reason) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(REVOKE_ALL)) {
            time.bind(s, 1);
            s.setString(2, reason.code());
            s.setObject(3, userId);
            return s.executeUpdate();
        }
    }

    /** Ends every live family of the user but {@code keep} (may be null), in one statement; returns their ids. */
    List<UUID> revokeOthers(Tx tx, UUID userId, UUID keep, RevokeReason reason) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(REVOKE_OTHERS)) {
            time.bind(s, 1);
            s.setString(2, reason.code());
            s.setObject(3, userId);
            s.setObject(4, keep);
            List<UUID> ended = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ended.add(r.getObject(1, UUID.class));
                }
            }
            return ended;
        }
    }

    /** Refuses every access token of the user minted so far; returns the new version. */
    long raiseTokenVersion(Tx tx, UUID userId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(RAISE_TOKEN_VERSION)) {
            s.setObject(1, userId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no user " + userId);
                }
                return r.getLong(1);
            }
        }
    }

    /** Records one denied access token until it expires. */
    void denyToken(Tx tx, UUID jti, String owner, Instant expiresAt) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(DENY_TOKEN)) {
            s.setObject(1, jti);
            s.setString(2, owner);
            s.setObject(3, utc(expiresAt));
            s.executeUpdate();
        }
    }

    private static List<String> roles(Array roles) throws SQLException {
        return roles == null ? List.of() : List.of((String[]) roles.getArray());
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
