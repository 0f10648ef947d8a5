package dev.latchkey.events;

/** The events a webhook receiver hears about (API.md "Events (webhooks)"), by their wire name. */
public enum EventType {
    USER_REGISTERED("user.registered"),
    USER_PASSWORD_CHANGED("user.password_changed"),
    USER_PASSWORD_RESET_REQUESTED("user.password_reset_requested"),
    SESSION_REUSE_DETECTED("session.reuse_detected"),
    USER_DISABLED("user.disabled"),
    USER_ENABLED("user.enabled"),
    USER_DELETED("user.deleted"),
    USER_ROLES_CHANGED("user.roles_changed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The {@code type} of the event's JSON body. */
    public String wireName() {
        return wireName;
    }
}
