-- kognit schema, version 2 (PostgreSQL): users, their aliases and one-time
-- codes, the developer outbox, and the index that finds a client by id alone.
--
-- Every text column that is compared, sorted or range-scanned uses
-- COLLATE "C" (see 0001): ListUsers' prefix filter is a range
-- `c >= 'abc' AND c < 'abd'` that must mean the same bytewise order as on
-- SQLite, and a plain btree index on a "C" column serves such a range without
-- text_pattern_ops. Flags are INTEGER 0/1 as on SQLite, so one SQL text with
-- one bound type serves both engines.

CREATE TABLE users (
    pool_id                   TEXT COLLATE "C" NOT NULL,
    username                  TEXT COLLATE "C" NOT NULL,
    username_key              TEXT COLLATE "C" NOT NULL,
    sub                       TEXT COLLATE "C" NOT NULL,
    status                    TEXT COLLATE "C" NOT NULL,
    enabled                   INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    attributes                TEXT   NOT NULL,
    email                     TEXT COLLATE "C",
    phone_number              TEXT COLLATE "C",
    name                      TEXT COLLATE "C",
    given_name                TEXT COLLATE "C",
    family_name               TEXT COLLATE "C",
    preferred_username        TEXT COLLATE "C",
    password_hash             TEXT,
    srp_sealed                BYTEA,
    temp_password_expires_ms  BIGINT,
    extra                     TEXT   NOT NULL,
    created_ms                BIGINT NOT NULL,
    updated_ms                BIGINT NOT NULL,
    version                   BIGINT NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, username_key),
    CONSTRAINT users_sub_key UNIQUE (pool_id, sub),
    CONSTRAINT users_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);

-- ListUsers: one index per searchable column, ending in username_key so that
-- `pool_id = $1 AND c = $2 AND username_key > $3 ORDER BY username_key LIMIT n`
-- walks n index entries, and a prefix range on c can be an index-only scan
-- (it covers the username_key the query sorts on). Optional attributes get
-- partial indexes: most users lack most of them, and any strict comparison
-- on c implies the `c IS NOT NULL` predicate, so the planner still uses them.
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

CREATE TABLE user_aliases (
    pool_id       TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL,
    value_key     TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_aliases_pkey PRIMARY KEY (pool_id, kind, value_key),
    CONSTRAINT user_aliases_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- Replacing a user's aliases and the cascade from users both find them by
-- user; without it every user delete would scan the aliases.
CREATE INDEX user_aliases_user_idx ON user_aliases (pool_id, username_key);

CREATE TABLE user_codes (
    pool_id          TEXT COLLATE "C" NOT NULL,
    username_key     TEXT COLLATE "C" NOT NULL,
    purpose          TEXT COLLATE "C" NOT NULL,
    code_hash        BYTEA  NOT NULL,
    expires_ms       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL,
    sends            BIGINT NOT NULL,
    window_start_ms  BIGINT NOT NULL,
    CONSTRAINT user_codes_pkey PRIMARY KEY (pool_id, username_key, purpose),
    CONSTRAINT user_codes_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- No foreign key: the outbox is a log of what was sent and outlives the
-- user (and pool) it was sent to, until a reset.
CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY,
    pool_id      TEXT COLLATE "C" NOT NULL,
    username     TEXT COLLATE "C" NOT NULL,
    channel      TEXT   NOT NULL,
    destination  TEXT   NOT NULL,
    subject      TEXT,
    body         TEXT   NOT NULL,
    code         TEXT,
    created_ms   BIGINT NOT NULL,
    CONSTRAINT outbox_pkey PRIMARY KEY (id)
);

-- "The latest message to this user", newest first, without a sort.
CREATE INDEX outbox_user_idx ON outbox (pool_id, username, id);

-- Public operations (SignUp, InitiateAuth, …) name only the client id, so
-- finding a client without its pool must not scan every pool's clients.
CREATE INDEX user_pool_clients_client_id_idx ON user_pool_clients (client_id);
