-- A login beyond latchkey.max-sessions-per-user ends the least recently used session; the audit
-- trail says so. NOT VALID, then VALIDATE: no long lock on a large table.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_check CHECK (type IN ('register', 'login',
    'refresh_reuse_detected', 'logout', 'logout_all', 'password_change', 'session_revoked', 'session_evicted',
    'token_revoked')) NOT VALID;
SET LOCAL statement_timeout = 0;
ALTER TABLE audit_events VALIDATE CONSTRAINT audit_events_type_check;
