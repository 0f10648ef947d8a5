package dev.latchkey.audit;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Writes audit events. {@link #record} joins the caller's transaction, so an event exists if and
 * only if the change it describes was committed; {@link #recordAlone} is for events that change
 * nothing else (a failed login).
 */
@ApplicationScoped
public class AuditTrail {

    private final Clock clock;

    public AuditTrail(Clock clock) {
        this.clock = clock;
    }

    /** Records an event inside the current transaction. */
    public void record(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client) {
        AuditEvent event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.type = type.code();
        event.outcome = success ? "success" : "failure";
        event.userId = userId;
        event.sid = sid;
        event.clientAddress = client == null ? null : client.ip();
        event.userAgent = client == null ? null : client.userAgent();
        event.occurredAt = clock.instant();
        event.persist();
    }

    /** Records an event in a transaction of its own. */
    public void recordAlone(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client) {
        QuarkusTransaction.requiringNew().run(() -> record(type, success, userId, sid, client));
    }

    /** Page {@code page} (from 0) of the user's own events, newest first, with one extra event if there are more. */
    public List<AuditEvent> pageWithLookahead(UUID userId, int page, int size) {
        return AuditEvent.slice(userId, page * size, size + 1);
    }
}
