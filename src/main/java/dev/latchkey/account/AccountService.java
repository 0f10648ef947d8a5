package dev.latchkey.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.config.InputLimits;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.events.EventOutbox;
import dev.latchkey.events.EventType;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.session.RevokeReason;
import dev.latchkey.session.SessionService;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Accounts: registration, password checks and password change. argon2id work always happens
 * outside any transaction, so a login never holds a database connection while hashing.
 */
@ApplicationScoped
public class AccountService {

    private static final Logger AUDIT = Logger.getLogger("latchkey.audit");

    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SessionService sessions;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final AuditTrail audit;
    private final LatchkeyMetrics metrics;
    private final UserStore users;
    private final EventOutbox events;

    public AccountService(PasswordHasher hasher, PasswordPolicy policy, SessionService sessions, Clock clock,
            LoginThrottle throttle, AuditTrail audit, LatchkeyMetrics metrics, UserStore users, EventOutbox events) {
        this.users = users;
        this.events = events;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.clock = clock;
        this.throttle = throttle;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * Creates an account; 409 {@code conflict} if the (case-folded) username is taken, 429 if this
     * address registered too often within the window.
     */
    public User register(String username, String password, ClientInfo client) {
        throttle.checkRegistration(client.ip());
        return create(username, password, Roles.DEFAULT, AuditType.REGISTER, client, null);
    }

    /**
     * Creates an account with these roles (already checked), and without a password when
     * {@code password} is null (it cannot sign in until a reset token sets one); 409
     * {@code conflict} if the username is taken. The event names the admin client, if one acted.
     */
    User create(String username, String password, List<String> roles, AuditType event, ClientInfo client,
            String actingClient) {
        String canonical = Usernames.canonical(username);
        if (password != null) {
            policy.check(password, canonical);
        }
        if (User.findByUsername(canonical).isPresent()) {
            throw taken();
        }
        String hash = password == null ? null : metrics.timePasswordHash(() -> hasher.hash(password));
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Instant now = clock.instant();
                User user = new User();
                user.id = UUID.randomUUID();
                user.username = canonical;
                user.passwordHash = hash;
                user.roles = roles.toArray(String[]::new);
                user.createdAt = now;
                user.passwordChangedAt = hash == null ? null : now;
                user.persistAndFlush();
                audit.record(event, true, user.id, null, client, actingClient);
                // on the JDBC connection of this same transaction
                Panache.getEntityManager().unwrap(Session.class).doWork(connection -> events.write(connection,
                        EventType.USER_REGISTERED, user.id,
                        EventOutbox.data("user_id", user.id.toString(), "username", user.username)));
                AUDIT.infof("user created: %s%s", user.id, actingClient == null ? "" : " by client " + actingClient);
                return user;
            });
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw taken(); // lost a race with another registration of the same name
            }
            throw e;
        }
    }

    /** Signs in: checks the credentials, starts a session and answers its grant (both APIs). */
    public SessionService.Grant login(String username, String password, ClientInfo client) {
        User user = authenticate(username, password, client);
        return sessions.start(user.id, client);
    }

    /**
     * The user these credentials belong to, or 401 {@code invalid_grant}. Unknown users cost one
     * argon2id verification too, so the answer's timing does not tell them apart. Past the failure
     * limit for this username and address the answer is 429, before any password is checked.
     */
    private User authenticate(String username, String password, ClientInfo client) {
        // a request without a username or password is malformed, not a failed guess: 400, and the
        // throttle never sees it
        if (username == null || username.isEmpty()) {
            throw LatchkeyException.invalidRequest("username is required");
        }
        if (password == null || password.isEmpty() || password.length() > InputLimits.PASSWORD) {
            throw LatchkeyException.invalidRequest("password is required and at most " + InputLimits.PASSWORD
                    + " characters");
        }
        String canonical = Usernames.canonicalOrNull(username);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.reserve(canonical, client.ip());
        } catch (LatchkeyException e) {
            if (e.code() == ErrorCode.SLOW_DOWN) {
                metrics.login("throttled");
            }
            throw e;
        }
        User user;
        boolean correct;
        try {
            Optional<User> found = canonical == null ? Optional.empty() : User.findByUsername(canonical);
            if (found.isEmpty()) {
                metrics.timePasswordHash(() -> {
                    hasher.verifyDummy(password);
                    return null;
                });
                user = null;
                correct = false;
            } else {
                user = found.get();
                // a disabled account counts as a failure too, decided only after the password
                // check: neither the answer, nor its time, nor the limit tells it apart. An
                // account without a password never matches (its check costs the same time).
                correct = metrics.timePasswordHash(() -> hasher.verify(password, found.get().passwordHash))
                        && !user.disabled;
            }
        } catch (RuntimeException e) {
            attempt.passed(); // the check did not complete (a dependency failed): nothing counts
            throw e;
        }
        if (!correct) {
            attempt.failed();
            fail(user == null ? null : user.id, client);
        }
        attempt.passed();
        metrics.login("success");
        if (hasher.needsRehash(user.passwordHash)) {
            String upgraded = hasher.hash(password);
            UUID id = user.id;
            QuarkusTransaction.requiringNew().run(() -> User.update("passwordHash = ?1 where id = ?2", upgraded, id));
        }
        return user;
    }

    /**
     * Changes the password after checking the current one, and revokes every other session of the
     * user (and their access tokens). The caller's session {@code keepSession} stays valid.
     */
    public void changePassword(UUID userId, UUID keepSession, String currentPassword, String newPassword,
            ClientInfo client) {
        if (currentPassword == null || currentPassword.length() > InputLimits.PASSWORD) {
            throw LatchkeyException.invalidRequest("current_password is required");
        }
        User user = User.<User> findByIdOptional(userId).orElseThrow(LatchkeyException::invalidToken);
        // a stolen access token must not buy unlimited guesses at the password (NIST SP 800-63B §5.2.2)
        LoginThrottle.Attempt attempt = throttle.reserve("password-change:" + userId, client.ip());
        boolean correct;
        try {
            correct = metrics.timePasswordHash(() -> hasher.verify(currentPassword, user.passwordHash));
        } catch (RuntimeException e) {
            attempt.passed();
            throw e;
        }
        if (!correct) {
            attempt.failed();
            throw LatchkeyException.invalidGrant();
        }
        attempt.passed();
        policy.check(newPassword, user.username);
        String hash = hasher.hash(newPassword);
        sessions.revoking(tx -> {
            users.setPassword(tx, userId, hash);
            SessionService.Revocation<Integer> others = sessions.revokeOthers(tx, userId, keepSession,
                    RevokeReason.PASSWORD_CHANGE);
            audit.record(tx, AuditType.PASSWORD_CHANGE, true, userId, keepSession, client);
            events.write(tx.connection(), EventType.USER_PASSWORD_CHANGED, userId,
                    passwordChanged(userId, others.result(), "change"));
            return others;
        });
        metrics.logout("password_change");
        AUDIT.infof("password changed: user %s", userId);
    }

    /** The data of {@code user.password_changed}. */
    static Map<String, Object> passwordChanged(UUID userId, int sessionsRevoked, String reason) {
        return EventOutbox.data("user_id", userId.toString(), "sessions_revoked", sessionsRevoked, "reason", reason);
    }

    /** A failed login: counted for throttling, metrics and (for known users) the audit trail; then 401. */
    private void fail(UUID userId, ClientInfo client) {
        metrics.login("failure"); // the throttle has counted it
        // unknown users are recorded too (without a user): same work, same time, and operators see them
        audit.recordAlone(AuditType.LOGIN, false, userId, null, client);
        throw LatchkeyException.invalidGrant();
    }

    private static LatchkeyException taken() {
        return new LatchkeyException(ErrorCode.CONFLICT, "this username is taken");
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
