-- kognit schema, version 7 (PostgreSQL): users' remembered (tracked) devices.
--
-- Text columns that are compared or sorted use COLLATE "C" as in 0001–0004,
-- so device keys page in the same (bytewise) order as on SQLite. Constraint
-- names match the SQLite schema.

CREATE TABLE devices (
    pool_id            TEXT COLLATE "C" NOT NULL,
    username_key       TEXT COLLATE "C" NOT NULL,
    device_key         TEXT COLLATE "C" NOT NULL,
    device_group_key   TEXT NOT NULL,
    device_name        TEXT,
    sealed_secret      BYTEA NOT NULL,
    remembered_status  TEXT NOT NULL
        CHECK (remembered_status IN ('remembered', 'not_remembered')),
    created_ms         BIGINT NOT NULL,
    updated_ms         BIGINT NOT NULL,
    last_auth_ms       BIGINT,
    CONSTRAINT devices_pkey PRIMARY KEY (pool_id, username_key, device_key),
    -- Deleting a user forgets its devices; deleting a pool reaches here
    -- through its users.
    CONSTRAINT devices_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
-- ListDevices walks the primary key's (pool_id, username_key) prefix in
-- device_key order; no further index.
