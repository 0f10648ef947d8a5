package dev.latchkey.db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The admin API lists users in code-point order of their usernames, filtered by a prefix
 * ({@code GET /admin/users}): an index on {@code username COLLATE "C"} serves both as one range
 * scan whatever the database's collation. It is built {@code CONCURRENTLY}, so that a large
 * {@code users} table keeps taking logins and registrations while it is built; that cannot run in
 * a transaction, hence a Java migration (Flyway runs it outside one, see
 * {@link #canExecuteInTransaction}) that also lifts, for its own statements only, the bounds every
 * pooled connection has ({@code statement_timeout}, {@code lock_timeout}: an index build may take
 * minutes, and waits for older transactions), restoring them afterwards, since the connection goes
 * back to the pool. A build that failed half-way leaves an invalid index behind: it is dropped and
 * built again.
 */
public class V9__index_usernames_in_code_point_order extends BaseJavaMigration {

    static final String INDEX = "users_username_c_idx";
    /** The longest an index build may wait for older transactions before the start fails. */
    static final String LOCK_WAIT = "10min";

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        String statementTimeout = show(c, "statement_timeout");
        String lockTimeout = show(c, "lock_timeout");
        int networkTimeout = c.getNetworkTimeout();
        c.setNetworkTimeout(Runnable::run, 0);
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 0");
            s.execute("SET lock_timeout = '" + LOCK_WAIT + "'");
            if (invalidIndexExists(c)) {
                s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + INDEX);
            }
            s.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + INDEX + " ON users (username COLLATE \"C\")");
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '" + statementTimeout + "'");
                s.execute("SET lock_timeout = '" + lockTimeout + "'");
            }
            c.setNetworkTimeout(Runnable::run, networkTimeout);
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + setting)) {
            r.next();
            return r.getString(1).replace("'", "");
        }
    }

    private static boolean invalidIndexExists(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT NOT i.indisvalid FROM pg_index i"
                + " JOIN pg_class x ON x.oid = i.indexrelid WHERE x.relname = ? AND x.relnamespace = current_schema()::regnamespace")) {
            s.setString(1, INDEX);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}
