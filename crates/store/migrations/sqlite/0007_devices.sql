-- kognit schema, version 7 (SQLite): users' remembered (tracked) devices.
--
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them.

-- A rowid table: rows carry a sealed SRP verifier (about 450 bytes) and a
-- device name of up to 1 KiB, too wide for a WITHOUT ROWID b-tree. Device
-- keys are `<region>_<uuid>`: unique per user by construction, and every
-- lookup names the user, so the user is the key's prefix.
CREATE TABLE devices (
    pool_id            TEXT    NOT NULL,
    username_key       TEXT    NOT NULL,
    device_key         TEXT    NOT NULL,
    device_group_key   TEXT    NOT NULL,
    device_name        TEXT,
    sealed_secret      BLOB    NOT NULL,
    remembered_status  TEXT    NOT NULL
        CHECK (remembered_status IN ('remembered', 'not_remembered')),
    created_ms         INTEGER NOT NULL,
    updated_ms         INTEGER NOT NULL,
    last_auth_ms       INTEGER,
    CONSTRAINT devices_pkey PRIMARY KEY (pool_id, username_key, device_key),
    -- Deleting a user forgets its devices; deleting a pool reaches here
    -- through its users.
    CONSTRAINT devices_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT;
-- ListDevices walks the primary key's (pool_id, username_key) prefix in
-- device_key order; no further index.
