-- kognit schema, version 2 (SQLite): users, their aliases and one-time codes,
-- the developer outbox, and the index that finds a client by id alone.
--
-- Flags are INTEGER 0/1 (see 0001). Constraint names match the PostgreSQL
-- schema; errors.rs maps SQLite's column lists back to them.

CREATE TABLE users (
    pool_id                   TEXT    NOT NULL,
    username                  TEXT    NOT NULL,
    username_key              TEXT    NOT NULL,
    sub                       TEXT    NOT NULL,
    status                    TEXT    NOT NULL,
    enabled                   INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    attributes                TEXT    NOT NULL,
    email                     TEXT,
    phone_number              TEXT,
    name                      TEXT,
    given_name                TEXT,
    family_name               TEXT,
    preferred_username        TEXT,
    password_hash             TEXT,
    srp_sealed                BLOB,
    temp_password_expires_ms  INTEGER,
    extra                     TEXT    NOT NULL,
    created_ms                INTEGER NOT NULL,
    updated_ms                INTEGER NOT NULL,
    version                   INTEGER NOT NULL,
    -- SQLite checks a row's unique constraints last-declared first, and
    -- reports the first one violated: declaring the sub's first makes a row
    -- that collides on both report users_pkey, as PostgreSQL does.
    CONSTRAINT users_sub_key UNIQUE (pool_id, sub),
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, username_key),
    CONSTRAINT users_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;

-- ListUsers: one index per searchable column, ending in username_key so that
-- `pool_id = ? AND c = ? AND username_key > ? ORDER BY username_key LIMIT n`
-- walks n index entries, and a prefix range on c is answered from the index
-- alone (it covers the username_key the query sorts on). Optional attributes
-- get partial indexes: most users lack most of them, and SQLite uses a
-- `c IS NOT NULL` partial index for any comparison on c.
CREATE INDEX users_username_idx ON users (pool_id, username, username_key);
CREATE INDEX users_status_idx ON users (pool_id, status, username_key);
CREATE INDEX users_enabled_idx ON users (pool_id, enabled, username_key);
CREATE INDEX users_email_idx ON users (pool_id, email, username_key)
    WHERE email IS NOT NULL;
CREATE INDEX users_phone_number_idx ON users (pool_id, phone_number, username_key)
    WHERE phone_number IS NOT NULL;
CREATE INDEX users_name_idx ON users (pool_id, name, username_key)
    WHERE name IS NOT NULL;
CREATE INDEX users_given_name_idx ON users (pool_id, given_name, username_key)
    WHERE given_name IS NOT NULL;
CREATE INDEX users_family_name_idx ON users (pool_id, family_name, username_key)
    WHERE family_name IS NOT NULL;
CREATE INDEX users_preferred_username_idx ON users (pool_id, preferred_username, username_key)
    WHERE preferred_username IS NOT NULL;

-- Small rows looked up by their whole key: WITHOUT ROWID stores them in the
-- primary-key b-tree itself, one search instead of two.
CREATE TABLE user_aliases (
    pool_id       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    value_key     TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    CONSTRAINT user_aliases_pkey PRIMARY KEY (pool_id, kind, value_key),
    CONSTRAINT user_aliases_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Replacing a user's aliases and the cascade from users both find them by user.
CREATE INDEX user_aliases_user_idx ON user_aliases (pool_id, username_key);

CREATE TABLE user_codes (
    pool_id          TEXT    NOT NULL,
    username_key     TEXT    NOT NULL,
    purpose          TEXT    NOT NULL,
    code_hash        BLOB    NOT NULL,
    expires_ms       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL,
    sends            INTEGER NOT NULL,
    window_start_ms  INTEGER NOT NULL,
    CONSTRAINT user_codes_pkey PRIMARY KEY (pool_id, username_key, purpose),
    CONSTRAINT user_codes_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- No foreign key: the outbox is a log of what was sent and outlives the
-- user (and pool) it was sent to, until a reset. AUTOINCREMENT keeps ids
-- increasing even after a reset emptied the table, as PostgreSQL's identity does.
CREATE TABLE outbox (
    id           INTEGER NOT NULL CONSTRAINT outbox_pkey PRIMARY KEY AUTOINCREMENT,
    pool_id      TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    destination  TEXT    NOT NULL,
    subject      TEXT,
    body         TEXT    NOT NULL,
    code         TEXT,
    created_ms   INTEGER NOT NULL
) STRICT;

-- "The latest message to this user", newest first, without a sort.
CREATE INDEX outbox_user_idx ON outbox (pool_id, username, id);

-- Public operations (SignUp, InitiateAuth, …) name only the client id, so
-- finding a client without its pool must not scan every pool's clients.
CREATE INDEX user_pool_clients_client_id_idx ON user_pool_clients (client_id);
