package dev.latchkey.api;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link LoginFlowTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the login,
 * refresh and logout flow.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class LoginFlowIT extends LoginFlowTest {
}
