package dev.latchkey.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.latchkey.config.LatchkeyConfig;

/**
 * Readiness of PostgreSQL, asked on a connection of its own, outside the pool: DOWN only when
 * PostgreSQL cannot answer at all (not reachable, or not within {@code latchkey.db-timeout}), not
 * while the pool is momentarily full or a lock is held. A full pool is a burst the instance works
 * through (requests beyond it answer 503 within the bound); taking every instance out of the load
 * balancer for it would turn a slow moment into an outage.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private final String url;
    private final Properties credentials = new Properties();
    private final int timeoutSeconds;

    DatabaseReadiness(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") java.util.Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password,
            LatchkeyConfig config) {
        this.url = url;
        username.ifPresent(u -> credentials.setProperty("user", u));
        password.ifPresent(p -> credentials.setProperty("password", p));
        this.timeoutSeconds = (int) Math.max(1, config.dbTimeout().toSeconds());
        credentials.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        credentials.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
        credentials.setProperty("logServerErrorDetail", "false");
    }

    @Override
    public HealthCheckResponse call() {
        // the driver itself, not DriverManager's service lookup: the same in a native executable
        try (Connection c = new org.postgresql.Driver().connect(url, credentials); Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            try (ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
            }
            return HealthCheckResponse.up("PostgreSQL answers");
        } catch (SQLException e) {
            return HealthCheckResponse.named("PostgreSQL answers").down()
                    .withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
