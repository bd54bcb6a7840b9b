-- kognit schema, version 3 (SQLite): token-signing keys, refresh tokens and
-- revoked sessions.
--
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them.

-- A rowid table: rows carry a sealed private key and a JWK (a few KiB),
-- too wide to keep inside a WITHOUT ROWID primary-key b-tree.
CREATE TABLE signing_keys (
    pool_id         TEXT    NOT NULL,
    kid             TEXT    NOT NULL,
    token_use       TEXT    NOT NULL CHECK (token_use IN ('id', 'access')),
    sealed_private  BLOB    NOT NULL,
    public_jwk      TEXT    NOT NULL,
    created_ms      INTEGER NOT NULL,
    retired_ms      INTEGER,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid),
    CONSTRAINT signing_keys_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;
-- No further index: a pool holds a handful of keys, all found through the
-- primary key's pool_id prefix.

-- Only the SHA-256 of a refresh token is stored, so a leaked file cannot be
-- replayed. Expired rows stay until their user or pool is deleted (or reset).
-- WITHOUT ROWID: the key is a random 32-byte hash, and a rowid table would
-- look every refresh up twice (its key index, then the table).
CREATE TABLE refresh_tokens (
    token_hash    BLOB    NOT NULL,
    pool_id       TEXT    NOT NULL,
    username_key  TEXT    NOT NULL,
    client_id     TEXT    NOT NULL,
    origin_jti    TEXT    NOT NULL,
    device_key    TEXT,
    auth_time     INTEGER NOT NULL,
    created_ms    INTEGER NOT NULL,
    expires_ms    INTEGER NOT NULL,
    revoked_ms    INTEGER,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash),
    -- Deleting a user ends its sessions; deleting a pool reaches here
    -- through its users.
    CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Global sign-out and the cascade from users find a user's tokens; without
-- it every user delete would scan every token.
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (pool_id, username_key);
-- Revoking a session finds its tokens (every rotation shares the origin).
CREATE INDEX refresh_tokens_origin_idx ON refresh_tokens (pool_id, origin_jti);

-- Sessions whose access and ID tokens are refused until they expire by
-- themselves (`expires_ms`). Checked on every token-authorised request by its
-- whole key: WITHOUT ROWID answers that from one b-tree search.
CREATE TABLE revoked_origins (
    pool_id     TEXT    NOT NULL,
    origin_jti  TEXT    NOT NULL,
    expires_ms  INTEGER NOT NULL,
    CONSTRAINT revoked_origins_pkey PRIMARY KEY (pool_id, origin_jti),
    CONSTRAINT revoked_origins_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
