package dev.latchkey.db;

import java.util.Map;

import jakarta.inject.Singleton;

import org.flywaydb.core.api.configuration.FluentConfiguration;

import io.quarkus.flyway.FlywayConfigurationCustomizer;

/**
 * Flyway takes its PostgreSQL migration lock as a session lock, not inside a transaction of its
 * own: an index built {@code CONCURRENTLY} (V9) waits for every older transaction to end, and
 * would wait forever for Flyway's own (flyway/flyway#3508). The session lock excludes other
 * instances migrating at the same moment just as well.
 */
@Singleton
public class FlywayLocking implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }
}
