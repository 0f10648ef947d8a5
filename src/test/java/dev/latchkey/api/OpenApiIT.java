package dev.latchkey.api;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link OpenApiTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the OpenAPI
 * document.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class OpenApiIT extends OpenApiTest {
}
