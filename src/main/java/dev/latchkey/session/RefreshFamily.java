package dev.latchkey.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A refresh-token family: one session, from login to logout, revocation, reuse or expiry. Its id
 * is the {@code sid} of every access token minted for it. Locking its row serialises every
 * refresh of the session.
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

    private static final String BY_TOKEN_HASH = "SELECT f.id, f.user_id, f.created_at, f.last_used_at,"
            + " f.idle_expires_at, f.absolute_expires_at, f.revoked_at, f.revoke_reason, f.user_agent, f.ip"
            + " FROM refresh_families f JOIN refresh_tokens t ON t.family_id = f.id WHERE t.token_hash = :hash";

    /**
     * Locks the family of the token with this hash ({@code SELECT ... FOR UPDATE OF f}), if any:
     * logout and revocation, which end the family, take the full lock (refreshes take
     * {@code FOR NO KEY UPDATE}, which it excludes).
     */
    public static Optional<RefreshFamily> findByTokenHashForUpdate(byte[] tokenHash) {
        @SuppressWarnings("unchecked")
        List<RefreshFamily> found = getEntityManager().createNativeQuery(BY_TOKEN_HASH + " FOR UPDATE OF f",
                RefreshFamily.class)
                .setParameter("hash", tokenHash)
                .getResultList();
        return found.stream().findFirst();
    }

    public static Optional<RefreshFamily> findByIdForUpdate(UUID id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The user's families that are still usable at {@code now}, most recently used first. */
    public static List<RefreshFamily> listActive(UUID userId, Instant now) {
        return list("userId = ?1 and revokedAt is null and idleExpiresAt > ?2 and absoluteExpiresAt > ?2"
                + " order by lastUsedAt desc", userId, now);
    }

    /** The user's families not yet revoked (expired ones included), locked for revocation. */
    public static List<RefreshFamily> listUnrevokedForUpdate(UUID userId) {
        return find("userId = ?1 and revokedAt is null", userId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    public boolean isActive(Instant now) {
        return revokedAt == null && now.isBefore(idleExpiresAt) && now.isBefore(absoluteExpiresAt);
    }

    /** When this family stops being usable if nothing else happens: the lesser of idle and absolute expiry. */
    public Instant expiresAt() {
        return idleExpiresAt.isBefore(absoluteExpiresAt) ? idleExpiresAt : absoluteExpiresAt;
    }

    public void revoke(Instant now, RevokeReason reason) {
        if (revokedAt == null) {
            revokedAt = now;
            revokeReason = reason.code();
        }
    }
}
