-- kognit schema, version 5 (SQLite): token sessions and the auth-event history.
--
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them.

-- One row per tracked sign-in (its refresh-token family). Found by its id
-- (revocation, refresh), and per user (listing, MaxPerUser eviction).
-- A rowid table: the user agent may make a row wide.
CREATE TABLE token_sessions (
    pool_id         TEXT    NOT NULL,
    session_id      TEXT    NOT NULL,
    origin_jti      TEXT    NOT NULL,
    username_key    TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    created_ms      INTEGER NOT NULL,
    last_active_ms  INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL,
    last_ip         TEXT,
    device_type     TEXT,
    CONSTRAINT token_sessions_pkey PRIMARY KEY (pool_id, session_id),
    -- Deleting a user ends its sessions; deleting a pool reaches here
    -- through its users.
    CONSTRAINT token_sessions_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT;
-- A user's sessions (listing, eviction, the cascade from users); ending in
-- session_id, a page comes out of the index in order, without a sort.
CREATE INDEX token_sessions_user_idx ON token_sessions (pool_id, username_key, session_id);

-- Every sign-in attempt and sign-up, newest last: `seq` grows with each
-- insert, so "newest first" is the rowid order backwards and a page position
-- is one integer.
CREATE TABLE auth_events (
    -- The rowid itself (an INTEGER PRIMARY KEY column): assigned on insert.
    seq                INTEGER PRIMARY KEY,
    pool_id            TEXT    NOT NULL,
    username_key       TEXT    NOT NULL,
    event_id           TEXT    NOT NULL,
    event_type         TEXT    NOT NULL,
    created_ms         INTEGER NOT NULL,
    response           TEXT    NOT NULL,
    challenges         TEXT    NOT NULL,
    ip                 TEXT,
    device_name        TEXT,
    feedback_value     TEXT,
    feedback_provider  TEXT,
    feedback_ms        INTEGER,
    CONSTRAINT auth_events_event_key UNIQUE (pool_id, event_id),
    CONSTRAINT auth_events_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT;
-- A user's events newest first (AdminListUserAuthEvents pages walk it
-- backwards) and the cascade from users.
CREATE INDEX auth_events_user_idx ON auth_events (pool_id, username_key, seq);
