package dev.latchkey.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one clock of decisions that cross instances (DESIGN.md "One clock"): PostgreSQL's, read in
 * the statements a request runs anyway, never the local clock of whichever instance answers. Grace,
 * reuse, idle and absolute expiry, revocation times and the times in users' access tokens are all
 * taken from it, so seconds of skew between instances (a VM pause, a broken NTP) change no answer.
 * <p>
 * {@link #NOW} is that instant in SQL; it takes one parameter, bound by {@link #bind}. The
 * parameter is a shift of zero in production; tests replace this bean to move the shared clock
 * along with their own (instead of sleeping).
 */
@ApplicationScoped
public class DatabaseTime {

    /** PostgreSQL's "now" for this statement, shifted by one bound parameter (seconds). */
    public static final String NOW = "(statement_timestamp() + make_interval(secs => ?))";

    /** Seconds added to PostgreSQL's clock: none, except in tests. */
    protected double shiftSeconds() {
        return 0;
    }

    /** Binds the shift of {@link #NOW} at {@code index}. */
    public void bind(PreparedStatement statement, int index) throws SQLException {
        statement.setDouble(index, shiftSeconds());
    }
}
