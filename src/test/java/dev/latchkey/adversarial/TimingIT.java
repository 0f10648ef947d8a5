package dev.latchkey.adversarial;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link TimingTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): equal timing for
 * unknown users.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class TimingIT extends TimingTest {
}
