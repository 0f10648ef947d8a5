package dev.latchkey.error;

import java.time.Duration;
import java.util.Optional;

/**
 * The one exception type a request may end with on purpose. It carries the code and a safe
 * description for the client; the precise reason stays in the server log (and never holds a
 * token, password or hash).
 */
public class LatchkeyException extends RuntimeException {

    private final ErrorCode code;
    private final String description;
    private final int status;
    private final Duration retryAfter;
    private final boolean credentialsMissing;

    public LatchkeyException(ErrorCode code, String description) {
        this(code, description, code.status(), null, false);
    }

    private LatchkeyException(ErrorCode code, String description, int status, Duration retryAfter,
            boolean credentialsMissing) {
        // no stack trace: these are expected outcomes, not bugs
        super(code.code() + ": " + description, null, false, false);
        this.code = code;
        this.description = description;
        this.status = status;
        this.retryAfter = retryAfter;
        this.credentialsMissing = credentialsMissing;
    }

    /** The same error with another HTTP status (e.g. {@code invalid_grant} as 400 on the token endpoint). */
    public LatchkeyException withStatus(int newStatus) {
        return new LatchkeyException(code, description, newStatus, retryAfter, credentialsMissing);
    }

    public static LatchkeyException slowDown(Duration retryAfter) {
        return new LatchkeyException(ErrorCode.SLOW_DOWN, "too many attempts, try again later",
                ErrorCode.SLOW_DOWN.status(), retryAfter, false);
    }

    /** No access token was sent at all: RFC 6750 §3.1 wants a bare {@code Bearer} challenge. */
    public static LatchkeyException missingToken() {
        return new LatchkeyException(ErrorCode.INVALID_TOKEN, "an access token is required",
                ErrorCode.INVALID_TOKEN.status(), null, true);
    }

    public static LatchkeyException invalidRequest(String description) {
        return new LatchkeyException(ErrorCode.INVALID_REQUEST, description);
    }

    public static LatchkeyException invalidGrant() {
        return new LatchkeyException(ErrorCode.INVALID_GRANT, "the credentials or refresh token are invalid");
    }

    public static LatchkeyException invalidToken() {
        return new LatchkeyException(ErrorCode.INVALID_TOKEN, "the access token is missing, invalid, expired or revoked");
    }

    public static LatchkeyException unavailable() {
        return new LatchkeyException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                "a dependency is unavailable; nothing was changed, retry later");
    }

    public ErrorCode code() {
        return code;
    }

    public String description() {
        return description;
    }

    public int status() {
        return status;
    }

    /** True when the request carried no credentials at all (no error attribute in the challenge). */
    public boolean credentialsMissing() {
        return credentialsMissing;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
