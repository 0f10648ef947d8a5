package dev.latchkey.session;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link PasswordChangeTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): password
 * change.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class PasswordChangeIT extends PasswordChangeTest {
}
