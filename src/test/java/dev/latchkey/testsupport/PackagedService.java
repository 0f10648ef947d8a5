package dev.latchkey.testsupport;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The settings the packaged service (the jar, or the native executable) runs with under the
 * {@code *IT} suites: the production profile, with what production needs given explicitly, as an
 * operator would: its own schema on the local PostgreSQL (wiped at start), its own Redis
 * database, the tests' signing key (so {@link TestKeys} can forge tokens), and the test clients.
 * Quarkus passes these to the launched process; nothing of the test profile reaches it.
 */
public class PackagedService implements QuarkusTestResourceLifecycleManager {

    static final String SCHEMA = System.getenv().getOrDefault("LK_IT_SCHEMA", "latchkey_it");

    @Override
    public Map<String, String> start() {
        String jdbc = System.getenv().getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        return Map.ofEntries(
                Map.entry("quarkus.datasource.jdbc.url", jdbc + "?currentSchema=" + SCHEMA),
                Map.entry("quarkus.datasource.username",
                        System.getenv().getOrDefault("QUARKUS_DATASOURCE_USERNAME", "postgres")),
                Map.entry("quarkus.flyway.schemas", SCHEMA),
                Map.entry("quarkus.flyway.default-schema", SCHEMA),
                Map.entry("quarkus.flyway.clean-disabled", "false"),
                Map.entry("quarkus.flyway.clean-at-start", "true"),
                Map.entry("quarkus.redis.hosts", System.getenv().getOrDefault("LK_IT_REDIS", "redis://127.0.0.1:6379/7")),
                Map.entry("latchkey.signing-key-location",
                        Path.of("src/test/resources/keys/signing.pem").toAbsolutePath().toString()),
                Map.entry("latchkey.clients.reports.secret", "reports-secret-for-tests-only-0123456789"),
                Map.entry("latchkey.clients.reports.grants", "client_credentials"),
                Map.entry("latchkey.clients.reports.scopes", "reports:read reports:write"),
                Map.entry("latchkey.clients.gateway.secret", "gateway-secret-for-tests-only-0123456789"),
                Map.entry("latchkey.clients.backoffice.secret", "backoffice-secret-for-tests-only-0123456789"),
                Map.entry("latchkey.clients.backoffice.grants", "client_credentials"),
                Map.entry("latchkey.clients.backoffice.scopes", "latchkey:admin reports:read"),
                // every request comes from 127.0.0.1, as in the test profile
                Map.entry("latchkey.login-max-failures-per-address", "100000"),
                Map.entry("latchkey.registration-max-per-address", "100000"),
                Map.entry("latchkey.purge-interval", "off"));
    }

    @Override
    public void stop() {
        // nothing was started here: PostgreSQL and Redis are the machine's
    }
}
