package dev.latchkey.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import io.agroal.api.AgroalDataSource;

/**
 * Plain JDBC transactions, for the statements whose cost or ordering matters: logins and refreshes
 * (the most frequent writes), and every revocation, whose Redis cache write must happen inside the
 * transaction, after its rows are locked and before its commit (DESIGN.md "Redis is a cache of
 * revocations"). Everything else uses the Panache entities.
 * <p>
 * A commit whose answer is lost (the connection breaks during {@code COMMIT}) is not taken for a
 * failure: the transaction's fate is asked on a fresh connection ({@code txid_status}, after
 * ending the old backend so that it cannot still be deciding). Committed: the work's result is
 * returned as if nothing happened. Aborted: the failure is thrown. Unknowable (PostgreSQL
 * unreachable): {@link CommitUnknownException}, a 503 that may or may not have taken effect.
 */
@ApplicationScoped
public class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class);

    /** Work inside one transaction; a return commits, an exception rolls back. */
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** The open transaction: its connection, and its identity once known. */
    public static final class Tx {
        private final Connection connection;
        private long txid = -1;
        private int backendPid = -1;

        Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        /**
         * Tells the transaction its id and backend, read by a statement the work runs anyway
         * ({@code txid_current()}, {@code pg_backend_pid()}); otherwise they cost one more round
         * trip before the commit.
         */
        public void identify(long txid, int backendPid) {
            this.txid = txid;
            this.backendPid = backendPid;
        }
    }

    /** The commit's answer was lost and its outcome could not be learned: it may or may not have happened. */
    public static class CommitUnknownException extends PersistenceException {
        CommitUnknownException(Throwable cause) {
            super("the commit's outcome is unknown", cause);
        }
    }

    private final AgroalDataSource dataSource;
    private final Duration patience;

    Transactions(AgroalDataSource dataSource, LatchkeyConfig config) {
        this.dataSource = dataSource;
        this.patience = config.dbTimeout();
    }

    /**
     * Runs {@code work} in one transaction. A {@link SQLException} becomes a
     * {@link PersistenceException} (a dependency failure the error mapper turns into 503, or a bug
     * into 500); runtime exceptions pass unchanged, after the rollback.
     */
    public <T> T run(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            Tx tx = new Tx(connection);
            T result;
            try {
                result = work.run(tx);
                if (tx.txid < 0) {
                    identify(tx);
                }
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException lost) {
                if (!committedAfterAll(tx, lost)) {
                    throw lost;
                }
                LOG.infof("the answer to a COMMIT was lost, but transaction %d committed", tx.txid);
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException broken) {
                    // a broken connection: the pool discards it
                }
            }
            return result;
        } catch (SQLException e) {
            throw new PersistenceException("database transaction failed", e);
        }
    }

    private static void identify(Tx tx) throws SQLException {
        try (PreparedStatement s = tx.connection.prepareStatement("SELECT txid_current(), pg_backend_pid()");
                ResultSet r = s.executeQuery()) {
            r.next();
            tx.identify(r.getLong(1), r.getInt(2));
        }
    }

    private static void rollback(Connection connection, Exception e) {
        try {
            connection.rollback();
        } catch (SQLException rollback) {
            e.addSuppressed(rollback);
        }
    }

    /**
     * Whether the transaction committed although its COMMIT failed; false if it certainly did not.
     * Throws {@link CommitUnknownException} when that cannot be learned within the database bound.
     */
    private boolean committedAfterAll(Tx tx, SQLException failure) {
        if (tx.txid < 0) {
            return false;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        try (Connection fresh = dataSource.getConnection()) {
            fresh.setAutoCommit(true);
            // the old backend may still hold the transaction open, waiting for a COMMIT that never
            // arrives: ending it settles the outcome (a COMMIT it already received completes first)
            try (PreparedStatement s = fresh.prepareStatement("SELECT pg_terminate_backend(?)")) {
                s.setInt(1, tx.backendPid);
                s.execute();
            }
            while (true) {
                try (PreparedStatement s = fresh.prepareStatement("SELECT txid_status(?)")) {
                    s.setLong(1, tx.txid);
                    try (ResultSet r = s.executeQuery()) {
                        String status = r.next() ? r.getString(1) : null;
                        if ("committed".equals(status)) {
                            return true;
                        }
                        if ("aborted".equals(status)) {
                            return false;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new CommitUnknownException(failure);
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
            throw new CommitUnknownException(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitUnknownException(failure);
        }
    }
}
