package dev.latchkey.session;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ConcurrentRefreshTest} against the packaged service (the jar, or the native executable with {@code -Pnative}):
 * concurrent refreshes of one token.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class ConcurrentRefreshIT extends ConcurrentRefreshTest {
}
