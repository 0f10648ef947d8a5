package dev.latchkey.account;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.InputLimits;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.db.Transactions;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.session.RevokeReason;
import dev.latchkey.session.SessionService;

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

    PasswordResetService(UserStore store, Transactions transactions, SessionService sessions, PasswordPolicy policy,
            PasswordHasher hasher, LoginThrottle throttle, AuditTrail audit, LatchkeyMetrics metrics,
            LatchkeyConfig config) {
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
