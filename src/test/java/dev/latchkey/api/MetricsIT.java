package dev.latchkey.api;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link MetricsTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the metrics. */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class MetricsIT extends MetricsTest {
}
