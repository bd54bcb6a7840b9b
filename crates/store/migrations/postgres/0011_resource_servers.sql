-- kognit schema, version 11 (PostgreSQL): OAuth 2.0 resource servers and
-- their custom scopes.
--
-- Identifiers compare and sort bytewise (COLLATE "C"), as on SQLite. The
-- scopes are core's JSON text: they are always read and written with their
-- server, and at most 100 of them. Constraint names match the SQLite schema.

CREATE TABLE resource_servers (
    pool_id     TEXT COLLATE "C" NOT NULL,
    identifier  TEXT COLLATE "C" NOT NULL,
    name        TEXT   NOT NULL,
    scopes      TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    CONSTRAINT resource_servers_pkey PRIMARY KEY (pool_id, identifier),
    CONSTRAINT resource_servers_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
-- ListResourceServers walks the primary key; no further index.
