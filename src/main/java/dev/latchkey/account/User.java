package dev.latchkey.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.latchkey.session.SessionUser;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An account. {@code username} is the canonical (case-folded) form; see {@link Usernames}. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "username", nullable = false, length = 64)
    public String username;

    /** argon2id PHC string; never logged, never returned. Null until an admin-created account gets a password. */
    @Column(name = "password_hash")
    public String passwordHash;

    @Column(name = "roles", nullable = false, columnDefinition = "text[]")
    public String[] roles;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When the password was last set; null while there is none. */
    @Column(name = "password_changed_at")
    public Instant passwordChangedAt;

    /** When a session of this user last started (a login); null if never. */
    @Column(name = "last_login_at")
    public Instant lastLoginAt;

    @Column(name = "disabled", nullable = false)
    public boolean disabled;

    public static Optional<User> findByUsername(String canonicalUsername) {
        return find("username", canonicalUsername).firstResultOptional();
    }

    public List<String> roleList() {
        return roles == null ? List.of() : List.of(roles);
    }

    /** What an access token says about this user. */
    public SessionUser toSessionUser() {
        return new SessionUser(id, username, roleList());
    }

    @Override
    public String toString() {
        return "User[" + id + "]"; // never the hash
    }
}
