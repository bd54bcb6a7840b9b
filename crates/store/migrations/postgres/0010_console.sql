-- kognit schema, version 10: the admin console's sessions and the audit log
-- of what administrators did through it.

-- Only the SHA-256 of a session cookie is stored.
CREATE TABLE console_sessions (
    token_hash  BYTEA  NOT NULL,
    principal   TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL,
    seen_ms     BIGINT NOT NULL,
    expires_ms  BIGINT NOT NULL,
    CONSTRAINT console_sessions_pkey PRIMARY KEY (token_hash)
);

-- The purge deletes sessions past their absolute expiry.
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_ms);

-- No foreign keys: the log outlives the pools, users and sessions it names.
CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY,
    at_ms     BIGINT NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    pool_id   TEXT COLLATE "C",
    target    TEXT COLLATE "C",
    outcome   TEXT   NOT NULL,
    ip        TEXT,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id)
);

-- The console filters the log by pool (and user), by actor and by action,
-- newest first: each filter walks its index backwards from the cursor.
CREATE INDEX audit_log_pool_idx ON audit_log (pool_id, target, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
