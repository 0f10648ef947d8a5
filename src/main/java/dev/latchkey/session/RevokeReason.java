package dev.latchkey.session;

/** Why a family ended; stored in {@code refresh_families.revoke_reason}. */
public enum RevokeReason {
    LOGOUT("logout"),
    LOGOUT_ALL("logout_all"),
    REUSE_DETECTED("reuse_detected"),
    PASSWORD_CHANGE("password_change"),
    PASSWORD_RESET("password_reset"),
    ADMIN("admin"),
    USER_DISABLED("user_disabled"),
    USER_DELETED("user_deleted"),
    EVICTED("evicted"),
    EXPIRED("expired");

    private final String code;

    RevokeReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
