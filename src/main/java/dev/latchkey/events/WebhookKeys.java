package dev.latchkey.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of {@code LATCHKEY_WEBHOOK_SECRET}: the Standard Webhooks signing key (the base64 after
 * {@code whsec_}), and an AES-256-GCM key derived from it (HMAC-SHA256 of a fixed label) that
 * encrypts the secrets waiting in the outbox. Both are one JDK call each, which is why this is not
 * a library: the {@code standardwebhooks} libraries verify our signatures in the tests, independently.
 * Never logged, never in {@link #toString()}.
 */
final class WebhookKeys {

    static final String PREFIX = "whsec_";
    static final int MIN_KEY_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] SEAL_LABEL = "latchkey outbox secrets v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec signingKey;
    private final SecretKeySpec sealingKey;
    private final SecureRandom random = new SecureRandom();

    private WebhookKeys(byte[] key) throws GeneralSecurityException {
        this.signingKey = new SecretKeySpec(key, HMAC);
        Mac mac = Mac.getInstance(HMAC);
        mac.init(signingKey);
        this.sealingKey = new SecretKeySpec(mac.doFinal(SEAL_LABEL), "AES");
    }

    /**
     * The keys of a {@code whsec_<base64>} secret; {@link IllegalArgumentException} (saying what is
     * wrong, never the secret) for anything else.
     */
    static WebhookKeys parse(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("latchkey.webhook-secret must start with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("latchkey.webhook-secret is not " + PREFIX + " followed by base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("latchkey.webhook-secret holds " + key.length
                    + " bytes; at least " + MIN_KEY_BYTES + " random bytes are needed");
        }
        try {
            return new WebhookKeys(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}. */
    String sign(String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(signingKey);
            byte[] signed = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed", e);
        }
    }

    /** {@code plaintext} encrypted and bound to the event {@code id}: nonce, then ciphertext and tag. */
    byte[] seal(UUID id, byte[] plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(id));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /**
     * What {@link #seal} sealed for this event; {@link GeneralSecurityException} if it was sealed
     * under another secret (rotated), for another event, or altered.
     */
    byte[] open(UUID id, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("sealed value too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
        cipher.updateAAD(associatedData(id));
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    private static byte[] associatedData(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }

    @Override
    public String toString() {
        return "WebhookKeys[redacted]";
    }
}
