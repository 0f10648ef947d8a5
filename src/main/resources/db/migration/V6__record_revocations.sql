-- Revocation is durable (API.md): PostgreSQL records every revocation, Redis caches it.
--
-- Every user access token carries its user's token version (claim token_version); raising it
-- refuses every earlier token of the user at once (logout-all, reuse with "user", role change,
-- disable). A constant default: PostgreSQL 11+ adds the column without rewriting the table.
ALTER TABLE users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

-- Single access tokens denied until they expire (logout with a bearer token, RFC 7009).
-- owner is the hash tag of the token's Redis keys: u:<user id>, or c:<client id>.
CREATE TABLE denied_access_tokens (
    jti        uuid PRIMARY KEY,
    owner      varchar(200) NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX denied_access_tokens_expires_at_idx ON denied_access_tokens (expires_at);

-- The rebuild of the cache reads the sessions revoked lately; refreshes never change revoked_at,
-- so this index keeps their updates heap-only.
CREATE INDEX refresh_families_revoked_at_idx ON refresh_families (revoked_at) WHERE revoked_at IS NOT NULL;

-- More reasons a session ends. NOT VALID, then VALIDATE: the check of existing rows does not hold
-- a lock that would stop refreshes on a large table.
ALTER TABLE refresh_families DROP CONSTRAINT refresh_families_reason_check;
ALTER TABLE refresh_families ADD CONSTRAINT refresh_families_reason_check CHECK (revoke_reason IN
    ('logout', 'logout_all', 'reuse_detected', 'password_change', 'password_reset', 'admin', 'user_disabled',
     'user_deleted', 'evicted', 'expired')) NOT VALID;
-- the service bounds every statement by latchkey.db-timeout; reading every existing row may take longer
SET LOCAL statement_timeout = 0;
ALTER TABLE refresh_families VALIDATE CONSTRAINT refresh_families_reason_check;
