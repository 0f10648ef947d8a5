package dev.latchkey.audit;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.db.DatabaseTime;
import dev.latchkey.db.Transactions;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Writes audit events. {@link #record} joins the caller's transaction, so an event exists if and
 * only if the change it describes was committed; {@link #recordAlone} is for events that change
 * nothing else (a failed login, an admin's read). Events never hold a username, a token or a hash.
 * <p>
 * {@code actingClient} is the confidential client that acted through the admin API, null when
 * the user acted themselves.
 */
@ApplicationScoped
public class AuditTrail {

    private final Clock clock;
    private final DatabaseTime time;

    public AuditTrail(Clock clock, DatabaseTime time) {
        this.clock = clock;
        this.time = time;
    }

    /** Records an event inside the current transaction. */
    public void record(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client) {
        record(type, success, userId, sid, client, null);
    }

    /** Records an event inside the current transaction, naming the admin client that acted. */
    public void record(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client, String actingClient) {
        AuditEvent event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.type = type.code();
        event.outcome = success ? "success" : "failure";
        event.userId = userId;
        event.sid = sid;
        event.clientAddress = client == null ? null : client.ip();
        event.userAgent = client == null ? null : client.userAgent();
        event.clientId = actingClient;
        event.occurredAt = clock.instant();
        event.persist();
    }

    /**
     * Records an event inside the caller's JDBC transaction (sessions and revocations), at the
     * database's time.
     */
    public void record(Transactions.Tx tx, AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client)
            throws SQLException {
        record(tx, type, success, userId, sid, client, null);
    }

    /** As above, naming the admin client that acted. */
    public void record(Transactions.Tx tx, AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client,
            String actingClient) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO audit_events"
                + " (id, type, outcome, user_id, sid, client_address, user_agent, client_id, occurred_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + DatabaseTime.NOW + ")")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, type.code());
            s.setString(3, success ? "success" : "failure");
            s.setObject(4, userId);
            s.setObject(5, sid);
            s.setString(6, client == null ? null : client.ip());
            s.setString(7, client == null ? null : client.userAgent());
            s.setString(8, actingClient);
            time.bind(s, 9);
            s.executeUpdate();
        }
    }

    /** Records an event in a transaction of its own. */
    public void recordAlone(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client) {
        recordAlone(type, success, userId, sid, client, null);
    }

    /** Records an event in a transaction of its own, naming the admin client that acted. */
    public void recordAlone(AuditType type, boolean success, UUID userId, UUID sid, ClientInfo client,
            String actingClient) {
        QuarkusTransaction.requiringNew().run(() -> record(type, success, userId, sid, client, actingClient));
    }

    /** Page {@code page} (from 0) of the user's own events, newest first, with one extra event if there are more. */
    public List<AuditEvent> pageWithLookahead(UUID userId, int page, int size) {
        return AuditEvent.slice(userId, page * size, size + 1);
    }
}
