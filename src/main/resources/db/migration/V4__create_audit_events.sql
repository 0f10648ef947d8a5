-- What happened to an account, for its owner and for operators. Never token values.
CREATE TABLE audit_events (
    id             uuid PRIMARY KEY,
    type           varchar(32) NOT NULL,
    outcome        varchar(16) NOT NULL,
    user_id        uuid REFERENCES users (id) ON DELETE CASCADE,
    sid            uuid,
    client_address varchar(64),
    user_agent     varchar(256),
    occurred_at    timestamptz NOT NULL,
    CONSTRAINT audit_events_type_check CHECK (type IN ('register', 'login', 'refresh_reuse_detected', 'logout',
        'logout_all', 'password_change', 'session_revoked', 'token_revoked')),
    CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('success', 'failure'))
);

-- GET /auth/audit: a user's events, newest first
CREATE INDEX audit_events_user_idx ON audit_events (user_id, occurred_at DESC, id DESC);
-- retention purge
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);
