package dev.latchkey.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import dev.latchkey.config.LatchkeyConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalPoolInterceptor;

/**
 * Bounds every wait on PostgreSQL by {@code latchkey.db-timeout} (API.md "Bounded waits"), on
 * every pooled connection, for the Panache entities and plain JDBC alike: a lock waited for
 * ({@code lock_timeout}), a statement ({@code statement_timeout}), a transaction left open
 * ({@code idle_in_transaction_session_timeout}), and the socket itself (the driver's network
 * timeout, for a server that answers late or not at all). The server-side limits fire a little
 * before the socket's, so that a held lock is reported as such (55P03) rather than as a broken
 * connection. The pool waits the other half for a free connection ({@link DatabaseBoundsConfig}),
 * so that a request that waits for both still answers within the bound.
 * <p>
 * And when the pool throws a connection away (it broke: the server restarted, failed over, or the
 * network cut it), the pool checks its other idle connections in the background at once, at most
 * once a second: they very likely broke with it, and each would otherwise fail one request
 * before the pool noticed.
 */
@ApplicationScoped
public class DatabaseBounds implements AgroalPoolInterceptor {

    /** Runs the driver's network-timeout abort on the thread that notices it; nothing is queued. */
    private static final Executor DIRECT = Runnable::run;

    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private final Duration bound;
    private final Instance<AgroalDataSource> pool;
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime() - SWEEP_EVERY_NANOS);

    DatabaseBounds(LatchkeyConfig config, Instance<AgroalDataSource> pool) {
        this.bound = config.dbTimeout();
        this.pool = pool;
    }

    @Override
    public void onConnectionCreate(Connection connection) {
        // half the bound for a lock or a statement: the other half is the pool's, for a free connection
        long serverSide = Math.max(100, bound.toMillis() / 2);
        try (Statement s = connection.createStatement()) {
            s.execute("SET statement_timeout = " + serverSide + "; SET lock_timeout = " + serverSide
                    + "; SET idle_in_transaction_session_timeout = " + bound.multipliedBy(2).toMillis());
            connection.setNetworkTimeout(DIRECT, (int) bound.toMillis());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bound the database connection's waits", e);
        }
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        long last = lastSweep.get();
        long now = System.nanoTime();
        if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now) && pool.isResolvable()) {
            pool.get().flush(AgroalDataSource.FlushMode.INVALID); // runs on the pool's housekeeping thread
        }
    }
}
