-- kognit schema, version 13 (SQLite): the OAuth 2.0 authorization server.
--
-- Authorization codes (/oauth2/authorize → /oauth2/token): stored only as
-- the SHA-256 of the code, single-use (redeemed by a DELETE … RETURNING, so
-- two redeemers racing cannot both win) and short-lived (Cognito's five
-- minutes; expired rows go with the periodic purge). A code names the user
-- by username key; deleting the user or the pool deletes its codes.
CREATE TABLE oauth_codes (
    code_hash       BLOB    NOT NULL,
    pool_id         TEXT    NOT NULL,
    username_key    TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    redirect_uri    TEXT    NOT NULL,
    scope           TEXT    NOT NULL,
    nonce           TEXT,
    code_challenge  TEXT,
    origin_jti      TEXT    NOT NULL,
    auth_time       INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL,
    CONSTRAINT oauth_codes_pkey PRIMARY KEY (code_hash),
    CONSTRAINT oauth_codes_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
-- The cascade from users, and the purge of expired codes.
CREATE INDEX oauth_codes_user_idx ON oauth_codes (pool_id, username_key);
CREATE INDEX oauth_codes_expires_idx ON oauth_codes (expires_ms);

-- The OAuth scopes of a session begun at the authorization server (kept by
-- its refreshed tokens); NULL for API sign-in (aws.cognito.signin.user.admin).
ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
