package dev.latchkey.config;

/**
 * The longest input of each kind the service even looks at, in characters, in one place: the
 * HTTP layer refuses longer fields with 400 before any work, and the services rely on the same
 * numbers instead of keeping their own.
 */
public final class InputLimits {

    /** A username as sent (the canonical form is shorter: 3 to 64 characters, see {@code Usernames}). */
    public static final int USERNAME = 256;
    /** A password as sent (the policy allows 8 to 128 code points; longer inputs are never hashed). */
    public static final int PASSWORD = 1024;
    /** An access token, a client id or secret, any OAuth form field (our access tokens are under 1,000). */
    public static final int TOKEN = 4096;
    /** A refresh token (ours are 43): anything longer is refused as malformed, never looked up. */
    public static final int REFRESH_TOKEN = 256;
    /** A short keyword field, e.g. {@code refresh_transport}. */
    public static final int SHORT = 64;
    /** A request body, in bytes (API.md: over 16 KiB is 413). */
    public static final int BODY_BYTES = 16 * 1024;

    private InputLimits() {
    }
}
