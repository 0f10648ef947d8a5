package dev.latchkey.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.revocation.Denylist;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Refresh-token families: start a session, rotate (with grace and reuse detection), revoke, list.
 * <p>
 * Each operation is one short transaction. Concurrent refreshes of one family serialise on the
 * family row lock ({@code SELECT ... FOR NO KEY UPDATE}, see {@link RotationStore}) and nowhere else, so any instance can serve
 * any request. Redis revocation writes happen inside the transaction, before commit: if Redis
 * cannot take them, the transaction rolls back and the client gets 503 with nothing changed.
 */
@ApplicationScoped
public class SessionService {

    /** How close to a rotation a duplicate of its parent counts as concurrent rather than reused. */
    static final Duration RACE_WINDOW = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(SessionService.class);
    private static final Logger AUDIT = Logger.getLogger("latchkey.audit");

    private final LatchkeyConfig config;
    private final Clock clock;
    private final Denylist denylist;
    private final AuditTrail audit;
    private final LatchkeyMetrics metrics;
    private final RotationStore store;
    private final AccessTokenIssuer issuer;

    SessionService(LatchkeyConfig config, Clock clock, Denylist denylist, AuditTrail audit, LatchkeyMetrics metrics,
            RotationStore store, AccessTokenIssuer issuer) {
        this.store = store;
        this.issuer = issuer;
        this.config = config;
        this.clock = clock;
        this.denylist = denylist;
        this.audit = audit;
        this.metrics = metrics;
    }

    /** A session's refresh token as the client must receive it, with the family it belongs to. */
    public record IssuedRefreshToken(UUID familyId, Instant expiresAt, String raw, Instant now) {
        /** Seconds until the family dies if not refreshed: the lesser of idle and absolute expiry. */
        public long expiresIn() {
            return Math.max(0, Duration.between(now, expiresAt).toSeconds());
        }
    }

    /**
     * What a login or a refresh gives the client, made after its transaction committed: an access
     * token, the session's refresh token, and the user both name.
     */
    public record Grant(IssuedAccessToken access, IssuedRefreshToken refresh, SessionUser user) {
    }

    /** What a refresh attempt gave: a grant, or a refusal (already committed). */
    public record Rotation(Grant grant, Outcome outcome) {
        public boolean succeeded() {
            return grant != null;
        }
    }

    /** How a refresh attempt ended, for logs and metrics. */
    public enum Outcome {
        ROTATED,
        GRACE,
        REUSE_DETECTED,
        /** Lost the race against a concurrent refresh of the same token (grace window off). */
        CONCURRENT,
        EXPIRED,
        REVOKED,
        INVALID
    }

