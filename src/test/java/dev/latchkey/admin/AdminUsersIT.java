package dev.latchkey.admin;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AdminUsersTest} against the packaged service (the jar, or the native executable with {@code -Pnative}). */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class AdminUsersIT extends AdminUsersTest {
}
