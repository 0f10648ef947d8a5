package dev.latchkey.session;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link SessionsTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the sessions
 * API.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class SessionsIT extends SessionsTest {
}
