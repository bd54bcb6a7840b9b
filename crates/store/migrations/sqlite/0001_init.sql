-- kognit schema, version 1 (SQLite).
--
-- STRICT tables make SQLite enforce the declared types, as PostgreSQL does.
-- Only TEXT, INTEGER and BLOB are used: sqlx's Any driver cannot decode
-- SQLite's BOOLEAN/DATETIME/NUMERIC declared types (store flags as INTEGER).
-- Constraint names match the PostgreSQL schema so both engines report the
-- same name in StoreError::Conflict (SQLite reports them by column, see errors.rs).

CREATE TABLE user_pools (
    id          TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    CONSTRAINT user_pools_pkey PRIMARY KEY (id)
) STRICT;

CREATE TABLE user_pool_clients (
    pool_id     TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    CONSTRAINT user_pool_clients_pkey PRIMARY KEY (pool_id, client_id),
    CONSTRAINT user_pool_clients_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;

CREATE TABLE client_secrets (
    pool_id     TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    secret_id   TEXT    NOT NULL,
    sealed      BLOB    NOT NULL,
    created_ms  INTEGER NOT NULL,
    CONSTRAINT client_secrets_pkey PRIMARY KEY (pool_id, client_id, secret_id),
    CONSTRAINT client_secrets_client_fkey FOREIGN KEY (pool_id, client_id)
        REFERENCES user_pool_clients (pool_id, client_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE access_keys (
    id             TEXT    NOT NULL,
    sealed_secret  BLOB    NOT NULL,
    created_ms     INTEGER NOT NULL,
    CONSTRAINT access_keys_pkey PRIMARY KEY (id)
) STRICT;
