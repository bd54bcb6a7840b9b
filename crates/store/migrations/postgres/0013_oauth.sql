-- kognit schema, version 13 (PostgreSQL): the OAuth 2.0 authorization server.
--
-- Authorization codes (/oauth2/authorize → /oauth2/token): stored only as
-- the SHA-256 of the code, single-use (redeemed by a DELETE … RETURNING, so
-- two redeemers racing cannot both win) and short-lived (Cognito's five
-- minutes; expired rows go with the periodic purge). A code names the user
-- by username key; deleting the user or the pool deletes its codes.
CREATE TABLE oauth_codes (
    code_hash       BYTEA   NOT NULL,
    pool_id         TEXT COLLATE "C" NOT NULL,
    username_key    TEXT COLLATE "C" NOT NULL,
    client_id       TEXT COLLATE "C" NOT NULL,
    redirect_uri    TEXT COLLATE "C" NOT NULL,
    scope           TEXT COLLATE "C" NOT NULL,
    nonce           TEXT,
    code_challenge  TEXT,
    origin_jti      TEXT COLLATE "C" NOT NULL,
    auth_time       BIGINT  NOT NULL,
    created_ms      BIGINT  NOT NULL,
    expires_ms      BIGINT  NOT NULL,
    CONSTRAINT oauth_codes_pkey PRIMARY KEY (code_hash),
    CONSTRAINT oauth_codes_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
-- The cascade from users, and the purge of expired codes.
CREATE INDEX oauth_codes_user_idx ON oauth_codes (pool_id, username_key);
CREATE INDEX oauth_codes_expires_idx ON oauth_codes (expires_ms);

-- The OAuth scopes of a session begun at the authorization server (kept by
-- its refreshed tokens); NULL for API sign-in (aws.cognito.signin.user.admin).
ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
