package dev.latchkey.revocation;

import java.util.function.Supplier;

import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.OutageLog;

/**
 * Every blocking Redis call of the service goes through here: a failure to get an answer becomes
 * 503 {@code temporarily_unavailable} (never a 500, never an answer made up without Redis) and is
 * logged once per outage, not once per request.
 */
public final class RedisCalls {

    private RedisCalls() {
    }

    /** Runs {@code command}; 503 if Redis cannot answer. {@code what} names it in the outage log. */
    public static <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (LatchkeyException e) {
            throw e;
        } catch (RuntimeException e) {
            OutageLog.failed("Redis", what, e);
            throw LatchkeyException.unavailable();
        }
    }

    /** {@link #call} for a command without an answer. */
    public static void run(String what, Runnable command) {
        call(what, () -> {
            command.run();
            return null;
        });
    }
}
