package dev.latchkey.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Seals a successor refresh token so that only a holder of its raw parent can open it: AES-256-GCM
 * under a key derived with HKDF-SHA256 (RFC 5869) from the parent's raw value and a random salt.
 * The database holds only the envelope and the hashes, so a database dump yields no usable token.
 * <p>
 * Layout: {@code version(1) | salt(16) | nonce(12) | ciphertext+tag}. The parent token's id is
 * the additional authenticated data, so an envelope cannot be moved to another row.
 */
public final class SuccessorEnvelope {

    private static final byte VERSION = 1;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] INFO = "latchkey refresh successor v1".getBytes(StandardCharsets.US_ASCII);

    private SuccessorEnvelope() {
    }

    public static byte[] seal(String parentRaw, UUID parentId, String successorRaw) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        RuntimeRandom.get().nextBytes(salt);
        RuntimeRandom.get().nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, parentRaw, salt, nonce, parentId);
            byte[] sealed = cipher.doFinal(successorRaw.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.allocate(1 + SALT_BYTES + NONCE_BYTES + sealed.length)
                    .put(VERSION).put(salt).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The successor's raw value, or null if the envelope does not open with this parent. */
    public static String open(String parentRaw, UUID parentId, byte[] envelope) {
        if (envelope == null || envelope.length <= 1 + SALT_BYTES + NONCE_BYTES || envelope[0] != VERSION) {
            return null;
        }
        byte[] salt = Arrays.copyOfRange(envelope, 1, 1 + SALT_BYTES);
        byte[] nonce = Arrays.copyOfRange(envelope, 1 + SALT_BYTES, 1 + SALT_BYTES + NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, parentRaw, salt, nonce, parentId);
            byte[] plain = cipher.doFinal(envelope, 1 + SALT_BYTES + NONCE_BYTES,
                    envelope.length - 1 - SALT_BYTES - NONCE_BYTES);
            return new String(plain, StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static Cipher cipher(int mode, String parentRaw, byte[] salt, byte[] nonce, UUID parentId)
            throws GeneralSecurityException {
        byte[] key = Hkdf.sha256(parentRaw.getBytes(StandardCharsets.US_ASCII), salt, INFO, 32);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(uuidBytes(parentId));
        return cipher;
    }

    private static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }

    /** HKDF (RFC 5869) with HMAC-SHA256, Bouncy Castle's (the JDK has none before Java 24). */
    static final class Hkdf {
        private Hkdf() {
        }

        static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, salt, info));
            byte[] okm = new byte[length];
            hkdf.generateBytes(okm, 0, length);
            return okm;
        }
    }
}
