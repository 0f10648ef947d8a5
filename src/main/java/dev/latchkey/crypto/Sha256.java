package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, the one fast hash of the service: for values that already have full entropy (refresh
 * tokens, client secrets compared in constant time) or that only need a fixed-size, opaque key
 * (usernames in throttle keys). Never for passwords: those are argon2id.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** SHA-256 of the UTF-8 bytes of {@code value}. */
    public static byte[] of(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Constant-time comparison of two hashes (neither content nor a common prefix leaks). */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
