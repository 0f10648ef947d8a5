package dev.latchkey.events;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.DatabaseTime;
import dev.latchkey.db.Transactions;
import dev.latchkey.error.Failures;
import dev.latchkey.error.OutageLog;
import dev.latchkey.metrics.LatchkeyMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;

/**
 * Delivers the outbox's events (API.md "Events (webhooks)"), on a thread of its own on every
 * instance, never on a request's path: every {@code latchkey.webhook-poll-interval} it claims up
 * to {@link #BATCH} due events, POSTs them at once, each signed as Standard Webhooks specifies,
 * and settles them: delivered ones are deleted (with their encrypted secrets), failed ones are
 * retried later with exponential backoff and jitter, until {@code latchkey.webhook-retry-for}
 * after they happened; then they are given up with a WARN and a metric.
 * <p>
 * Claiming is one statement: due events that no other instance holds ({@code FOR UPDATE SKIP
 * LOCKED}, then a lease longer than a delivery can take), and only a user's oldest event, so that
 * each user's events arrive in the order they happened. Two instances therefore never deliver one
 * event at the same time; an instance that dies between the POST and the settling leaves the lease
 * to expire, and the event is delivered again (at least once, with the same {@code webhook-id}).
 */
@Startup
@ApplicationScoped
public class WebhookDelivery {

