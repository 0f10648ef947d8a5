package dev.latchkey.events;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.DatabaseTime;
import dev.latchkey.metrics.LatchkeyMetrics;

/**
 * The transactional outbox (DESIGN.md): an event is a row of {@code event_outbox} written on the
 * connection, and so in the transaction, of the change it reports. It exists exactly when that
 * change committed; {@link WebhookDelivery} sends it afterwards, off every request's path.
 * <p>
 * Without {@code latchkey.webhook-url} nothing is written. The URL and secret are checked when
 * this bean is made (at start, by {@link WebhookDelivery}): a URL without a valid secret stops the
 * start with a message saying what is wrong.
 */
@ApplicationScoped
public class EventOutbox {

    static final String INSERT = "INSERT INTO event_outbox (id, type, user_id, occurred_at, payload, secret,"
            + " next_attempt_at) VALUES (?, ?, ?, " + DatabaseTime.NOW + ", ?, ?, " + DatabaseTime.NOW + ")";

    private final Optional<URI> url;
    private final WebhookKeys keys;
    private final DatabaseTime time;
    private final ObjectMapper json;
    private final LatchkeyMetrics metrics;

    EventOutbox(LatchkeyConfig config, DatabaseTime time, ObjectMapper json, LatchkeyMetrics metrics) {
        this.time = time;
        this.json = json;
        this.metrics = metrics;
        this.url = config.webhookUrl().map(String::trim).filter(u -> !u.isEmpty()).map(EventOutbox::checkUrl);
        this.keys = url.isPresent() ? keys(config.webhookSecret()) : null;
    }

    /** Whether webhooks are configured: events are written and delivered. */
    public boolean enabled() {
        return url.isPresent();
    }

    /** Writes an event on {@code connection}, in its transaction; nothing without webhooks. */
    public void write(Connection connection, EventType type, UUID userId, Map<String, ?> data) throws SQLException {
        write(connection, type, userId, data, Map.of());
    }

    /**
     * Writes an event whose {@code secrets} (added to its data at delivery) are stored encrypted
     * until it is delivered, and deleted with it.
     */
    public void write(Connection connection, EventType type, UUID userId, Map<String, ?> data,
            Map<String, String> secrets) throws SQLException {
        if (!enabled()) {
            return;
        }
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = connection.prepareStatement(INSERT)) {
            s.setObject(1, id);
            s.setString(2, type.wireName());
            s.setObject(3, userId);
            time.bind(s, 4);
            s.setString(5, json.writeValueAsString(data));
            s.setBytes(6, secrets.isEmpty() ? null : keys.seal(id, json.writeValueAsBytes(secrets)));
            time.bind(s, 7);
            s.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event's data is not JSON", e);
        }
        metrics.event("written", type.wireName());
    }

    /** An event's data from key, value pairs, in that order (a value may be null). */
    public static Map<String, Object> data(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return data;
    }

    /** A time of an event's data: RFC 3339, UTC, milliseconds. */
    public static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    URI url() {
        return url.orElseThrow();
    }

    WebhookKeys keys() {
        return keys;
    }

    /** The keys of the secret that must come with a URL. */
    static WebhookKeys keys(Optional<String> secret) {
        return WebhookKeys.parse(secret.filter(value -> !value.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(
                        "latchkey.webhook-url is set but latchkey.webhook-secret is not (LATCHKEY_WEBHOOK_SECRET:"
                                + " whsec_ and the base64 of at least 32 random bytes)")));
    }

    static URI checkUrl(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("latchkey.webhook-url is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("latchkey.webhook-url must be an absolute http or https URL");
        }
        return uri;
    }
}
