package dev.latchkey.testsupport;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * After every {@code @QuarkusTest} method, the service's clock is back to real time, whether the
 * test moved it or not: no test can leak a moved clock into the next one. Registered in
 * {@code META-INF/services}.
 */
public class ClockReset implements QuarkusTestAfterEachCallback {

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        if (Arc.container() == null) {
            return; // an integration test: the application runs in another process
        }
        try (InstanceHandle<MutableClock> clock = Arc.container().instance(MutableClock.class)) {
            if (clock.isAvailable()) {
                clock.get().reset();
            }
        }
    }
}
