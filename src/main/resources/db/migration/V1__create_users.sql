-- Accounts. The username is stored case-folded (NFKC, lower case) so uniqueness is case-insensitive.
CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    username            varchar(64) NOT NULL,
    password_hash       varchar(255) NOT NULL,
    roles               text[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL,
    disabled            boolean NOT NULL DEFAULT false,
    CONSTRAINT users_username_key UNIQUE (username)
);
