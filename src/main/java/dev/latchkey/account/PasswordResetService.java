package dev.latchkey.account;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.InputLimits;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.Transactions;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.Failures;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.OutageLog;
import dev.latchkey.events.EventOutbox;
import dev.latchkey.events.EventType;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.session.RevokeReason;
import dev.latchkey.session.SessionService;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Password-reset tokens (API.md "Password reset"): issued to the admin client, which delivers them
 * by its own channel; opaque, 256 bits from a CSPRNG, stored only as their SHA-256, valid for
 * {@code latchkey.password-reset-ttl} on the database's clock, single use, and only the user's
 * newest one. Using one sets the password (under the password policy) and revokes every session
 * and access token of the user, as logout-all. A token's value is never logged.
 */
@ApplicationScoped
public class PasswordResetService {

    /** The throttling purpose of failed reset-token checks (per client address). */
    static final String THROTTLE = "password-reset";
    /** Self-service requests waiting to be carried out, at most. */
    static final int REQUEST_QUEUE = 1000;
    /**
     * How long after its answer a self-service request is carried out: a random time between these
     * two. Work that starts while the answer is still being written shares the CPU with it and made
     * the answers for existing users measurably slower on a busy machine (13 % on 2 cores in CI,
     * 0.2 ms); a fixed delay made it fall on the same later requests of a regular sequence. Started
     * at a random later moment it falls on whichever requests are in flight, known users or not.
     */
    static final long CARRY_OUT_MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long CARRY_OUT_MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final Logger LOG = Logger.getLogger(PasswordResetService.class);

    private static final Logger AUDIT = Logger.getLogger("latchkey.audit");

    /** A reset token for the admin client to deliver, and how long it stays valid. */
    public record IssuedReset(String token, long expiresIn) {
        @Override
        public String toString() {
            return "IssuedReset[expiresIn=" + expiresIn + "]"; // never the token
        }
    }

