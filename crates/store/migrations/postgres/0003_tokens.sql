-- kognit schema, version 3 (PostgreSQL): token-signing keys, refresh tokens
-- and revoked sessions.
--
-- Text columns use COLLATE "C" as in 0001/0002 (bytewise, identical to
-- SQLite). Constraint names match the SQLite schema; errors.rs maps SQLite's
-- column lists back to them.

CREATE TABLE signing_keys (
    pool_id         TEXT COLLATE "C" NOT NULL,
    kid             TEXT COLLATE "C" NOT NULL,
    token_use       TEXT COLLATE "C" NOT NULL CHECK (token_use IN ('id', 'access')),
    sealed_private  BYTEA  NOT NULL,
    public_jwk      TEXT   NOT NULL,
    created_ms      BIGINT NOT NULL,
    retired_ms      BIGINT,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid),
    CONSTRAINT signing_keys_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
-- No further index: a pool holds a handful of keys, all found through the
-- primary key's pool_id prefix.

-- Only the SHA-256 of a refresh token is stored, so a leaked table cannot be
-- replayed. Expired rows stay until their user or pool is deleted (or reset).
CREATE TABLE refresh_tokens (
    token_hash    BYTEA  NOT NULL,
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    client_id     TEXT COLLATE "C" NOT NULL,
    origin_jti    TEXT COLLATE "C" NOT NULL,
    device_key    TEXT COLLATE "C",
    auth_time     BIGINT NOT NULL,
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL,
    revoked_ms    BIGINT,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash),
    -- Deleting a user ends its sessions; deleting a pool reaches here
    -- through its users.
    CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- Global sign-out and the cascade from users find a user's tokens; without
-- it every user delete would scan every token.
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (pool_id, username_key);
-- Revoking a session finds its tokens (every rotation shares the origin).
CREATE INDEX refresh_tokens_origin_idx ON refresh_tokens (pool_id, origin_jti);

-- Sessions whose access and ID tokens are refused until they expire by
-- themselves (`expires_ms`). Checked on every token-authorised request, by
-- primary key.
CREATE TABLE revoked_origins (
    pool_id     TEXT COLLATE "C" NOT NULL,
    origin_jti  TEXT COLLATE "C" NOT NULL,
    expires_ms  BIGINT NOT NULL,
    CONSTRAINT revoked_origins_pkey PRIMARY KEY (pool_id, origin_jti),
    CONSTRAINT revoked_origins_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
