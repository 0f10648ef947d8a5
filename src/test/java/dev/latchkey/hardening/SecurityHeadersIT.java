package dev.latchkey.hardening;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link SecurityHeadersTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the
 * security headers.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class SecurityHeadersIT extends SecurityHeadersTest {
}
