package dev.latchkey.metrics;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The service's own meters (Prometheus names in brackets); HTTP timers per endpoint come from
 * Quarkus ({@code http_server_requests_seconds}).
 * <ul>
 * <li>{@code latchkey.logins{outcome=success|failure|throttled}} ({@code latchkey_logins_total})</li>
 * <li>{@code latchkey.refreshes{outcome=rotated|grace|reuse_detected|concurrent|expired|revoked|invalid}}</li>
 * <li>{@code latchkey.logouts{kind=logout|logout_all|session|password_change|revoke}}</li>
 * <li>timers {@code latchkey.password.hash}, {@code latchkey.token.sign}, {@code latchkey.revocation.check}</li>
 * </ul>
 */
@ApplicationScoped
public class LatchkeyMetrics {

    private final MeterRegistry registry;
    private final Timer passwordHash;
    private final Timer tokenSign;
    private final Timer revocationCheck;

    public LatchkeyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.passwordHash = Timer.builder("latchkey.password.hash")
                .description("argon2id hashing and verification").register(registry);
        this.tokenSign = Timer.builder("latchkey.token.sign")
                .description("RS256 access-token signing").register(registry);
        this.revocationCheck = Timer.builder("latchkey.revocation.check")
                .description("the Redis MGET of a bearer-token check").register(registry);
    }

    public void login(String outcome) {
        counter("latchkey.logins", "outcome", outcome).increment();
    }

    public void refresh(String outcome) {
        counter("latchkey.refreshes", "outcome", outcome).increment();
    }

    public void logout(String kind) {
        counter("latchkey.logouts", "kind", kind).increment();
    }

    /**
     * An event of the outbox: {@code written} (in its change's transaction), {@code delivered},
     * {@code retried} (a failed delivery that will be tried again) or {@code given_up}; counted as
     * {@code latchkey.events.<what>}, tagged with the event type.
     */
    public void event(String what, String type) {
        registry.counter("latchkey.events." + what, "type", type).increment();
    }

    /** A gauge read when the metrics are scraped. */
    public void gauge(String name, String description, String baseUnit, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).baseUnit(baseUnit).register(registry);
    }

    public <T> T timePasswordHash(Supplier<T> work) {
        return passwordHash.record(work);
    }

    public <T> T timeSigning(Supplier<T> work) {
        return tokenSign.record(work);
    }

    /** A sample to stop when an asynchronous revocation check ends. */
    public Timer.Sample startRevocationCheck() {
        return Timer.start(registry);
    }

    public void stopRevocationCheck(Timer.Sample sample) {
        sample.stop(revocationCheck);
    }

    private Counter counter(String name, String tag, String value) {
        return registry.counter(name, tag, value);
    }
}
