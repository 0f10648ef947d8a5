package dev.latchkey.session;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.Transactions;
import dev.latchkey.db.Transactions.Tx;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.events.EventOutbox;
import dev.latchkey.events.EventType;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.revocation.Owner;
import dev.latchkey.revocation.RevocationCache;
import dev.latchkey.revocation.RevocationWrite;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.AccessTokenIssuer.IssuedAccessToken;

/**
 * Refresh-token families: start a session, rotate (with grace and reuse detection), revoke, list.
 * <p>
 * Each operation is one short transaction on PostgreSQL's clock. Concurrent refreshes of one
 * family serialise on the family row lock ({@code FOR NO KEY UPDATE}, see {@link SessionStore})
 * and nowhere else, so any instance can serve any request.
 * <p>
 * Every revocation is recorded in PostgreSQL (the family's {@code revoked_at}, the user's
 * {@code token_version}, {@code denied_access_tokens}) and written to the Redis cache inside the
 * same transaction, after its rows are locked and before its commit (DESIGN.md "Redis is a cache
 * of revocations"): if Redis cannot take it in time, the transaction rolls back and the client
 * gets 503 with nothing changed; if the commit fails afterwards, the cache write is taken back.
 * Every mint records the owner's version in the cache the same way, so no token leaves without it.
 */
@ApplicationScoped
public class SessionService {

    /** How close to a rotation a duplicate of its parent counts as concurrent rather than reused. */
    static final Duration RACE_WINDOW = Duration.ofSeconds(2);
    /** Session denials written to Redis per script call (a user may have many sessions). */
    static final int DENIALS_PER_WRITE = 500;

    private static final Logger LOG = Logger.getLogger(SessionService.class);
    private static final Logger AUDIT = Logger.getLogger("latchkey.audit");

    private final LatchkeyConfig config;
    private final AuditTrail audit;
    private final LatchkeyMetrics metrics;
    private final SessionStore store;
    private final Transactions transactions;
    private final RevocationCache cache;
    private final AccessTokenIssuer issuer;
    private final EventOutbox events;

