package dev.latchkey.error;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Logs a dependency outage once, not once per failed request. While PostgreSQL or Redis is down
 * every request that needs it fails with 503; logging each of them (hundreds a second, each with
 * the exception chain) would bury the one line an operator needs. The first failure of a
 * dependency is a WARN; further failures within {@link #QUIET_SECONDS} are only counted, and the
 * next failure after that logs one line with the count.
 */
public final class OutageLog {

    static final long QUIET_SECONDS = 10;

    private static final Logger LOG = Logger.getLogger("latchkey.dependencies");
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private OutageLog() {
    }

    /** Records a failed call to {@code dependency}; logs it if nothing was logged for it lately. */
    public static void failed(String dependency, String what, Throwable cause) {
        Window window = WINDOWS.computeIfAbsent(dependency, d -> new Window());
        long now = System.nanoTime();
        long since = window.loggedAt.get();
        if (since != 0 && now - since < TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
            window.suppressed.incrementAndGet();
            return;
        }
        if (!window.loggedAt.compareAndSet(since, now)) {
            window.suppressed.incrementAndGet(); // another thread is logging this window
            return;
        }
        long more = window.suppressed.getAndSet(0);
        String type = cause == null ? "-" : Failures.describe(cause);
        if (more > 0) {
            LOG.warnf("%s unavailable (%s): %s; %d more failure(s) in the last %d s were not logged", dependency, what,
                    type, more, QUIET_SECONDS);
        } else {
            LOG.warnf("%s unavailable (%s): %s; requests that need it answer 503", dependency, what, type);
        }
    }

    private static final class Window {
        final AtomicLong loggedAt = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();
    }
}
