package dev.latchkey.audit;

/** The kinds of audit events; stored in {@code audit_events.type}. */
public enum AuditType {
    REGISTER("register"),
    LOGIN("login"),
    REFRESH_REUSE_DETECTED("refresh_reuse_detected"),
    LOGOUT("logout"),
    LOGOUT_ALL("logout_all"),
    PASSWORD_CHANGE("password_change"),
    SESSION_REVOKED("session_revoked"),
    SESSION_EVICTED("session_evicted"),
    TOKEN_REVOKED("token_revoked");

    private final String code;

    AuditType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
