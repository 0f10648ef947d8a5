package dev.latchkey.error;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeoutException;

import org.hibernate.exception.JDBCConnectionException;

/** Tells a failing dependency (PostgreSQL, Redis) apart from a bug, by walking the cause chain. */
public final class Failures {

    private Failures() {
    }

    /** True when the failure means PostgreSQL or Redis could not answer: the client gets 503. */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LatchkeyException e) {
                return e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE;
            }
            if (t instanceof JDBCConnectionException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof SocketException || t instanceof ClosedChannelException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
                return true;
            }
            if (isAcquisitionTimeout(t)) {
                return true;
            }
        }
        return false;
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

    /** SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention), 58 (system). */
    private static boolean isConnectionState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.startsWith("58"));
    }

    /** Agroal reports an exhausted or unreachable pool as a plain SQLException with this text. */
    private static boolean isAcquisitionTimeout(Throwable t) {
        String message = t.getMessage();
        return t instanceof SQLException && message != null && message.contains("Acquisition timeout");
    }
}
