package dev.latchkey.session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * The SQL of the refresh hot path: one locking read and one write, in a plain JDBC transaction.
 * <p>
 * Every other session operation goes through the Panache entities; a refresh, the most frequent
 * write of the service, skips the entity lifecycle, the flush and the JTA coordinator, which
 * together cost several times the RS256 signature the refresh cannot avoid.
 */
@ApplicationScoped
class RotationStore {

    /** The family, user and presented token, locked (family and token rows) for this transaction. */
    record Locked(UUID familyId, UUID userId, Instant idleExpiresAt, Instant absoluteExpiresAt, String username,
            List<String> roles, boolean userDisabled, UUID tokenId, Instant rotatedAt, UUID successorId,
            byte[] successorEnvelope) {
    }

    /** Work inside one JDBC transaction; a return commits, an exception rolls back. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * The token is found by its hash first, in a materialized CTE, so that every plan starts from
     * that one unique-index probe. With a plain three-way join, a generic plan made while the
     * tables were nearly empty (pgjdbc prepares the statement on the server after 5 uses, and
     * PostgreSQL keeps the plan until the next ANALYZE) can drive from the families instead and
     * probe the token index once per live family: seen at 750 probes per refresh, 2.5 times the
     * database CPU of the whole refresh.
     */
    private static final String LOCK_LIVE = "WITH h AS MATERIALIZED (SELECT id FROM refresh_tokens WHERE token_hash = ?)"
            + " SELECT f.id, f.user_id, f.idle_expires_at, f.absolute_expires_at,"
            + " u.username, u.roles, u.disabled, t.id, t.rotated_at, t.successor_id, t.successor_envelope"
            + " FROM h JOIN refresh_tokens t ON t.id = h.id JOIN refresh_families f ON f.id = t.family_id"
            + " JOIN users u ON u.id = f.user_id"
            + " WHERE f.revoked_at IS NULL AND f.idle_expires_at > ? AND f.absolute_expires_at > ?"
            + " FOR NO KEY UPDATE OF f, t";

    private static final String REVOKED_AT = "SELECT f.revoked_at FROM refresh_tokens t"
            + " JOIN refresh_families f ON f.id = t.family_id WHERE t.token_hash = ?";

    private static final String LIVE = "SELECT f.id, f.user_id, u.username, u.roles, t.issued_at,"
            + " LEAST(f.idle_expires_at, f.absolute_expires_at)"
            + " FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id JOIN users u ON u.id = f.user_id"
            + " WHERE t.token_hash = ? AND t.rotated_at IS NULL AND f.revoked_at IS NULL"
            + " AND f.idle_expires_at > ? AND f.absolute_expires_at > ? AND NOT u.disabled";

    private static final String SUCCESSOR_ROTATED_AT = "SELECT rotated_at, true FROM refresh_tokens WHERE id = ?";

    private static final String ROTATE = "WITH successor AS ("
            + " INSERT INTO refresh_tokens (id, family_id, token_hash, parent_id, issued_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)),"
            + " parent AS (UPDATE refresh_tokens SET rotated_at = ?, successor_id = ?, successor_envelope = ? WHERE id = ?)"
            + " UPDATE refresh_families SET last_used_at = ?, idle_expires_at = ? WHERE id = ?";

    private final AgroalDataSource dataSource;

    RotationStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The live family of this token, locked; empty for an unknown, revoked or expired one alike. */
    Optional<Locked> lockLive(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCK_LIVE)) {
            s.setBytes(1, tokenHash);
            s.setObject(2, utc(now));
            s.setObject(3, utc(now));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Array roles = r.getArray(6);
                return Optional.of(new Locked(r.getObject(1, UUID.class), r.getObject(2, UUID.class), instant(r, 3),
                        instant(r, 4), r.getString(5), roles == null ? List.of() : List.of((String[]) roles.getArray()),
                        r.getBoolean(7), r.getObject(8, UUID.class), instant(r, 9), r.getObject(10, UUID.class),
                        r.getBytes(11)));
            }
        }
    }

    /** The current refresh token with this hash if its family and user are live (no lock, for introspection). */
    Optional<SessionService.LiveRefreshToken> findLive(byte[] tokenHash, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LIVE)) {
            s.setBytes(1, tokenHash);
            s.setObject(2, utc(now));
            s.setObject(3, utc(now));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Array roles = r.getArray(4);
                SessionUser user = new SessionUser(r.getObject(2, UUID.class), r.getString(3),
                        roles == null ? List.of() : List.of((String[]) roles.getArray()));
                return Optional.of(new SessionService.LiveRefreshToken(r.getObject(1, UUID.class), user,
                        instant(r, 5), instant(r, 6)));
            }
        }
    }

    /** For a refused token: empty if unknown, else whether its family was revoked (true) or expired (false). */
    Optional<Boolean> revoked(Connection c, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(REVOKED_AT)) {
            s.setBytes(1, tokenHash);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getObject(1, OffsetDateTime.class) != null) : Optional.empty();
            }
        }
    }

    /** True if the token with this id exists and has not been rotated. */
    boolean isCurrent(Connection c, UUID tokenId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SUCCESSOR_ROTATED_AT)) {
            s.setObject(1, tokenId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getObject(1, OffsetDateTime.class) == null;
            }
        }
    }

    /** Stores the successor, marks the parent rotated (with the sealed successor), slides the family's idle expiry. */
    void rotate(Connection c, Locked locked, UUID successorId, byte[] successorHash, byte[] envelope, Instant now,
            Instant idleExpiresAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ROTATE)) {
            OffsetDateTime at = utc(now);
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

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
