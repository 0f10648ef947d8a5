package dev.latchkey.account;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.db.DatabaseTime;
import dev.latchkey.db.Transactions.Tx;
import io.agroal.api.AgroalDataSource;

/**
 * The SQL of account changes that revoke (role change, disable, delete, a new password) and of
 * password-reset tokens, on plain JDBC inside the revocation's transaction ({@code Transactions}):
 * their Redis cache write must sit between their last statement and their commit. Every time is
 * PostgreSQL's ({@link DatabaseTime#NOW}).
 * <p>
 * Usernames are listed in code-point order ({@code COLLATE "C"}, the index of V9): the same order
 * on every database, whatever its collation, so a cursor and a prefix are plain ranges.
 */
@ApplicationScoped
class UserStore {

    /** A user as the admin API shows it, without its sessions. */
    record UserRow(UUID id, String username, List<String> roles, boolean disabled, Instant createdAt,
            Instant passwordChangedAt, Instant lastLoginAt) {
    }

    /** A user a reset token is for. */
    record ResetTarget(UUID userId, String username) {
    }

    private static final String COLUMNS = "id, username, roles, disabled, created_at, password_changed_at, last_login_at";

    private static final String FIND = "SELECT " + COLUMNS + " FROM users WHERE id = ?";

    /** A lock for a change of the row's non-key columns; concurrent logins of the user wait for it. */
    private static final String LOCK = "SELECT " + COLUMNS + " FROM users WHERE id = ? FOR NO KEY UPDATE";

    /** The user with this (canonical) username, locked as {@link #LOCK} locks it. */
    private static final String LOCK_BY_USERNAME = "SELECT " + COLUMNS
            + " FROM users WHERE username = ? FOR NO KEY UPDATE";

    /** A lock for a delete (also holds off new sessions, whose foreign key needs the row). */
    private static final String LOCK_FOR_DELETE = "SELECT " + COLUMNS + " FROM users WHERE id = ? FOR UPDATE";

    private static final String SET_ROLES = "UPDATE users SET roles = ? WHERE id = ?";

    private static final String SET_DISABLED = "UPDATE users SET disabled = ? WHERE id = ?";

    private static final String SET_PASSWORD = "UPDATE users SET password_hash = ?, password_changed_at = "
            + DatabaseTime.NOW + " WHERE id = ?";

    private static final String RECORD_DELETED = "INSERT INTO deleted_users (id, token_version, deleted_at)"
            + " VALUES (?, ?, " + DatabaseTime.NOW + ") ON CONFLICT (id) DO UPDATE"
            + " SET token_version = EXCLUDED.token_version, deleted_at = EXCLUDED.deleted_at";

    private static final String DELETE = "DELETE FROM users WHERE id = ?";

    private static final String REPLACE_RESET_TOKEN = "INSERT INTO password_reset_tokens"
            + " (user_id, token_hash, created_at, expires_at) VALUES (?, ?, " + DatabaseTime.NOW + ", "
            + DatabaseTime.NOW + " + make_interval(secs => ?)) ON CONFLICT (user_id) DO UPDATE"
            + " SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at"
            + " RETURNING expires_at";

    private static final String FIND_RESET_TOKEN = "SELECT u.id, u.username FROM password_reset_tokens t"
            + " JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.expires_at > " + DatabaseTime.NOW;

    private static final String CONSUME_RESET_TOKEN = "DELETE FROM password_reset_tokens WHERE token_hash = ?"
            + " AND expires_at > " + DatabaseTime.NOW + " RETURNING user_id";

    private final AgroalDataSource dataSource;
    private final DatabaseTime time;

    UserStore(AgroalDataSource dataSource, DatabaseTime time) {
        this.dataSource = dataSource;
        this.time = time;
    }

