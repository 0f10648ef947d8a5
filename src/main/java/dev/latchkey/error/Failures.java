package dev.latchkey.error;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.QueryTimeoutException;

import org.hibernate.exception.JDBCConnectionException;

/** Tells a failing dependency (PostgreSQL, Redis) apart from a bug, by walking the cause chain. */
public final class Failures {

    private Failures() {
    }

    /**
     * True when the failure means PostgreSQL or Redis could not answer, or not in time: the
     * client gets 503. Decided by exception type, SQLSTATE and origin, never by message text.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LatchkeyException e) {
                return e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE;
            }
            if (t instanceof JDBCConnectionException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof ClosedChannelException || t instanceof TimeoutException
                    || t instanceof LockTimeoutException || t instanceof PessimisticLockException
                    || t instanceof QueryTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && (isUnavailableState(sql.getSQLState()) || fromThePool(sql))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes 08 (connection), 53 (insufficient resources), 57 (operator intervention:
     * 57014 is a statement cancelled by {@code statement_timeout}, 57P01 an admin shutdown), 58
     * (system error), 55P03 (a lock not available within {@code lock_timeout}), and 40001/40P01
     * (serialization failure, deadlock: the transaction was rolled back, a retry may pass).
     */
    private static boolean isUnavailableState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.startsWith("58") || state.equals("55P03") || state.equals("40001") || state.equals("40P01"));
    }

    /**
     * The connection pool could not hand out a connection in time (it is full, or PostgreSQL does
     * not take new connections). Agroal reports that with a plain {@code SQLException}, without a
     * SQLSTATE, thrown by the pool itself: recognised by where it was thrown.
     */
    private static boolean fromThePool(SQLException e) {
        StackTraceElement[] frames = e.getStackTrace();
        return e.getSQLState() == null && frames.length > 0 && frames[0].getClassName().startsWith("io.agroal.pool.");
    }

    /** Which dependency a failure came from, for the log: PostgreSQL, Redis, or neither known. */
    public static String dependencyOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            if (t instanceof SQLException || type.startsWith("org.hibernate.") || type.startsWith("io.agroal.")) {
                return "PostgreSQL";
            }
            if (type.startsWith("io.vertx.redis.") || type.startsWith("io.quarkus.redis.")) {
                return "Redis";
            }
        }
        return "a dependency";
    }

    /**
     * The exception chain as class names and the first frame of each, never messages (they may
     * quote SQL values or tokens): what the log may say about a failure.
     */
    public static String describe(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null && chain.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            if (chain.length() > 0) {
                chain.append(" <- ");
            }
            chain.append(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            if (frames.length > 0) {
                chain.append(" at ").append(frames[0]);
            }
        }
        return chain.toString();
    }

}