    /** Starts a new family for {@code user}: its first refresh token and an access token. */
    public Grant start(SessionUser user, ClientInfo client) {
        UUID userId = user.id();
        IssuedRefreshToken refresh = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            RefreshFamily family = new RefreshFamily();
            family.id = UUID.randomUUID();
            family.userId = userId;
            family.createdAt = now;
            family.lastUsedAt = now;
            family.absoluteExpiresAt = now.plus(config.refreshAbsoluteTtl());
            family.idleExpiresAt = earlier(now.plus(config.refreshIdleTtl()), family.absoluteExpiresAt);
            family.userAgent = client.userAgent();
            family.ip = client.ip();
            family.persist();
            String raw = OpaqueTokens.generate();
            newToken(family, raw, null, now);
            audit.record(AuditType.LOGIN, true, userId, family.id, client);
            return new IssuedRefreshToken(family.id, family.expiresAt(), raw, now);
        });
        return grant(refresh, user);
    }

    private Grant grant(IssuedRefreshToken refresh, SessionUser user) {
        return new Grant(issuer.issueForUser(user.id(), user.username(), user.roles(), refresh.familyId()), refresh,
                user);
    }

    /**
     * Rotates a refresh token (DESIGN.md "Rotation, grace and reuse"). A refusal is returned, not
     * thrown, so that a reuse revocation commits even though the client gets an error.
     * <p>
     * The live family and the presented token are locked in one statement; a current token is
     * rotated in one more (see {@link RotationStore}). Unknown, revoked and expired tokens all
     * cost the same two plain reads, so timing tells them apart for nobody.
     */
    public Rotation rotate(String raw, ClientInfo client) {
        Decision decision;
        if (!OpaqueTokens.isWellFormed(raw)) {
            decision = Decision.refused(Outcome.INVALID, null, "malformed refresh token");
        } else {
            byte[] hash = OpaqueTokens.hash(raw);
            try {
                decision = store.inTransaction(c -> decide(c, raw, hash));
            } catch (SQLException e) {
                throw new PersistenceException("refresh rotation failed", e);
            }
        }
        Rotation rotation;
        if (decision.reused() != null) {
            rotation = revokeForReuse(decision.reused(), client);
        } else if (decision.refresh() != null) {
            // the access token is signed after the commit, outside the family's row lock
            rotation = new Rotation(grant(decision.refresh(), decision.user()), decision.outcome());
        } else {
            rotation = new Rotation(null, decision.outcome());
        }
        metrics.refresh(rotation.outcome().name().toLowerCase(Locale.ROOT));
        return rotation;
    }

    /**
     * The outcome decided under the family lock: a refresh token to hand out, a refusal, or a
     * reused family to revoke (acted on after the lock, in a transaction of its own).
     */
    private record Decision(Outcome outcome, IssuedRefreshToken refresh, SessionUser user, RotationStore.Locked reused) {
        static Decision refused(Outcome outcome, UUID familyId, String reason) {
            LOG.debugf("refresh refused: %s (family %s)", reason, familyId == null ? "-" : familyId);
            return new Decision(outcome, null, null, null);
        }
    }

    private Decision decide(Connection c, String raw, byte[] hash) throws SQLException {
        Instant now = clock.instant();
        Optional<RotationStore.Locked> found = store.lockLive(c, hash, now);
        if (found.isEmpty()) {
            Optional<Boolean> revoked = store.revoked(c, hash); // only to name the reason
            Outcome outcome = revoked.isEmpty() ? Outcome.INVALID : revoked.get() ? Outcome.REVOKED : Outcome.EXPIRED;
            return Decision.refused(outcome, null, "refresh token " + outcome.name().toLowerCase(Locale.ROOT));
        }
        RotationStore.Locked locked = found.get();
        if (locked.userDisabled()) {
            return Decision.refused(Outcome.REVOKED, locked.familyId(), "user disabled");
        }
        SessionUser user = new SessionUser(locked.userId(), locked.username(), locked.roles());
        if (locked.rotatedAt() == null) {
            Instant idleExpiresAt = earlier(now.plus(config.refreshIdleTtl()), locked.absoluteExpiresAt());
            String successor = OpaqueTokens.generate();
            store.rotate(c, locked, UUID.randomUUID(), OpaqueTokens.hash(successor),
                    SuccessorEnvelope.seal(raw, locked.tokenId(), successor), now, idleExpiresAt);
            return new Decision(Outcome.ROTATED, new IssuedRefreshToken(locked.familyId(), idleExpiresAt, successor, now),
                    user, null);
        }
        boolean successorCurrent = locked.successorId() != null && store.isCurrent(c, locked.successorId());
        Duration grace = config.refreshGrace();
        if (successorCurrent && !grace.isZero() && !grace.isNegative() && now.isBefore(locked.rotatedAt().plus(grace))) {
            String same = SuccessorEnvelope.open(raw, locked.tokenId(), locked.successorEnvelope());
            if (same != null) {
                LOG.debugf("refresh retried within grace: family %s", locked.familyId());
                Instant expiresAt = earlier(locked.idleExpiresAt(), locked.absoluteExpiresAt());
                return new Decision(Outcome.GRACE, new IssuedRefreshToken(locked.familyId(), expiresAt, same, now), user,
                        null);
            }
        }
        // With the grace window off, requests that raced for the same rotation (rotated under
        // RACE_WINDOW ago, successor still unused) get invalid_grant but do not count as reuse:
        // they were in flight with the winner, not replayed after it, and nothing is handed out.
        if (successorCurrent && now.isBefore(locked.rotatedAt().plus(RACE_WINDOW))) {
            return Decision.refused(Outcome.CONCURRENT, locked.familyId(), "lost the race to a concurrent refresh");
        }
        return new Decision(Outcome.REUSE_DETECTED, null, null, locked);
    }

    /** Revokes the family (or, configured so, every family of the user) after a detected reuse. */
    private Rotation revokeForReuse(RotationStore.Locked reused, ClientInfo client) {
        QuarkusTransaction.requiringNew().run(() -> RefreshFamily.findByIdForUpdate(reused.familyId())
                .filter(f -> f.revokedAt == null)
                .ifPresent(family -> revokeOnReuse(family, clock.instant(), client)));
        return new Rotation(null, Outcome.REUSE_DETECTED);
    }

    private void revokeOnReuse(RefreshFamily family, Instant now, ClientInfo client) {
        List<UUID> killed = new ArrayList<>();
        if (config.reuseRevokes() == LatchkeyConfig.ReuseRevokes.USER) {
            for (RefreshFamily other : RefreshFamily.listUnrevokedForUpdate(family.userId)) {
                other.revoke(now, RevokeReason.REUSE_DETECTED);
                killed.add(other.id);
            }
            denylist.revokeUserTokensBefore(family.userId, now);
        }
        family.revoke(now, RevokeReason.REUSE_DETECTED);
        if (!killed.contains(family.id)) {
            killed.add(family.id);
        }
        denylist.denySessions(killed);
        audit.record(AuditType.REFRESH_REUSE_DETECTED, false, family.userId, family.id, client);
        AUDIT.warnf("refresh token reuse detected: user %s, family %s revoked (%s; %d session(s) killed)",
                family.userId, family.id, config.reuseRevokes().name().toLowerCase(), killed.size());
    }

    /**
     * Revokes the family of this refresh token (logout, or RFC 7009 revocation). Unknown or already
     * revoked tokens are fine: nothing happens and nothing is said.
     */
    public Optional<UUID> revokeByToken(String raw, AuditType why, ClientInfo client) {
        if (!OpaqueTokens.isWellFormed(raw)) {
            return Optional.empty();
        }
        byte[] hash = OpaqueTokens.hash(raw);
        Optional<UUID> revoked = QuarkusTransaction.requiringNew().call(() -> {
            Optional<RefreshFamily> family = RefreshFamily.findByTokenHashForUpdate(hash);
            family.filter(f -> f.revokedAt == null).ifPresent(f -> {
                revoke(f, RevokeReason.LOGOUT);
                audit.record(why, true, f.userId, f.id, client);
            });
            return family.map(f -> f.id);
        });
        metrics.logout(why == AuditType.LOGOUT ? "logout" : "revoke");
        return revoked;
    }

    /** A refresh token that would rotate now: its session, user, when it was issued and when its family ends. */
    public record LiveRefreshToken(UUID familyId, SessionUser user, Instant issuedAt, Instant expiresAt) {
    }

    /** The live refresh token with this raw value (for introspection); empty if unknown, rotated or ended. */
    public Optional<LiveRefreshToken> findLive(String raw) {
        if (!OpaqueTokens.isWellFormed(raw)) {
            return Optional.empty();
        }
        try {
            return store.findLive(OpaqueTokens.hash(raw), clock.instant());
        } catch (SQLException e) {
            throw new PersistenceException("refresh token lookup failed", e);
        }
    }

    /** True if this raw value is a refresh token we issued (current, rotated or of an ended family). */
    public boolean isKnownRefreshToken(String raw) {
        return OpaqueTokens.isWellFormed(raw) && RefreshToken.findByHash(OpaqueTokens.hash(raw)).isPresent();
    }

    /** Revokes one session of {@code userId}; 404 if it is not theirs or does not exist. */
    public void revokeSession(UUID userId, UUID familyId, ClientInfo client) {
        QuarkusTransaction.requiringNew().run(() -> {
            RefreshFamily family = RefreshFamily.findByIdForUpdate(familyId)
                    .filter(f -> f.userId.equals(userId))
                    .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such session"));
            if (family.revokedAt == null) {
                revoke(family, RevokeReason.LOGOUT);
                audit.record(AuditType.SESSION_REVOKED, true, userId, family.id, client);
            }
        });
        metrics.logout("session");
    }

    /**
     * Revokes every session of the user and every access token issued before now (logout-all).
     * {@code current} is the sid of the caller, for the audit trail.
     */
    public int logoutAll(UUID userId, UUID current, ClientInfo client) {
        int killed = QuarkusTransaction.requiringNew().call(() -> {
            int count = revokeAllInCurrentTransaction(userId, null, RevokeReason.LOGOUT_ALL, true);
            audit.record(AuditType.LOGOUT_ALL, true, userId, current, client);
            return count;
        });
        metrics.logout("logout_all");
        return killed;
    }

    /**
     * Revokes every session of the user but {@code keep} inside the caller's transaction (e.g. with
     * a password change), so that both commit or neither does; there must be one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int revokeAllInCurrentTransaction(UUID userId, UUID keep, RevokeReason reason, boolean everyToken) {
        Instant now = clock.instant();
        List<UUID> killed = new ArrayList<>();
        for (RefreshFamily family : RefreshFamily.listUnrevokedForUpdate(userId)) {
            if (!family.id.equals(keep)) {
                family.revoke(now, reason);
                killed.add(family.id);
            }
        }
        if (everyToken) {
            denylist.revokeUserTokensBefore(userId, now);
        }
        denylist.denySessions(killed);
        AUDIT.infof("sessions revoked: user %s, %d session(s), reason %s", userId, killed.size(), reason.code());
        return killed.size();
    }

    /** Denies one access token (logout with a bearer token) until it expires. */
    public void denyAccessToken(String jti, long expiresAtEpochSecond) {
        denylist.denyToken(jti, Instant.ofEpochSecond(expiresAtEpochSecond));
    }

    /** The user's active sessions, most recently used first. */
    public List<RefreshFamily> listActive(UUID userId) {
        return RefreshFamily.listActive(userId, clock.instant());
    }

    private void revoke(RefreshFamily family, RevokeReason reason) {
        if (family.revokedAt != null) {
            return;
        }
        family.revoke(clock.instant(), reason);
        denylist.denySessions(List.of(family.id));
        AUDIT.infof("session revoked: user %s, family %s, reason %s", family.userId, family.id, reason.code());
    }

    private RefreshToken newToken(RefreshFamily family, String raw, UUID parentId, Instant now) {
        RefreshToken token = new RefreshToken();
        token.id = UUID.randomUUID();
        token.familyId = family.id;
        token.tokenHash = OpaqueTokens.hash(raw);
        token.parentId = parentId;
        token.issuedAt = now;
        token.expiresAt = family.idleExpiresAt;
        token.persist();
        return token;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
