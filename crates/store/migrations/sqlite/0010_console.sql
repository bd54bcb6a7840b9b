-- kognit schema, version 10 (SQLite): the admin console's sessions and the
-- audit log of what administrators did through it.

-- Only the SHA-256 of a session cookie is stored. WITHOUT ROWID: looked up
-- by its whole (random) key on every console request.
CREATE TABLE console_sessions (
    token_hash  BLOB    NOT NULL,
    principal   TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    seen_ms     INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    CONSTRAINT console_sessions_pkey PRIMARY KEY (token_hash)
) STRICT, WITHOUT ROWID;

-- The purge deletes sessions past their absolute expiry.
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_ms);

-- No foreign keys: the log outlives the pools, users and sessions it names.
-- AUTOINCREMENT keeps ids increasing (newest first sorts on them).
CREATE TABLE audit_log (
    id        INTEGER NOT NULL CONSTRAINT audit_log_pkey PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    pool_id   TEXT,
    target    TEXT,
    outcome   TEXT    NOT NULL,
    ip        TEXT
) STRICT;

-- The console filters the log by pool (and user), by actor and by action,
-- newest first: each filter walks its index backwards from the cursor.
CREATE INDEX audit_log_pool_idx ON audit_log (pool_id, target, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
