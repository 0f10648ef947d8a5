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
    TOKEN_REVOKED("token_revoked"),
    /** The owner set a new password with a reset token. */
    PASSWORD_RESET("password_reset"),
    // admin actions (issue 17): each names the confidential client that acted
    ADMIN_USER_CREATED("admin_user_created"),
    ADMIN_USERS_LISTED("admin_users_listed"),
    ADMIN_USER_READ("admin_user_read"),
    /** A patch that changed nothing. */
    ADMIN_USER_UPDATED("admin_user_updated"),
    ADMIN_ROLES_CHANGED("admin_roles_changed"),
    ADMIN_USER_DISABLED("admin_user_disabled"),
    ADMIN_USER_ENABLED("admin_user_enabled"),
    ADMIN_USER_DELETED("admin_user_deleted"),
    ADMIN_SESSIONS_LISTED("admin_sessions_listed"),
    ADMIN_SESSIONS_REVOKED("admin_sessions_revoked"),
    /** A reset token was issued to the admin client. */
    ADMIN_PASSWORD_RESET("admin_password_reset"),
    /** A reset token was issued on the user's own request, for the webhook receiver to deliver. */
    PASSWORD_RESET_REQUESTED("password_reset_requested");

    private final String code;

    AuditType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