    /** The user with this id, without a lock; empty if there is none. */
    Optional<UserRow> find(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND)) {
            s.setObject(1, id);
            return one(s);
        }
    }

    /** The user with this id, locked for a change; empty if there is none. */
    Optional<UserRow> lock(Tx tx, UUID id) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK)) {
            s.setObject(1, id);
            return one(s);
        }
    }

    /** The user with this canonical username, locked; empty if there is none. */
    Optional<UserRow> lockByUsername(Tx tx, String canonicalUsername) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK_BY_USERNAME)) {
            s.setString(1, canonicalUsername);
            return one(s);
        }
    }

    /** The user with this id, locked for a delete; empty if there is none. */
    Optional<UserRow> lockForDelete(Tx tx, UUID id) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(LOCK_FOR_DELETE)) {
            s.setObject(1, id);
            return one(s);
        }
    }

    /**
     * Up to {@code limit} users in code-point order of their usernames, those starting with
     * {@code prefix} only (null: all), after {@code after} (null: from the first).
     */
    List<UserRow> page(String prefix, String after, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM users WHERE true");
        if (prefix != null) {
            sql.append(" AND username COLLATE \"C\" LIKE ? ESCAPE '\\'");
        }
        if (after != null) {
            sql.append(" AND username COLLATE \"C\" > ?");
        }
        sql.append(" ORDER BY username COLLATE \"C\" LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int next = 1;
            if (prefix != null) {
                s.setString(next++, likePrefix(prefix));
            }
            if (after != null) {
                s.setString(next++, after);
            }
            s.setInt(next, limit);
            List<UserRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(row(r));
                }
            }
            return rows;
        }
    }

    void setRoles(Tx tx, UUID id, List<String> roles) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(SET_ROLES)) {
            s.setArray(1, tx.connection().createArrayOf("text", roles.toArray()));
            s.setObject(2, id);
            s.executeUpdate();
        }
    }

    void setDisabled(Tx tx, UUID id, boolean disabled) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(SET_DISABLED)) {
            s.setBoolean(1, disabled);
            s.setObject(2, id);
            s.executeUpdate();
        }
    }

    /** A new password (its argon2id hash), set now. */
    void setPassword(Tx tx, UUID id, String hash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(SET_PASSWORD)) {
            s.setString(1, hash);
            time.bind(s, 2);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }

    /**
     * Deletes the user (their sessions, tokens and reset token go with them, by cascade) and keeps
     * their last token version as the record that refuses their access tokens.
     */
    void delete(Tx tx, UUID id, long tokenVersion) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(RECORD_DELETED)) {
            s.setObject(1, id);
            s.setLong(2, tokenVersion);
            time.bind(s, 3);
            s.executeUpdate();
        }
        try (PreparedStatement s = tx.connection().prepareStatement(DELETE)) {
            s.setObject(1, id);
            s.executeUpdate();
        }
    }

    /** Stores the user's reset token (its hash), voiding any earlier one; returns when it expires. */
    Instant replaceResetToken(Tx tx, UUID userId, byte[] tokenHash, Duration ttl) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(REPLACE_RESET_TOKEN)) {
            s.setObject(1, userId);
            s.setBytes(2, tokenHash);
            time.bind(s, 3);
            time.bind(s, 4);
            s.setDouble(5, ttl.toMillis() / 1000.0);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getTimestamp(1).toInstant();
            }
        }
    }

    /** The user of a reset token that can still be used; empty for an unknown, used, voided or expired one. */
    Optional<ResetTarget> findResetToken(byte[] tokenHash) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND_RESET_TOKEN)) {
            s.setBytes(1, tokenHash);
            time.bind(s, 2);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new ResetTarget(r.getObject(1, UUID.class), r.getString(2)))
                        : Optional.empty();
            }
        }
    }

    /** Uses up a reset token that can still be used; returns its user, empty if it cannot (any more). */
    Optional<UUID> consumeResetToken(Tx tx, byte[] tokenHash) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(CONSUME_RESET_TOKEN)) {
            s.setBytes(1, tokenHash);
            time.bind(s, 2);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    /** {@code prefix%} for LIKE, with LIKE's own characters escaped. */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static Optional<UserRow> one(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(row(r)) : Optional.empty();
        }
    }

    private static UserRow row(ResultSet r) throws SQLException {
        return new UserRow(r.getObject(1, UUID.class), r.getString(2), roles(r.getArray(3)), r.getBoolean(4),
                instant(r, 5), instant(r, 6), instant(r, 7));
    }

    private static List<String> roles(Array roles) throws SQLException {
        return roles == null ? List.of() : List.of((String[]) roles.getArray());
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
