-- kognit schema, version 1 (PostgreSQL).
--
-- Identifier columns use COLLATE "C" so that ORDER BY id (and the `id > $after`
-- paging cursor) sorts bytewise, exactly as SQLite does, whatever the
-- database's default locale; it also makes the btree comparisons cheaper.
-- Constraint names are spelled out because StoreError::Conflict carries them.

CREATE TABLE user_pools (
    id          TEXT COLLATE "C" NOT NULL,
    name        TEXT   NOT NULL,
    config      TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    CONSTRAINT user_pools_pkey PRIMARY KEY (id)
);

CREATE TABLE user_pool_clients (
    pool_id     TEXT COLLATE "C" NOT NULL,
    client_id   TEXT COLLATE "C" NOT NULL,
    name        TEXT   NOT NULL,
    config      TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    CONSTRAINT user_pool_clients_pkey PRIMARY KEY (pool_id, client_id),
    CONSTRAINT user_pool_clients_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);

CREATE TABLE client_secrets (
    pool_id     TEXT COLLATE "C" NOT NULL,
    client_id   TEXT COLLATE "C" NOT NULL,
    secret_id   TEXT COLLATE "C" NOT NULL,
    sealed      BYTEA  NOT NULL,
    created_ms  BIGINT NOT NULL,
    CONSTRAINT client_secrets_pkey PRIMARY KEY (pool_id, client_id, secret_id),
    CONSTRAINT client_secrets_client_fkey FOREIGN KEY (pool_id, client_id)
        REFERENCES user_pool_clients (pool_id, client_id) ON DELETE CASCADE
);

CREATE TABLE access_keys (
    id             TEXT COLLATE "C" NOT NULL,
    sealed_secret  BYTEA  NOT NULL,
    created_ms     BIGINT NOT NULL,
    CONSTRAINT access_keys_pkey PRIMARY KEY (id)
);
