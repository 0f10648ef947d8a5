package dev.latchkey.session;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One refresh token of a family, stored only as the SHA-256 of its raw value. It is current
 * while {@code rotatedAt} is null; once rotated it points at its successor and keeps the
 * successor sealed under a key only the raw parent can derive (see {@link SuccessorEnvelope}).
 */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "family_id", nullable = false)
    public UUID familyId;

    @Column(name = "token_hash", nullable = false, length = 32)
    public byte[] tokenHash;

    @Column(name = "parent_id")
    public UUID parentId;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "rotated_at")
    public Instant rotatedAt;

    @Column(name = "successor_id")
    public UUID successorId;

    @Column(name = "successor_envelope")
    public byte[] successorEnvelope;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    public static Optional<RefreshToken> findByHash(byte[] tokenHash) {
        return find("tokenHash", tokenHash).firstResultOptional();
    }

    public boolean isCurrent() {
        return rotatedAt == null;
    }

    @Override
    public String toString() {
        return "RefreshToken[" + id + " of " + familyId + "]"; // never the hash
    }
}
