package dev.latchkey.account;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.db.Transactions.Tx;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.events.EventOutbox;
import dev.latchkey.events.EventType;
import dev.latchkey.metrics.LatchkeyMetrics;
import dev.latchkey.revocation.RevocationWrite;
import dev.latchkey.session.RevokeReason;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.SessionService.Revocation;

/**
 * Users as an application's trusted backend manages them through the admin API (API.md "Admin
 * API"). Every change that takes something away (disable, a role change, delete, ending the
 * sessions) goes through the same revocation path as logout-all: recorded in PostgreSQL in the
 * change's transaction, written to the Redis cache before its commit, 503 with nothing changed if
 * either cannot be done ({@link SessionService#revoking}). Every action is an audit event naming
 * the admin client ({@code actingClient}).
 */
@ApplicationScoped
public class UserAdminService {

    private static final Logger AUDIT = Logger.getLogger("latchkey.audit");

    /** A user as the admin API shows it; times null when it never happened. */
    public record UserDetails(UUID id, String username, List<String> roles, boolean disabled, Instant createdAt,
            Instant passwordChangedAt, Instant lastLoginAt, int activeSessions) {
    }

    /** One page of users, and the cursor of the next one (null on the last). */
    public record UserPage(List<UserDetails> users, String next) {
    }

    /**
     * A JSON merge patch of a user, as parsed: a null field was absent from the patch (the API
     * layer refuses an explicit JSON null).
     */
    public record UserPatch(List<String> roles, Boolean disabled) {
    }

    private final AccountService accounts;
    private final SessionService sessions;
    private final UserStore store;
    private final AuditTrail audit;
    private final LatchkeyMetrics metrics;
    private final EventOutbox events;

    UserAdminService(AccountService accounts, SessionService sessions, UserStore store, AuditTrail audit,
            LatchkeyMetrics metrics, EventOutbox events) {
        this.metrics = metrics;
        this.events = events;
        this.accounts = accounts;
        this.sessions = sessions;
        this.store = store;
        this.audit = audit;
    }

    /**
     * Creates a user, with {@link Roles#DEFAULT} when {@code roles} is null, and without a
     * password when {@code password} is null; 409 if the username is taken.
     */
    public UserDetails create(String username, String password, List<String> roles, ClientInfo client,
            String actingClient) {
        List<String> checked = roles == null ? Roles.DEFAULT : Roles.check(roles);
        User user = accounts.create(username, password, checked, AuditType.ADMIN_USER_CREATED, client, actingClient);
        return new UserDetails(user.id, user.username, user.roleList(), user.disabled, user.createdAt,
                user.passwordChangedAt, user.lastLoginAt, 0);
    }