    static final int BATCH = 32;
    /** Claims per poll at most, so that the oldest-event gauge is refreshed under a long backlog too. */
    static final int MAX_ROUNDS = 50;
    static final Duration MAX_RETRY_DELAY = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);

    private static final String CLAIM = "UPDATE event_outbox o SET lease_until = " + DatabaseTime.NOW
            + " + make_interval(secs => ?), attempts = o.attempts + 1 WHERE o.id IN (SELECT e.id FROM event_outbox e"
            + " WHERE e.next_attempt_at <= " + DatabaseTime.NOW + " AND (e.lease_until IS NULL OR e.lease_until <= "
            + DatabaseTime.NOW + ") AND NOT EXISTS (SELECT 1 FROM event_outbox p WHERE p.user_id = e.user_id"
            + " AND p.seq < e.seq) ORDER BY e.seq LIMIT ? FOR UPDATE SKIP LOCKED)"
            + " RETURNING o.id, o.type, o.occurred_at, o.payload, o.secret, o.attempts, " + DatabaseTime.NOW;

    private static final String DELETE = "DELETE FROM event_outbox WHERE id = ?";

    private static final String RETRY = "UPDATE event_outbox SET lease_until = NULL, next_attempt_at = "
            + DatabaseTime.NOW + " + make_interval(secs => ?), last_error = ? WHERE id = ?";

    private static final String OLDEST = "SELECT min(occurred_at) FROM event_outbox";

    /** An event claimed for delivery, and the database's time when it was claimed. */
    record Claimed(UUID id, String type, Instant occurredAt, String payload, byte[] secret, int attempts,
            Instant claimedAt) {
    }

    /** How a delivery went: {@code error} null when the receiver answered 2xx. */
    record Result(Claimed event, String error, boolean hopeless) {
    }

    private final EventOutbox outbox;
    private final Transactions transactions;
    private final DatabaseTime time;
    private final LatchkeyMetrics metrics;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Duration retryBase;
    private final Duration retryFor;
    private final Duration pollInterval;
    private final HttpClient http;
    /** When the oldest undelivered event happened; null when there is none (or not yet known). */
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private ScheduledExecutorService poller;

    WebhookDelivery(EventOutbox outbox, Transactions transactions, DatabaseTime time, LatchkeyMetrics metrics,
            ObjectMapper json, LatchkeyConfig config) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.time = time;
        this.metrics = metrics;
        this.json = json;
        this.timeout = config.webhookTimeout();
        this.retryBase = config.webhookRetryBase();
        this.retryFor = config.webhookRetryFor();
        this.pollInterval = config.webhookPollInterval();
        this.http = outbox.enabled()
                ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER).build()
                : null;
        metrics.gauge("latchkey.events.oldest.undelivered.age",
                "how long ago the oldest event still waiting for delivery happened (0: none waits)", "seconds",
                this::oldestAgeSeconds);
    }

    void start(@Observes StartupEvent event) {
        if (!outbox.enabled()) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "latchkey-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(10, pollInterval.toMillis());
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        // the receiver's origin only: a URL's path or query may hold a credential of the receiver's
        LOG.infof("webhooks: events are delivered to %s://%s, polled every %s", outbox.url().getScheme(),
                outbox.url().getRawAuthority().replaceFirst("^.*@", ""), pollInterval);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void poll() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            if (Failures.isUnavailable(e)) {
                OutageLog.failed("PostgreSQL", "webhook delivery", e);
            } else {
                LOG.errorf(e, "webhook delivery failed; it is tried again in %s", pollInterval);
            }
        }
    }

    /** Delivers what is due now, round after round; returns how many events were delivered. */
    public int deliverDue() {
        int delivered = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Claimed> claimed = claim();
            if (claimed.isEmpty()) {
                break;
            }
            List<Result> results = post(claimed);
            settle(results);
            delivered += (int) results.stream().filter(r -> r.error() == null).count();
        }
        oldest.set(transactions.run(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(OLDEST); ResultSet r = s.executeQuery()) {
                r.next();
                Timestamp at = r.getTimestamp(1);
                return at == null ? null : at.toInstant();
            }
        }));
        return delivered;
    }

    private List<Claimed> claim() {
        double lease = (2 * timeout.toMillis() + 10_000) / 1000.0;
        return transactions.run(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(CLAIM)) {
                time.bind(s, 1);
                s.setDouble(2, lease);
                time.bind(s, 3);
                time.bind(s, 4);
                s.setInt(5, BATCH);
                time.bind(s, 6);
                List<Claimed> claimed = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        claimed.add(new Claimed(r.getObject(1, UUID.class), r.getString(2),
                                r.getTimestamp(3).toInstant(), r.getString(4), r.getBytes(5), r.getInt(6),
                                r.getTimestamp(7).toInstant()));
                    }
                }
                return claimed;
            }
        });
    }

    /** POSTs every claimed event at once and waits for all of them, each for at most the timeout. */
    private List<Result> post(List<Claimed> claimed) {
        List<CompletableFuture<Result>> sent = new ArrayList<>();
        for (Claimed event : claimed) {
            sent.add(send(event));
        }
        List<Result> results = new ArrayList<>();
        for (CompletableFuture<Result> future : sent) {
            results.add(future.join());
        }
        return results;
    }

    private CompletableFuture<Result> send(Claimed event) {
        String body;
        try {
            body = body(event);
        } catch (GeneralSecurityException e) {
            // sealed under another LATCHKEY_WEBHOOK_SECRET (rotated) or altered: it can never be sent
            return CompletableFuture.completedFuture(new Result(event, "its secret cannot be decrypted"
                    + " (was LATCHKEY_WEBHOOK_SECRET changed?)", true));
        }
        String id = event.id().toString();
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(outbox.url()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Latchkey-Webhooks/1")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", outbox.keys().sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        return exchange.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((response, failure) -> {
            if (failure != null) {
                exchange.cancel(true);
                return new Result(event, Failures.describe(failure), false);
            }
            int status = response.statusCode();
            return status / 100 == 2 ? new Result(event, null, false)
                    : new Result(event, "the receiver answered " + status, false);
        });
    }

    /** {@code {"type","timestamp","data"}}, the data's secrets decrypted into it. */
    String body(Claimed event) throws GeneralSecurityException {
        try {
            ObjectNode data = (ObjectNode) json.readTree(event.payload());
            if (event.secret() != null) {
                data.setAll((ObjectNode) json.readTree(outbox.keys().open(event.id(), event.secret())));
            }
            ObjectNode body = json.createObjectNode();
            body.put("type", event.type());
            body.put("timestamp", EventOutbox.time(event.occurredAt()));
            body.set("data", data);
            return json.writeValueAsString(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an outbox event is not JSON", e);
        }
    }

    /** Deletes what was delivered or is given up; puts the rest back, due after its backoff. */
    private void settle(List<Result> results) {
        List<Result> givenUp = new ArrayList<>();
        transactions.run(tx -> {
            for (Result result : results) {
                Claimed event = result.event();
                boolean retry = result.error() != null && !result.hopeless()
                // one more attempt must still start within retry-for of the event
                        && event.occurredAt().plus(retryFor).isAfter(event.claimedAt().plus(timeout));
                if (retry) {
                    try (PreparedStatement s = tx.connection().prepareStatement(RETRY)) {
                        time.bind(s, 1);
                        s.setDouble(2, retryDelay(event.attempts()).toMillis() / 1000.0);
                        s.setString(3, truncate(result.error()));
                        s.setObject(4, event.id());
                        s.executeUpdate();
                    }
                } else {
                    try (PreparedStatement s = tx.connection().prepareStatement(DELETE)) {
                        s.setObject(1, event.id());
                        s.executeUpdate();
                    }
                    if (result.error() != null) {
                        givenUp.add(result);
                    }
                }
            }
            return null;
        });
        for (Result result : results) {
            Claimed event = result.event();
            if (result.error() == null) {
                metrics.event("delivered", event.type());
            } else if (givenUp.contains(result)) {
                metrics.event("given_up", event.type());
                LOG.warnf("webhook event %s (%s, %d attempt(s) since %s) given up: %s", event.id(), event.type(),
                        event.attempts(), EventOutbox.time(event.occurredAt()), result.error());
            } else {
                metrics.event("retried", event.type());
                LOG.debugf("webhook event %s (%s) not delivered (attempt %d): %s", event.id(), event.type(),
                        event.attempts(), result.error());
            }
        }
    }

    /**
     * The wait after failed attempt {@code attempts} (1, 2, ...): the base doubled per earlier
     * attempt, at most an hour, less a random quarter, so that instances and events spread out
     * but each delay is longer than the one before.
     */
    Duration retryDelay(int attempts) {
        long step = retryBase.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(step, MAX_RETRY_DELAY.toMillis());
        double jitter = 0.75 + 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (capped * jitter));
    }

    private double oldestAgeSeconds() {
        Instant at = oldest.get();
        return at == null ? 0 : Math.max(0, Duration.between(at, Instant.now()).toMillis() / 1000.0);
    }

    private static String truncate(String error) {
        return error.length() <= 200 ? error : error.substring(0, 200);
    }
}
