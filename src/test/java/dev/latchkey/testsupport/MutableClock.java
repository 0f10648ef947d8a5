package dev.latchkey.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

/**
 * The service's clocks in tests: real time plus an offset a test can move, so expiry is tested
 * without sleeping. Replaces the default clock bean for every {@code @QuarkusTest}, and moves the
 * shared (database) clock with it ({@link ShiftedDatabaseTime}). {@link #skewLocal} moves only this
 * instance's own clock, as a VM pause or a broken NTP would: decisions on the shared clock must
 * not notice.
 */
@Singleton
public class MutableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<Duration> skew = new AtomicReference<>(Duration.ZERO);

    /** Moves "now" forward by {@code amount}, for this instance and for the database alike. */
    public void advance(Duration amount) {
        offset.updateAndGet(current -> current.plus(amount));
    }

    /** Sets this instance's own clock {@code amount} away from the shared one (negative: behind). */
    public void skewLocal(Duration amount) {
        skew.set(amount);
    }

    /** How far the shared (database) clock has been moved. */
    public Duration offset() {
        return offset.get();
    }

    /** Back to real time, everywhere; {@link ClockReset} does it after every test. */
    public void reset() {
        offset.set(Duration.ZERO);
        skew.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get()).plus(skew.get());
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }
}