    /**
     * Users in code-point order of their usernames, those starting with {@code prefix} only (null:
     * all), {@code limit} at a time from the page {@code cursor} names (null: the first).
     */
    public UserPage list(String prefix, int limit, String cursor, ClientInfo client, String actingClient) {
        String folded = Usernames.prefix(prefix);
        String after = cursor == null ? null : decodeCursor(cursor);
        List<UserStore.UserRow> rows = sql(() -> store.page(folded, after, limit + 1));
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = encodeCursor(rows.get(limit - 1).username());
        }
        audit.recordAlone(AuditType.ADMIN_USERS_LISTED, true, null, null, client, actingClient);
        return new UserPage(withSessions(rows), next);
    }

    /** One user; 404 if there is none. */
    public UserDetails get(UUID id, ClientInfo client, String actingClient) {
        UserStore.UserRow row = sql(() -> store.find(id)).orElseThrow(UserAdminService::noSuchUser);
        audit.recordAlone(AuditType.ADMIN_USER_READ, true, id, null, client, actingClient);
        return withSessions(List.of(row)).get(0);
    }

    /**
     * Applies a patch. Disabling ends every session and refuses every access token of the user
     * (as logout-all); changing the roles refuses every access token minted so far, while the
     * sessions stay and mint with the new roles at their next refresh. 404 if there is no user.
     */
    public UserDetails update(UUID id, UserPatch patch, ClientInfo client, String actingClient) {
        List<String> roles = patch.roles() == null ? null : Roles.check(patch.roles());
        String revoked = sessions.revoking(tx -> applyPatch(tx, id, roles, patch.disabled(), client, actingClient));
        if (revoked != null) {
            metrics.logout(revoked);
        }
        return withSessions(List.of(sql(() -> store.find(id)).orElseThrow(UserAdminService::noSuchUser))).get(0);
    }

    /**
     * The patch inside its transaction, on the locked user row: the changes, one audit event per
     * change (or one saying nothing changed), and the revocation they call for. Returns the kind of
     * revocation for the metrics, null if none.
     */
    private Revocation<String> applyPatch(Tx tx, UUID id, List<String> roles, Boolean disabled, ClientInfo client,
            String actingClient) throws SQLException {
        UserStore.UserRow user = store.lock(tx, id).orElseThrow(UserAdminService::noSuchUser);
        boolean rolesChange = roles != null && !roles.equals(user.roles());
        boolean disabling = disabled != null && disabled && !user.disabled();
        boolean enabling = disabled != null && !disabled && user.disabled();
        if (rolesChange) {
            store.setRoles(tx, id, roles);
            audit.record(tx, AuditType.ADMIN_ROLES_CHANGED, true, id, null, client, actingClient);
            events.write(tx.connection(), EventType.USER_ROLES_CHANGED, id,
                    EventOutbox.data("user_id", id.toString(), "roles", roles));
        }
        if (disabling || enabling) {
            store.setDisabled(tx, id, disabling);
            audit.record(tx, disabling ? AuditType.ADMIN_USER_DISABLED : AuditType.ADMIN_USER_ENABLED, true, id, null,
                    client, actingClient);
            events.write(tx.connection(), disabling ? EventType.USER_DISABLED : EventType.USER_ENABLED, id,
                    EventOutbox.data("user_id", id.toString()));
        }
        if (!rolesChange && !disabling && !enabling) {
            audit.record(tx, AuditType.ADMIN_USER_UPDATED, true, id, null, client, actingClient);
        }
        AUDIT.infof("user updated by client %s: %s (roles %s, %s)", actingClient, id,
                rolesChange ? "changed" : "unchanged", disabling ? "disabled" : enabling ? "enabled" : "disabled unchanged");
        if (disabling) {
            // every session and every access token, the new roles' included
            return new Revocation<>("user_disabled", sessions.revokeEverything(tx, id, RevokeReason.USER_DISABLED).writes());
        }
        if (rolesChange) {
            return new Revocation<>("roles_changed", sessions.refuseAccessTokens(tx, id).writes());
        }
        return new Revocation<>(null, List.of());
    }

    /**
     * Deletes a user: every session and access token dies at once, the username is free again,
     * and their audit events stay, with the id only. 404 if there is no user.
     */
    public void delete(UUID id, ClientInfo client, String actingClient) {
        sessions.revoking(tx -> {
            store.lockForDelete(tx, id).orElseThrow(UserAdminService::noSuchUser);
            Revocation<Integer> everything = sessions.revokeEverything(tx, id, RevokeReason.USER_DELETED);
            store.delete(tx, id, tokenVersion(everything));
            audit.record(tx, AuditType.ADMIN_USER_DELETED, true, id, null, client, actingClient);
            events.write(tx.connection(), EventType.USER_DELETED, id, EventOutbox.data("user_id", id.toString()));
            AUDIT.infof("user deleted by client %s: %s", actingClient, id);
            return everything;
        });
        metrics.logout("user_deleted");
    }

    /** The user's live sessions, a page at a time, as {@code GET /auth/sessions} lists them; 404 if there is no user. */
    public SessionService.SessionPage sessions(UUID id, int limit, String cursor, ClientInfo client,
            String actingClient) {
        sql(() -> store.find(id)).orElseThrow(UserAdminService::noSuchUser);
        SessionService.SessionPage page = sessions.sessions(id, limit, cursor);
        audit.recordAlone(AuditType.ADMIN_SESSIONS_LISTED, true, id, null, client, actingClient);
        return page;
    }

    /** Ends every session of the user and refuses every access token, as the user's logout-all; 404 if there is no user. */
    public void revokeSessions(UUID id, ClientInfo client, String actingClient) {
        sessions.revoking(tx -> {
            store.lock(tx, id).orElseThrow(UserAdminService::noSuchUser);
            Revocation<Integer> everything = sessions.revokeEverything(tx, id, RevokeReason.ADMIN);
            audit.record(tx, AuditType.ADMIN_SESSIONS_REVOKED, true, id, null, client, actingClient);
            return everything;
        });
        metrics.logout("admin");
    }

    /** 404 {@code not_found}: the same answer for an id that never existed and one deleted. */
    static LatchkeyException noSuchUser() {
        return new LatchkeyException(ErrorCode.NOT_FOUND, "no such user");
    }

    private static long tokenVersion(Revocation<Integer> everything) throws SQLException {
        for (RevocationWrite write : everything.writes()) {
            if (write.version() != null) {
                return write.version();
            }
        }
        throw new SQLException("a user's revocation without a token version");
    }

    private List<UserDetails> withSessions(List<UserStore.UserRow> rows) {
        Map<UUID, Integer> live = sessions.liveSessionCounts(rows.stream().map(UserStore.UserRow::id).toList());
        return rows.stream().map(r -> new UserDetails(r.id(), r.username(), r.roles(), r.disabled(), r.createdAt(),
                r.passwordChangedAt(), r.lastLoginAt(), live.getOrDefault(r.id(), 0))).toList();
    }

    /** A cursor is the last username of the page before, opaque to clients (base64url). */
    private static String encodeCursor(String username) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(username.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String username = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!username.isEmpty() && username.length() <= Usernames.MAX_LENGTH * 2) {
                return username;
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw LatchkeyException.invalidRequest("cursor is not valid");
    }

    /** A read on the pool's connection. */
    private interface Read<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(Read<T> read) {
        try {
            return read.run();
        } catch (SQLException e) {
            throw new PersistenceException("reading users failed", e);
        }
    }

}
