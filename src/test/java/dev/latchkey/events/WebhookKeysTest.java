package dev.latchkey.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

/**
 * The webhook secret's two keys: Standard Webhooks signatures, checked by that specification's own
 * Java library (an independent implementation), and the sealing of the outbox's secrets.
 */
class WebhookKeysTest {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void signaturesVerifyWithTheStandardWebhooksLibrary() throws Exception {
        WebhookKeys keys = WebhookKeys.parse(SECRET);
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis() / 1000;
        String body = "{\"type\":\"user.registered\",\"timestamp\":\"2026-11-28T01:00:00.000Z\",\"data\":{\"user_id\":\"x\",\"username\":\"ü\"}}";
        String signature = keys.sign(id, now, body);
        assertTrue(signature.startsWith("v1,"));
        Webhook verifier = new Webhook(SECRET);
        verifier.verify(body, headers(id, now, signature));
        assertEquals(verifier.sign(id, now, body), signature, "the same bytes as the specification's library");
        // any change breaks it: the body, the id, the timestamp, the key
        assertThrows(WebhookVerificationException.class, () -> verifier.verify(body + " ", headers(id, now, signature)));
        assertThrows(WebhookVerificationException.class,
                () -> verifier.verify(body, headers(UUID.randomUUID().toString(), now, signature)));
        assertThrows(WebhookVerificationException.class, () -> verifier.verify(body, headers(id, now - 1, signature)));
        String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThrows(WebhookVerificationException.class,
                () -> new Webhook(other).verify(body, headers(id, now, signature)));
    }

    @Test
    void sealedSecretsOpenOnlyForTheirEventUnderTheSameSecret() throws Exception {
        WebhookKeys keys = WebhookKeys.parse(SECRET);
        UUID id = UUID.randomUUID();
        byte[] plain = "{\"reset_token\":\"abc\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = keys.seal(id, plain);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("abc"));
        assertArrayEquals(plain, keys.open(id, sealed));
        assertFalse(java.util.Arrays.equals(sealed, keys.seal(id, plain)), "a fresh nonce each time");
        assertThrows(GeneralSecurityException.class, () -> keys.open(UUID.randomUUID(), sealed), "another event's");
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> keys.open(id, altered));
        WebhookKeys rotated = WebhookKeys.parse("whsec_" + Base64.getEncoder().encodeToString(new byte[40]));
        assertThrows(GeneralSecurityException.class, () -> rotated.open(id, sealed));
        assertThrows(GeneralSecurityException.class, () -> keys.open(id, new byte[5]));
    }

    @Test
    void badSecretsAreRefusedSayingWhyButNeverEchoed() {
        String shortKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        for (String bad : List.of("", "0123456789abcdef0123456789abcdef0123", "whsec_not*base64!", shortKey)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookKeys.parse(bad));
            assertTrue(e.getMessage().startsWith("latchkey.webhook-secret"), e.getMessage());
            if (!bad.isEmpty()) {
                assertFalse(e.getMessage().contains(bad.substring(Math.min(6, bad.length() - 1))), e.getMessage());
            }
        }
        assertTrue(WebhookKeys.parse(SECRET).toString().contains("redacted"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> EventOutbox.keys(java.util.Optional.empty()));
        assertTrue(missing.getMessage().contains("latchkey.webhook-secret is not"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventOutbox.keys(java.util.Optional.of(" ")));
    }

    @Test
    void theUrlMustBeAnAbsoluteHttpUrl() {
        assertEquals("https://hooks.example.com/latchkey?k=1",
                EventOutbox.checkUrl("https://hooks.example.com/latchkey?k=1").toString());
        for (String bad : List.of("hooks.example.com/x", "ftp://hooks.example.com/", "http:///path", "http://a b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventOutbox.checkUrl(bad));
            assertTrue(e.getMessage().startsWith("latchkey.webhook-url"), e.getMessage());
        }
    }

    private static HttpHeaders headers(String id, long timestamp, String signature) {
        return HttpHeaders.of(Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature)), (k, v) -> true);
    }
}
