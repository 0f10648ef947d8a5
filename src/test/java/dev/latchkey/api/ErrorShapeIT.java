package dev.latchkey.api;

import dev.latchkey.testsupport.PackagedService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ErrorShapeTest} against the packaged service (the jar, or the native executable with {@code -Pnative}): the error
 * shape.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedService.class)
class ErrorShapeIT extends ErrorShapeTest {
}
