package dev.latchkey.session;

import java.util.Base64;
import java.util.regex.Pattern;

import dev.latchkey.crypto.Sha256;

/**
 * Raw refresh tokens: 256 bits from a CSPRNG, URL-safe base64 without padding (43 characters).
 * Only their SHA-256 is stored; a fast hash is right here because the input has full entropy.
 */
public final class OpaqueTokens {

    public static final int TOKEN_BYTES = 32;

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private OpaqueTokens() {
    }

    /** A new raw refresh token. */
    public static String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RuntimeRandom.get().nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** True if {@code raw} has the shape of a token we could have issued (checked before any lookup). */
    public static boolean isWellFormed(String raw) {
        return raw != null && raw.length() == 43 && SHAPE.matcher(raw).matches();
    }

    /** SHA-256 of the raw token: the only form stored. */
    public static byte[] hash(String raw) {
        return Sha256.of(raw);
    }
}
