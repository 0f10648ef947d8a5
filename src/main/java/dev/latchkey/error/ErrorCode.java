package dev.latchkey.error;

/**
 * The error codes of the contract (RFC 6749 §5.2, RFC 6750 §3, RFC 7009, RFC 8628 for
 * {@code slow_down}), each with the HTTP status it is sent with by default.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400),
    /** 401 on {@code /auth/*}; {@code /oauth2/token} sends it with 400 as RFC 6749 §5.2 asks. */
    INVALID_GRANT("invalid_grant", 401),
    INVALID_CLIENT("invalid_client", 401),
    INVALID_SCOPE("invalid_scope", 400),
    UNAUTHORIZED_CLIENT("unauthorized_client", 400),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
    UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", 400),
    INVALID_TOKEN("invalid_token", 401),
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    ACCESS_DENIED("access_denied", 403),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("invalid_request", 405),
    NOT_ACCEPTABLE("invalid_request", 406),
    CONFLICT("conflict", 409),
    PAYLOAD_TOO_LARGE("invalid_request", 413),
    UNSUPPORTED_MEDIA_TYPE("invalid_request", 415),
    SLOW_DOWN("slow_down", 429),
    SERVER_ERROR("server_error", 500),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The value of the {@code error} field. */
    public String code() {
        return code;
    }

    /** The HTTP status this error is sent with. */
    public int status() {
        return status;
    }
}