    SessionService(LatchkeyConfig config, AuditTrail audit, LatchkeyMetrics metrics, SessionStore store,
            Transactions transactions, RevocationCache cache, AccessTokenIssuer issuer, EventOutbox events) {
        this.config = config;
        this.events = events;
        this.audit = audit;
        this.metrics = metrics;
        this.store = store;
        this.transactions = transactions;
        this.cache = cache;
        this.issuer = issuer;
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

    /** A refresh token that would rotate now: its session, user, when it was issued and when its family ends. */
    public record LiveRefreshToken(UUID familyId, SessionUser user, Instant issuedAt, Instant expiresAt) {
    }

    /** A grant in the making: the refresh token and the user, and the token version to mint with. */
    private record Minted(IssuedRefreshToken refresh, SessionUser user, long tokenVersion) {
    }

    /**
     * Starts a new family for the user: its first refresh token and an access token. The user is
     * read again in the session's transaction, so a disable that committed since the password
     * check stops the login, and the token carries the user's current version.
     */
    public Grant start(UUID userId, ClientInfo client) {
        Minted minted = revoking(tx -> {
            SessionStore.UserRow user = store.userForLogin(tx, userId)
                    .filter(u -> !u.disabled())
                    .orElseThrow(LatchkeyException::invalidGrant);
            // the session cap: a login beyond it ends the least recently used sessions first
            int surplus = store.countLive(tx, userId) + 1 - config.maxSessionsPerUser();
            List<String> evicted = new ArrayList<>();
            if (surplus > 0) {
                for (UUID id : store.evictLeastRecentlyUsed(tx, userId, surplus)) {
                    evicted.add(id.toString());
                    audit.record(tx, AuditType.SESSION_EVICTED, true, userId, id, client);
                }
                AUDIT.infof("sessions evicted: user %s, %d session(s) over the cap of %d", userId, evicted.size(),
                        config.maxSessionsPerUser());
            }
            Instant now = user.now();
            Instant absoluteExpiresAt = now.plus(config.refreshAbsoluteTtl());
            Instant idleExpiresAt = earlier(now.plus(config.refreshIdleTtl()), absoluteExpiresAt);
            UUID familyId = UUID.randomUUID();
            String raw = OpaqueTokens.generate();
            store.insertFamily(tx, familyId, userId, now, idleExpiresAt, absoluteExpiresAt, client.userAgent(),
                    client.ip(), UUID.randomUUID(), OpaqueTokens.hash(raw));
            audit.record(tx, AuditType.LOGIN, true, userId, familyId, client);
            cache.recordMint(Owner.user(userId), user.tokenVersion());
            return new Revocation<>(new Minted(new IssuedRefreshToken(familyId, earlier(idleExpiresAt, absoluteExpiresAt),
                    raw, now), new SessionUser(userId, user.username(), user.roles()), user.tokenVersion()),
                    evicted.isEmpty() ? null : RevocationWrite.sessions(Owner.user(userId), evicted));
        });
        return grant(minted);
    }

    private Grant grant(Minted minted) {
        SessionUser user = minted.user();
        return new Grant(issuer.issueForUser(user.id(), user.username(), user.roles(), minted.refresh().familyId(),
                minted.tokenVersion(), minted.refresh().now()), minted.refresh(), user);
    }

    /**
     * Rotates a refresh token (DESIGN.md "Rotation, grace and reuse"). A refusal is returned, not
     * thrown, so that a reuse revocation commits even though the client gets an error.
     * <p>
     * The live family and the presented token are locked in one statement; a current token is
     * rotated in one more (see {@link SessionStore}). Unknown, revoked and expired tokens all
     * cost the same two plain reads, so timing tells them apart for nobody.
     */
    public Rotation rotate(String raw, ClientInfo client) {
        Decision decision;
        if (!OpaqueTokens.isWellFormed(raw)) {
            decision = Decision.refused(Outcome.INVALID, null, "malformed refresh token");
        } else {
            byte[] hash = OpaqueTokens.hash(raw);
            decision = transactions.run(tx -> decide(tx, raw, hash));
        }
        Rotation rotation;
        if (decision.reused() != null) {
            rotation = revokeForReuse(decision.reused(), client);
        } else if (decision.minted() != null) {
            // the access token is signed after the commit, outside the family's row lock
            rotation = new Rotation(grant(decision.minted()), decision.outcome());
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
    private record Decision(Outcome outcome, Minted minted, SessionStore.Locked reused) {
        static Decision refused(Outcome outcome, UUID familyId, String reason) {
            LOG.debugf("refresh refused: %s (family %s)", reason, familyId == null ? "-" : familyId);
            return new Decision(outcome, null, null);
        }
    }

    private Decision decide(Tx tx, String raw, byte[] hash) throws SQLException {
        Optional<SessionStore.Locked> found = store.lockLive(tx, hash);
        if (found.isEmpty()) {
            Optional<Boolean> revoked = store.revoked(tx, hash); // only to name the reason
            Outcome outcome = revoked.isEmpty() ? Outcome.INVALID : revoked.get() ? Outcome.REVOKED : Outcome.EXPIRED;
            return Decision.refused(outcome, null, "refresh token " + outcome.name().toLowerCase(Locale.ROOT));
        }
        SessionStore.Locked locked = found.get();
        if (locked.userDisabled()) {
            return Decision.refused(Outcome.REVOKED, locked.familyId(), "user disabled");
        }
        Instant now = locked.now();
        SessionUser user = new SessionUser(locked.userId(), locked.username(), locked.roles());
        if (locked.rotatedAt() == null) {
            Instant idleExpiresAt = earlier(now.plus(config.refreshIdleTtl()), locked.absoluteExpiresAt());
            String successor = OpaqueTokens.generate();
            store.rotate(tx, locked, UUID.randomUUID(), OpaqueTokens.hash(successor),
                    SuccessorEnvelope.seal(raw, locked.tokenId(), successor), idleExpiresAt);
            cache.recordMint(Owner.user(locked.userId()), locked.tokenVersion());
            return new Decision(Outcome.ROTATED, new Minted(
                    new IssuedRefreshToken(locked.familyId(), idleExpiresAt, successor, now), user, locked.tokenVersion()),
                    null);
        }
        boolean successorCurrent = locked.successorId() != null && store.isCurrent(tx, locked.successorId());
        Duration grace = config.refreshGrace();
        if (successorCurrent && !grace.isZero() && !grace.isNegative() && now.isBefore(locked.rotatedAt().plus(grace))) {
            String same = SuccessorEnvelope.open(raw, locked.tokenId(), locked.successorEnvelope());
            if (same != null) {
                LOG.debugf("refresh retried within grace: family %s", locked.familyId());
                cache.recordMint(Owner.user(locked.userId()), locked.tokenVersion());
                Instant expiresAt = earlier(locked.idleExpiresAt(), locked.absoluteExpiresAt());
                return new Decision(Outcome.GRACE,
                        new Minted(new IssuedRefreshToken(locked.familyId(), expiresAt, same, now), user,
                                locked.tokenVersion()),
                        null);
            }
        }
        // With the grace window off, requests that raced for the same rotation (rotated under
        // RACE_WINDOW ago, successor still unused) get invalid_grant but do not count as reuse:
        // they were in flight with the winner, not replayed after it, and nothing is handed out.
        if (successorCurrent && now.isBefore(locked.rotatedAt().plus(RACE_WINDOW))) {
            return Decision.refused(Outcome.CONCURRENT, locked.familyId(), "lost the race to a concurrent refresh");
        }
        return new Decision(Outcome.REUSE_DETECTED, null, locked);
    }

    /** Revokes the family (or, configured so, every session and token of the user) after a detected reuse. */
    private Rotation revokeForReuse(SessionStore.Locked reused, ClientInfo client) {
        UUID userId = reused.userId();
        Owner owner = Owner.user(userId);
        boolean everySession = config.reuseRevokes() == LatchkeyConfig.ReuseRevokes.USER;
        Integer killed = revoking(tx -> {
            if (store.lockFamily(tx, reused.familyId()).filter(f -> !f.revoked()).isEmpty()) {
                return new Revocation<>(null, RevocationWrite.sessions(owner, List.of())); // ended meanwhile
            }
            RevocationWrite write;
            int count;
            if (everySession) {
                count = store.revokeAll(tx, userId, RevokeReason.REUSE_DETECTED);
                write = RevocationWrite.version(owner, store.raiseTokenVersion(tx, userId));
            } else {
                store.revokeFamily(tx, reused.familyId(), RevokeReason.REUSE_DETECTED);
                count = 1;
                write = RevocationWrite.sessions(owner, List.of(reused.familyId().toString()));
            }
            audit.record(tx, AuditType.REFRESH_REUSE_DETECTED, false, userId, reused.familyId(), client);
            // the alarm for the user: where the reused (most likely stolen) token came from
            events.write(tx.connection(), EventType.SESSION_REUSE_DETECTED, userId,
                    EventOutbox.data("user_id", userId.toString(), "session_id", reused.familyId().toString(), "ip",
                            client == null ? null : client.ip(), "user_agent",
                            client == null ? null : client.userAgent(), "sessions_revoked", count));
            return new Revocation<>(count, write);
        });
        if (killed != null) {
            AUDIT.warnf("refresh token reuse detected: user %s, family %s revoked (%s; %d session(s) killed)", userId,
                    reused.familyId(), config.reuseRevokes().name().toLowerCase(Locale.ROOT), killed);
        }
        return new Rotation(null, Outcome.REUSE_DETECTED);
    }

    /**
     * Logout: revokes the family of this refresh token and, when the caller sent it, denies its
     * access token too, in one transaction. Unknown or already revoked tokens are fine: nothing
     * happens and nothing is said.
     *
     * @param bearer the access token sent with the logout, if any (already verified)
     */
    public void logout(String raw, Optional<DeniedToken> bearer, ClientInfo client) {
        revokeByToken(raw, AuditType.LOGOUT, bearer, client);
        metrics.logout("logout");
    }

    /** RFC 7009 for a refresh token: its family is revoked, as at logout. */
    public void revokeRefreshToken(String raw, ClientInfo client) {
        revokeByToken(raw, AuditType.TOKEN_REVOKED, Optional.empty(), client);
        metrics.logout("revoke");
    }

    /** An access token to deny until it expires: its id, expiry, and owner. */
    public record DeniedToken(UUID jti, Instant expiresAt, Owner owner) {
    }

    private void revokeByToken(String raw, AuditType why, Optional<DeniedToken> bearer, ClientInfo client) {
        byte[] hash = OpaqueTokens.isWellFormed(raw) ? OpaqueTokens.hash(raw) : null;
        if (hash == null && bearer.isEmpty()) {
            return;
        }
        revoking(tx -> {
            List<RevocationWrite> writes = new ArrayList<>();
            if (bearer.isPresent()) {
                DeniedToken token = bearer.get();
                store.denyToken(tx, token.jti(), token.owner().id(), token.expiresAt());
                writes.add(RevocationWrite.token(token.owner(), token.jti().toString()));
            }
            Optional<SessionStore.FamilyRow> family = hash == null ? Optional.empty() : store.lockFamilyOfToken(tx, hash);
            if (family.isPresent() && !family.get().revoked()) {
                SessionStore.FamilyRow f = family.get();
                store.revokeFamily(tx, f.id(), RevokeReason.LOGOUT);
                audit.record(tx, why, true, f.userId(), f.id(), client);
                writes.add(RevocationWrite.sessions(Owner.user(f.userId()), List.of(f.id().toString())));
                AUDIT.infof("session revoked: user %s, family %s, reason %s", f.userId(), f.id(), RevokeReason.LOGOUT.code());
            }
            return new Revocation<>(null, merged(writes));
        });
    }

    /** One write per owner (a logout's bearer token and its refresh token are almost always the same user's). */
    private static List<RevocationWrite> merged(List<RevocationWrite> writes) {
        List<RevocationWrite> merged = new ArrayList<>();
        for (RevocationWrite write : writes) {
            int same = -1;
            for (int i = 0; i < merged.size(); i++) {
                if (merged.get(i).owner().equals(write.owner())) {
                    same = i;
                }
            }
            if (same < 0) {
                merged.add(write);
            } else {
                merged.set(same, merged.get(same).and(write));
            }
        }
        return merged;
    }

    /** RFC 7009 for an access token (or a logout's bearer token alone): denied until it expires. */
    public void denyAccessToken(DeniedToken token) {
        revoking(tx -> {
            store.denyToken(tx, token.jti(), token.owner().id(), token.expiresAt());
            return new Revocation<>(null, RevocationWrite.token(token.owner(), token.jti().toString()));
        });
    }

    /** The live refresh token with this raw value (for introspection); empty if unknown, rotated or ended. */
    public Optional<LiveRefreshToken> findLive(String raw) {
        if (!OpaqueTokens.isWellFormed(raw)) {
            return Optional.empty();
        }
        try {
            return store.findLive(OpaqueTokens.hash(raw));
        } catch (SQLException e) {
            throw new PersistenceException("refresh token lookup failed", e);
        }
    }

    /** One page of a user's live sessions, and the cursor of the next one (null on the last). */
    public record SessionPage(List<LiveSession> sessions, String next) {
    }

    /**
     * The user's live sessions, most recently used first, {@code limit} at a time from the page
     * {@code cursor} names (null: the first). A cursor is opaque to clients: the last session
     * of the page before, as (last used, id); 400 if it is not one of ours.
     */
    public SessionPage sessions(UUID userId, int limit, String cursor) {
        Instant afterLastUsed = null;
        UUID afterId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split("/");
                long micros = Long.parseLong(parts[0]);
                afterLastUsed = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                        Math.floorMod(micros, 1_000_000) * 1000L);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw LatchkeyException.invalidRequest("cursor is not valid");
            }
        }
        List<LiveSession> rows;
        try {
            rows = store.page(userId, afterLastUsed, afterId, limit + 1);
        } catch (SQLException e) {
            throw new PersistenceException("listing sessions failed", e);
        }
        if (rows.size() <= limit) {
            return new SessionPage(rows, null);
        }
        LiveSession last = rows.get(limit - 1);
        long micros = last.lastUsedAt().getEpochSecond() * 1_000_000 + last.lastUsedAt().getNano() / 1000;
        String next = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "/" + last.id()).getBytes(StandardCharsets.US_ASCII));
        return new SessionPage(rows.subList(0, limit), next);
    }

    /** True if this raw value is a refresh token we issued (current, rotated or of an ended family). */
    public boolean isKnownRefreshToken(String raw) {
        return OpaqueTokens.isWellFormed(raw) && RefreshToken.findByHash(OpaqueTokens.hash(raw)).isPresent();
    }

    /** Revokes one session of {@code userId}; 404 if it is not theirs or does not exist. */
    public void revokeSession(UUID userId, UUID familyId, ClientInfo client) {
        revoking(tx -> {
            SessionStore.FamilyRow family = store.lockFamily(tx, familyId)
                    .filter(f -> f.userId().equals(userId))
                    .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such session"));
            if (family.revoked()) {
                return new Revocation<>(null, RevocationWrite.sessions(Owner.user(userId), List.of()));
            }
            store.revokeFamily(tx, familyId, RevokeReason.LOGOUT);
            audit.record(tx, AuditType.SESSION_REVOKED, true, userId, familyId, client);
            AUDIT.infof("session revoked: user %s, family %s, reason %s", userId, familyId, RevokeReason.LOGOUT.code());
            return new Revocation<>(null, RevocationWrite.sessions(Owner.user(userId), List.of(familyId.toString())));
        });
        metrics.logout("session");
    }

    /**
     * Revokes every session of the user and every access token minted so far (logout-all): one
     * statement for the sessions, however many, and one raised token version for the tokens.
     * {@code current} is the sid of the caller, for the audit trail.
     */
    public int logoutAll(UUID userId, UUID current, ClientInfo client) {
        int killed = revoking(tx -> {
            Revocation<Integer> revocation = revokeEverything(tx, userId, RevokeReason.LOGOUT_ALL);
            audit.record(tx, AuditType.LOGOUT_ALL, true, userId, current, client);
            return revocation;
        });
        metrics.logout("logout_all");
        return killed;
    }

    /**
     * Inside the caller's transaction: every session of the user ends and every access token
     * minted so far is refused (a raised token version). Returns how many sessions ended, and the
     * cache write the caller's transaction must make before its commit.
     */
    public Revocation<Integer> revokeEverything(Tx tx, UUID userId, RevokeReason reason) throws SQLException {
        int count = store.revokeAll(tx, userId, reason);
        long version = store.raiseTokenVersion(tx, userId);
        AUDIT.infof("sessions revoked: user %s, %d session(s), every access token, reason %s", userId, count,
                reason.code());
        return new Revocation<>(count, RevocationWrite.version(Owner.user(userId), version));
    }

    /**
     * Inside the caller's transaction (a role change): every access token of the user minted so
     * far is refused (a raised token version); the sessions stay, and their next refresh mints
     * with what the user is now.
     */
    public Revocation<Void> refuseAccessTokens(Tx tx, UUID userId) throws SQLException {
        long version = store.raiseTokenVersion(tx, userId);
        AUDIT.infof("access tokens refused: user %s, every access token, sessions kept", userId);
        return new Revocation<>(null, RevocationWrite.version(Owner.user(userId), version));
    }

    /** How many live sessions each of these users has (absent: none). */
    public Map<UUID, Integer> liveSessionCounts(List<UUID> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        try {
            return store.countLive(userIds);
        } catch (SQLException e) {
            throw new PersistenceException("counting sessions failed", e);
        }
    }

    /**
     * Inside the caller's transaction (a password change): every session of the user but
     * {@code keep} ends, with its access tokens; the kept session and its tokens stay valid.
     */
    public Revocation<Integer> revokeOthers(Tx tx, UUID userId, UUID keep, RevokeReason reason) throws SQLException {
        List<UUID> ended = store.revokeOthers(tx, userId, keep, reason);
        List<String> sids = new ArrayList<>(ended.size());
        ended.forEach(id -> sids.add(id.toString()));
        AUDIT.infof("sessions revoked: user %s, %d session(s), reason %s", userId, ended.size(), reason.code());
        return new Revocation<>(ended.size(), RevocationWrite.sessions(Owner.user(userId), sids));
    }

    /** A revocation's result and the cache writes (one per owner) that must accompany its commit. */
    public record Revocation<T>(T result, List<RevocationWrite> writes) {
        public Revocation(T result, RevocationWrite write) {
            this(result, write == null ? List.of() : List.of(write));
        }
    }

    /** Work of a revocation inside its transaction. */
    public interface RevocationWork<T> {
        Revocation<T> run(Tx tx) throws SQLException;
    }

    /**
     * Runs a revocation: its statements, then its cache write (in chunks for many sessions), then
     * the commit; after the commit the write is asserted again (a flush in between must not lose
     * it), and after a rollback the database confirmed, it is taken back. Any failure is 503 with
     * nothing revoked (or, when the commit's outcome cannot be learned, a 503 that may have).
     */
    public <T> T revoking(RevocationWork<T> work) {
        List<RevocationWrite> written = new ArrayList<>();
        Revocation<T> done;
        try {
            done = transactions.run(tx -> {
                written.clear();
                Revocation<T> revocation = work.run(tx);
                for (RevocationWrite write : revocation.writes()) {
                    for (RevocationWrite chunk : chunks(write)) {
                        cache.write(chunk);
                        written.add(chunk);
                    }
                }
                return revocation;
            });
        } catch (Transactions.CommitUnknownException unknown) {
            throw unknown; // it may have committed: the cache write stays
        } catch (RuntimeException failed) {
            written.forEach(cache::undo);
            throw failed;
        }
        written.forEach(cache::reassert);
        return done.result();
    }

    private static List<RevocationWrite> chunks(RevocationWrite write) {
        if (write == null || write.isEmpty()) {
            return List.of();
        }
        if (write.sids().size() <= DENIALS_PER_WRITE) {
            return List.of(write);
        }
        List<RevocationWrite> chunks = new ArrayList<>();
        List<String> sids = write.sids();
        for (int from = 0; from < sids.size(); from += DENIALS_PER_WRITE) {
            List<String> part = sids.subList(from, Math.min(sids.size(), from + DENIALS_PER_WRITE));
            chunks.add(new RevocationWrite(write.owner(), part, from == 0 ? write.jtis() : List.of(),
                    from == 0 ? write.version() : null));
        }
        return chunks;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
