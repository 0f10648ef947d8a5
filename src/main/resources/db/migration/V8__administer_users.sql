-- The admin API (issue 17). Every change here is metadata-only or touches new tables: no rewrite
-- or scan of users, and every lock is bounded by lock_timeout (db/DatabaseBounds).

-- An account created by the admin API without a password has neither a hash nor a time it was set
-- until a reset token sets one; when its owner last signed in is shown to the admin. DROP NOT NULL
-- and a nullable ADD COLUMN change only the catalog.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users ALTER COLUMN password_changed_at DROP NOT NULL;
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
-- every login now updates its user's row (last_login_at): room on each page keeps those updates
-- heap-only (no new index entries). Applies to pages written from now on; nothing is rewritten.
ALTER TABLE users SET (fillfactor = 90);

-- Password-reset tokens, only as SHA-256 of the raw value. One row per user: issuing a new one
-- replaces (voids) the older one, using it deletes it.
CREATE TABLE password_reset_tokens (
    user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT password_reset_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT password_reset_tokens_hash_length CHECK (octet_length(token_hash) = 32)
);
CREATE INDEX password_reset_tokens_expires_at_idx ON password_reset_tokens (expires_at);

-- A deleted user's last token version, for as long as one of their access tokens could still be
-- alive: the revocation record of a user that no longer exists (the cache rebuild reads it).
CREATE TABLE deleted_users (
    id            uuid PRIMARY KEY,
    token_version bigint NOT NULL,
    deleted_at    timestamptz NOT NULL
);
CREATE INDEX deleted_users_deleted_at_idx ON deleted_users (deleted_at);

-- Audit events outlive the user they are about (a deleted user's events keep the id; they never
-- held the username), and name the confidential client that acted, for admin actions.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_user_id_fkey;
ALTER TABLE audit_events ADD COLUMN client_id varchar(64);

-- NOT VALID, then VALIDATE: no long lock on a large table.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_check CHECK (type IN ('register', 'login',
    'refresh_reuse_detected', 'logout', 'logout_all', 'password_change', 'session_revoked', 'session_evicted',
    'token_revoked', 'password_reset', 'admin_user_created', 'admin_users_listed', 'admin_user_read',
    'admin_user_updated', 'admin_roles_changed', 'admin_user_disabled', 'admin_user_enabled', 'admin_user_deleted',
    'admin_sessions_listed', 'admin_sessions_revoked', 'admin_password_reset')) NOT VALID;
SET LOCAL statement_timeout = 0;
ALTER TABLE audit_events VALIDATE CONSTRAINT audit_events_type_check;
