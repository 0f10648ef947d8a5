-- A refresh-token family is one session (the sid of its access tokens), from login to its end.
CREATE TABLE refresh_families (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    revoke_reason       varchar(32),
    user_agent          varchar(256),
    ip                  varchar(64),
    -- when the family stopped being usable, whichever came first; drives the purge
    ended_at            timestamptz GENERATED ALWAYS AS (LEAST(revoked_at, idle_expires_at, absolute_expires_at)) STORED,
    CONSTRAINT refresh_families_reason_check CHECK (revoke_reason IN
        ('logout', 'logout_all', 'reuse_detected', 'password_change', 'admin', 'expired'))
);

-- listing and revoking a user's live sessions
CREATE INDEX refresh_families_user_live_idx ON refresh_families (user_id) WHERE revoked_at IS NULL;
-- the scheduled purge
CREATE INDEX refresh_families_ended_at_idx ON refresh_families (ended_at);