    private final UserStore store;
    private final Transactions transactions;
    private final SessionService sessions;
    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AuditTrail audit;
    private final LatchkeyMetrics metrics;
    private final Duration ttl;
    private final EventOutbox events;
    /**
     * Self-service requests are carried out here, after their answer: one thread, and a bounded
     * queue (a full one answers 503, whatever the username).
     */
    private final ThreadPoolExecutor requests = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(REQUEST_QUEUE), r -> {
                Thread thread = new Thread(r, "latchkey-reset-requests");
                thread.setDaemon(true);
                return thread;
            });

    PasswordResetService(UserStore store, Transactions transactions, SessionService sessions, PasswordPolicy policy,
            PasswordHasher hasher, LoginThrottle throttle, AuditTrail audit, LatchkeyMetrics metrics,
            LatchkeyConfig config, EventOutbox events) {
        this.events = events;
        this.store = store;
        this.transactions = transactions;
        this.sessions = sessions;
        this.policy = policy;
        this.hasher = hasher;
        this.throttle = throttle;
        this.audit = audit;
        this.metrics = metrics;
        this.ttl = config.passwordResetTtl();
    }

    /** A new reset token for the user, voiding any earlier one; 404 if there is no user. */
    public IssuedReset issue(UUID userId, ClientInfo client, String actingClient) {
        String raw = OpaqueTokens.generate();
        transactions.run(tx -> {
            store.lock(tx, userId).orElseThrow(UserAdminService::noSuchUser);
            store.replaceResetToken(tx, userId, OpaqueTokens.hash(raw), ttl);
            audit.record(tx, AuditType.ADMIN_PASSWORD_RESET, true, userId, null, client, actingClient);
            return null;
        });
        AUDIT.infof("password reset token issued by client %s: user %s", actingClient, userId);
        return new IssuedReset(raw, ttl.toSeconds());
    }

    /**
     * A self-service request ({@code POST /auth/password-reset/request}): for an existing, enabled
     * user a reset token is issued and delivered as {@code user.password_reset_requested}, for the
     * application's backend to send. The answer is the same whether or not the user exists, and
     * takes the same time: the request is only checked and throttled (per address) here, and carried
     * out after the answer, on a thread of its own. 404 {@code not_found} without a webhook (nobody
     * could deliver the token).
     */
    public void request(String username, ClientInfo client) {
        if (!events.enabled()) {
            throw new LatchkeyException(ErrorCode.NOT_FOUND,
                    "password reset requests need a webhook receiver (latchkey.webhook-url)");
        }
        if (username == null || username.isEmpty()) {
            throw LatchkeyException.invalidRequest("username is required");
        }
        throttle.checkResetRequest(client.ip());
        String canonical = Usernames.canonicalOrNull(username);
        long due = System.nanoTime()
                + ThreadLocalRandom.current().nextLong(CARRY_OUT_MIN_DELAY_NANOS, CARRY_OUT_MAX_DELAY_NANOS);
        try {
            requests.execute(() -> {
                waitUntil(due);
                carryOut(canonical, client);
            });
        } catch (RejectedExecutionException e) {
            throw LatchkeyException.unavailable();
        }
    }

    /** Sleeps until {@code due} (a {@link System#nanoTime()}); at once if the request waited in the queue that long. */
    private static void waitUntil(long due) {
        long left = due - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: carry it out now
            }
        }
    }

    /** Issues the token of a self-service request and writes its event, in one transaction; nothing for no user. */
    void carryOut(String canonicalUsername, ClientInfo client) {
        if (canonicalUsername == null) {
            return; // not a username anybody can have
        }
        String raw = OpaqueTokens.generate();
        try {
            UUID issued = transactions.run(tx -> {
                Optional<UserStore.UserRow> user = store.lockByUsername(tx, canonicalUsername);
                if (user.isEmpty() || user.get().disabled()) {
                    return null;
                }
                UUID id = user.get().id();
                Instant expiresAt = store.replaceResetToken(tx, id, OpaqueTokens.hash(raw), ttl);
                audit.record(tx, AuditType.PASSWORD_RESET_REQUESTED, true, id, null, client);
                events.write(tx.connection(), EventType.USER_PASSWORD_RESET_REQUESTED, id,
                        EventOutbox.data("user_id", id.toString(), "username", user.get().username(), "expires_at",
                                EventOutbox.time(expiresAt)),
                        Map.of("reset_token", raw));
                return id;
            });
            if (issued != null) {
                AUDIT.infof("password reset requested: user %s, token issued for the webhook receiver", issued);
            }
        } catch (RuntimeException e) {
            if (Failures.isUnavailable(e)) {
                OutageLog.failed(Failures.dependencyOf(e), "password reset request", e);
            } else {
                LOG.errorf(e, "a password reset request failed; nothing was issued");
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        requests.shutdown();
        try {
            requests.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets a new password with a reset token, and revokes every session and access token of the
     * user. 400 {@code invalid_grant} for an unknown, expired, used or voided token (such failures
     * are throttled per client address); 400 {@code invalid_request} for a password the policy
     * refuses (the token stays usable).
     */
    public void reset(String token, String newPassword, ClientInfo client) {
        if (token == null || token.isEmpty()) {
            throw LatchkeyException.invalidRequest("reset_token is required");
        }
        if (newPassword == null || newPassword.isEmpty() || newPassword.length() > InputLimits.PASSWORD) {
            throw LatchkeyException.invalidRequest("new_password is required and at most " + InputLimits.PASSWORD
                    + " characters");
        }
        byte[] hash = OpaqueTokens.isWellFormed(token) ? OpaqueTokens.hash(token) : null;
        UserStore.ResetTarget target = check(hash, client);
        policy.check(newPassword, target.username());
        String passwordHash = metrics.timePasswordHash(() -> hasher.hash(newPassword));
        int ended = sessions.revoking(tx -> {
            // used up in the transaction that uses it: of two concurrent resets with one token, one wins
            UUID userId = store.consumeResetToken(tx, hash).orElseThrow(PasswordResetService::invalidToken);
            store.setPassword(tx, userId, passwordHash);
            SessionService.Revocation<Integer> everything = sessions.revokeEverything(tx, userId,
                    RevokeReason.PASSWORD_RESET);
            audit.record(tx, AuditType.PASSWORD_RESET, true, userId, null, client);
            events.write(tx.connection(), EventType.USER_PASSWORD_CHANGED, userId,
                    AccountService.passwordChanged(userId, everything.result(), "reset"));
            return everything;
        });
        metrics.logout("password_reset");
        AUDIT.infof("password reset: user %s, %d session(s) ended", target.userId(), ended);
    }

    /** The user of a usable token, or 400 {@code invalid_grant}, counted against the client address. */
    private UserStore.ResetTarget check(byte[] hash, ClientInfo client) {
        LoginThrottle.Attempt attempt = throttle.reserveForAddress(THROTTLE, client.ip());
        Optional<UserStore.ResetTarget> target;
        try {
            target = hash == null ? Optional.empty() : store.findResetToken(hash);
        } catch (SQLException e) {
            attempt.passed(); // the check did not complete: nothing counts
            throw new PersistenceException("reading a reset token failed", e);
        } catch (RuntimeException e) {
            attempt.passed();
            throw e;
        }
        if (target.isEmpty()) {
            attempt.failed();
            throw invalidToken();
        }
        attempt.passed();
        return target.get();
    }

    /** API.md: an unknown, expired, used or voided reset token is 400 {@code invalid_grant}. */
    static LatchkeyException invalidToken() {
        return new LatchkeyException(ErrorCode.INVALID_GRANT, "the reset token is unknown, expired or already used")
                .withStatus(400);
    }
}
