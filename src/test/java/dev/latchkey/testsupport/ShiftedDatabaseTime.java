package dev.latchkey.testsupport;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.latchkey.db.DatabaseTime;

/**
 * The shared (database) clock in tests: PostgreSQL's, moved along with {@link MutableClock#advance},
 * so a test can move time past a grace window or an expiry without sleeping.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class ShiftedDatabaseTime extends DatabaseTime {

    private final MutableClock clock;

    public ShiftedDatabaseTime(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    protected double shiftSeconds() {
        return clock.offset().toNanos() / 1e9;
    }
}
