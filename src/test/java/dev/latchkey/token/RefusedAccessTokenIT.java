package dev.latchkey.token;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link RefusedAccessTokenTest} against the packaged service (the jar, or the native executable with {@code -Pnative}):
 * refused access tokens.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class RefusedAccessTokenIT extends RefusedAccessTokenTest {
}
