package dev.latchkey.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.account.User;
import dev.latchkey.api.LatchkeyException;
import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.revocation.Denylist;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Refresh-token families: start a session, rotate (with grace and reuse detection), revoke, list.
 * <p>
 * Each operation is one short transaction. Concurrent refreshes of one family serialise on the
 * family row lock ({@code SELECT ... FOR UPDATE}) and nowhere else, so any instance can serve
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

    public SessionService(LatchkeyConfig config, Clock clock, Denylist denylist, AuditTrail audit,
            LatchkeyMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.denylist = denylist;
        this.audit = audit;
        this.metrics = metrics;
    }

    /** A session's refresh token as the client must receive it, with the family it belongs to. */
    public record IssuedRefreshToken(RefreshFamily family, String raw, Instant now) {
        /** Seconds until the family dies if not refreshed: the lesser of idle and absolute expiry. */
        public long expiresIn() {
            return Math.max(0, Duration.between(now, family.expiresAt()).toSeconds());
        }
    }

    /** What a refresh attempt gave: a refresh token for the user, or a refusal (already committed). */
    public record Rotation(IssuedRefreshToken token, User user, Outcome outcome) {
        public boolean succeeded() {
            return token != null;
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

    /** Starts a new family for {@code user} and issues its first refresh token. */
    public IssuedRefreshToken start(UUID userId, ClientInfo client) {
        return QuarkusTransaction.requiringNew().call(() -> {
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
            return new IssuedRefreshToken(family, raw, now);
        });
    }

    /**
     * Rotates a refresh token (DESIGN.md "Rotation, grace and reuse"). A refusal is returned, not
     * thrown, so that a reuse revocation commits even though the client gets an error.
     */
    public Rotation rotate(String raw, ClientInfo client) {
        Rotation rotation;
        if (!OpaqueTokens.isWellFormed(raw)) {
            rotation = refused(Outcome.INVALID, null, "malformed refresh token");
        } else {
            byte[] hash = OpaqueTokens.hash(raw);
            rotation = QuarkusTransaction.requiringNew().call(() -> rotateLocked(raw, hash, client));
        }
        metrics.refresh(rotation.outcome().name().toLowerCase(Locale.ROOT));
        return rotation;
    }

    private Rotation rotateLocked(String raw, byte[] hash, ClientInfo client) {
        Instant now = clock.instant();
        // unknown, revoked and expired all end here, after the same single read-only query
        // (no timing oracle): the lock is taken only on a live family
        Optional<RefreshFamily> locked = RefreshFamily.findLiveByTokenHashForUpdate(hash, now);
        if (locked.isEmpty()) {
            // one more read, without a lock, on every refusal alike: only to name the reason
            Optional<RefreshFamily> dead = RefreshFamily.findByTokenHash(hash);
            if (dead.isEmpty()) {
                return refused(Outcome.INVALID, null, "unknown refresh token");
            }
            return dead.get().revokedAt != null
                    ? refused(Outcome.REVOKED, dead.get(), "family revoked (" + dead.get().revokeReason + ")")
                    : refused(Outcome.EXPIRED, dead.get(), "family expired");
        }
        RefreshFamily family = locked.get();
        RefreshToken token = RefreshToken.findByHash(hash).orElse(null);
        if (token == null || !OpaqueTokens.sameHash(token.tokenHash, hash)) {
            return refused(Outcome.INVALID, family, "refresh token vanished");
        }
        User user = User.findById(family.userId);
        if (user == null || user.disabled) {
            return refused(Outcome.REVOKED, family, "user missing or disabled");
        }
        if (token.isCurrent()) {
            family.lastUsedAt = now;
            family.idleExpiresAt = earlier(now.plus(config.refreshIdleTtl()), family.absoluteExpiresAt);
            String successor = OpaqueTokens.generate();
            RefreshToken next = newToken(family, successor, token.id, now);
            token.rotatedAt = now;
            token.successorId = next.id;
            token.successorEnvelope = SuccessorEnvelope.seal(raw, token.id, successor);
            return new Rotation(new IssuedRefreshToken(family, successor, now), user, Outcome.ROTATED);
        }
        Optional<String> sameSuccessor = withinGrace(token, raw, now);
        if (sameSuccessor.isPresent()) {
            LOG.debugf("refresh retried within grace: family %s", family.id);
            return new Rotation(new IssuedRefreshToken(family, sameSuccessor.get(), now), user, Outcome.GRACE);
        }
        if (lostARace(token, now)) {
            return refused(Outcome.CONCURRENT, family, "concurrent refresh of the same token lost the race");
        }
        revokeOnReuse(family, now, client);
        return new Rotation(null, null, Outcome.REUSE_DETECTED);
    }

    /**
     * With the grace window off, requests that raced for the same rotation (the token was rotated
     * under two seconds ago and its successor is still unused) get {@code invalid_grant} but do not
     * count as reuse: they were in flight together with the winner, not replayed after it. Nothing
     * is handed out, so a thief gains nothing from this either.
     */
    private boolean lostARace(RefreshToken token, Instant now) {
        if (token.successorId == null || !now.isBefore(token.rotatedAt.plus(RACE_WINDOW))) {
            return false;
        }
        RefreshToken successor = RefreshToken.findById(token.successorId);
        return successor != null && successor.isCurrent();
    }

    /** The successor again, if the token was rotated less than the grace window ago and its successor is still current. */
    private Optional<String> withinGrace(RefreshToken token, String raw, Instant now) {
        Duration grace = config.refreshGrace();
        if (grace.isZero() || grace.isNegative() || token.successorId == null
                || !now.isBefore(token.rotatedAt.plus(grace))) {
            return Optional.empty();
        }
        RefreshToken successor = RefreshToken.findById(token.successorId);
        if (successor == null || !successor.isCurrent()) {
            return Optional.empty();
        }
        return Optional.ofNullable(SuccessorEnvelope.open(raw, token.id, token.successorEnvelope));
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

    /** Revokes one session of {@code userId}; 404 if it is not theirs or does not exist. */
    public void revokeSession(UUID userId, UUID familyId, ClientInfo client) {
        QuarkusTransaction.requiringNew().run(() -> {
            RefreshFamily family = RefreshFamily.findByIdForUpdate(familyId)
                    .filter(f -> f.userId.equals(userId))
                    .orElseThrow(() -> new LatchkeyException(dev.latchkey.api.ErrorCode.NOT_FOUND, "no such session"));
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

    /** {@link #revokeAllSessions} inside the caller's transaction (e.g. with a password change). */
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

    private static Rotation refused(Outcome outcome, RefreshFamily family, String reason) {
        LOG.debugf("refresh refused: %s (family %s)", reason, family == null ? "-" : family.id);
        return new Rotation(null, null, outcome);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
