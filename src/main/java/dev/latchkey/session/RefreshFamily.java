package dev.latchkey.session;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A refresh-token family: one session, from login to logout, revocation, reuse or expiry. Its id
 * is the {@code sid} of every access token minted for it. Locking its row serialises every
 * refresh of the session (see {@code SessionStore}, where every session statement is).
 */
@Entity
@Table(name = "refresh_families")
public class RefreshFamily extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at", nullable = false)
    public Instant lastUsedAt;

    @Column(name = "idle_expires_at", nullable = false)
    public Instant idleExpiresAt;

    @Column(name = "absolute_expires_at", nullable = false)
    public Instant absoluteExpiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoke_reason", length = 32)
    public String revokeReason;

    @Column(name = "user_agent", length = 256)
    public String userAgent;

    @Column(name = "ip", length = 64)
    public String ip;

    /** When this family stops being usable if nothing else happens: the lesser of idle and absolute expiry. */
    public Instant expiresAt() {
        return idleExpiresAt.isBefore(absoluteExpiresAt) ? idleExpiresAt : absoluteExpiresAt;
    }
}
