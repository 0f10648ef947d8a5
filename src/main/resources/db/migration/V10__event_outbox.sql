-- Events for webhooks (issue 18, DESIGN.md "the outbox"): written in the transaction of the change
-- they report, delivered after commit by a scheduler on every instance, deleted once delivered.
--
-- seq orders the events of one user (delivery is in order per user); lease_until marks the event
-- an instance is delivering right now, so that no other instance delivers it at the same time (a
-- crash mid-delivery leaves the lease to expire: the event is delivered again, at least once).
-- payload is the JSON body without its secrets; secret holds those (a reset token), encrypted with
-- AES-256-GCM under a key derived from LATCHKEY_WEBHOOK_SECRET, and goes with the row once delivered.
-- No foreign key to users: user.deleted outlives its user.
CREATE TABLE event_outbox (
    id              uuid PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    type            varchar(40) NOT NULL,
    user_id         uuid NOT NULL,
    occurred_at     timestamptz NOT NULL,
    payload         text NOT NULL,
    secret          bytea,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      varchar(200),
    CONSTRAINT event_outbox_seq_key UNIQUE (seq)
);
CREATE INDEX event_outbox_due_idx ON event_outbox (next_attempt_at, seq);
CREATE INDEX event_outbox_user_idx ON event_outbox (user_id, seq);

-- a self-service reset request names no client; the audit trail records the issue of its token
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_check CHECK (type IN ('register', 'login',
    'refresh_reuse_detected', 'logout', 'logout_all', 'password_change', 'session_revoked', 'session_evicted',
    'token_revoked', 'password_reset', 'admin_user_created', 'admin_users_listed', 'admin_user_read',
    'admin_user_updated', 'admin_roles_changed', 'admin_user_disabled', 'admin_user_enabled', 'admin_user_deleted',
    'admin_sessions_listed', 'admin_sessions_revoked', 'admin_password_reset', 'password_reset_requested')) NOT VALID;
SET LOCAL statement_timeout = 0;
ALTER TABLE audit_events VALIDATE CONSTRAINT audit_events_type_check;
