package dev.latchkey.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;

/**
 * One thing that happened to an account: who, which session, from where, which admin client acted,
 * when, and how it ended. Never a username (an event outlives a deleted account, with only its id).
 */
@Entity
@Table(name = "audit_events")
public class AuditEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "type", nullable = false, length = 32)
    public String type;

    @Column(name = "outcome", nullable = false, length = 16)
    public String outcome;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "sid")
    public UUID sid;

    @Column(name = "client_address", length = 64)
    public String clientAddress;

    @Column(name = "user_agent", length = 256)
    public String userAgent;

    /** The confidential client that acted (admin actions); null for the user's own actions. */
    @Column(name = "client_id", length = 64)
    public String clientId;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** Up to {@code limit} of the user's events from {@code offset} on, newest first. */
    public static List<AuditEvent> slice(UUID userId, int offset, int limit) {
        return find("userId", Sort.descending("occurredAt", "id"), userId).range(offset, offset + limit - 1).list();
    }
}
