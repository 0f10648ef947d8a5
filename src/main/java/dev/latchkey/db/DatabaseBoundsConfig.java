package dev.latchkey.db;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Derives the connection pool's waits from {@code latchkey.db-timeout}: half of it for a free
 * connection (and for validating an idle one), so that a request that first waits for a connection
 * and then for a lock ({@link DatabaseBounds}: the other half) still answers within the bound.
 * Registered in {@code META-INF/services}; an explicit {@code quarkus.datasource.jdbc.*} setting
 * wins (this source's ordinal is below application.properties').
 */
public class DatabaseBoundsConfig implements ConfigSourceFactory {

    static final Duration DEFAULT = Duration.ofSeconds(5);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Duration half = half(context.getValue("latchkey.db-timeout"));
        String value = half.toMillis() + "ms";
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.jdbc.acquisition-timeout", value,
                "quarkus.datasource.jdbc.validation-query-timeout", value), "latchkey-db-bounds", 240));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(240);
    }

    /** Half of the configured database bound (ISO-8601 or Quarkus' {@code 5s} form). */
    static Duration half(ConfigValue configured) {
        Duration bound = DEFAULT;
        if (configured != null && configured.getValue() != null) {
            bound = DurationConverter.parseDuration(configured.getValue());
        }
        return bound.dividedBy(2);
    }
}
