package dev.latchkey.testsupport;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Webhooks on, delivered to {@link WebhookReceiver#SHARED}: polled every 50 ms, a first retry after
 * about 300 ms, and a one-second delivery timeout, so that the tests see retries in seconds.
 */
public class WebhookProfile implements QuarkusTestProfile {

    public static final long RETRY_BASE_MILLIS = 300;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("latchkey.webhook-url", WebhookReceiver.SHARED.url(),
                "latchkey.webhook-secret", WebhookReceiver.SHARED.secret(),
                "latchkey.webhook-poll-interval", "50ms",
                "latchkey.webhook-retry-base", RETRY_BASE_MILLIS + "ms",
                "latchkey.webhook-timeout", "1s");
    }
}
