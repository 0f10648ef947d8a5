-- Refresh tokens are stored only as SHA-256 of the raw value. The successor envelope is the
-- successor's raw value sealed (AES-GCM) under a key derived from the parent's raw value: the
-- database alone never yields a usable token.
CREATE TABLE refresh_tokens (
    id                 uuid PRIMARY KEY,
    family_id          uuid NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    token_hash         bytea NOT NULL,
    parent_id          uuid,
    issued_at          timestamptz NOT NULL,
    rotated_at         timestamptz,
    successor_id       uuid,
    successor_envelope bytea,
    expires_at         timestamptz NOT NULL,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT refresh_tokens_hash_length CHECK (octet_length(token_hash) = 32)
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
