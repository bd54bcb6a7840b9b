-- kognit schema, version 11 (SQLite): OAuth 2.0 resource servers and their
-- custom scopes.
--
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them. A rowid table: the scopes (core's JSON text,
-- up to 100 of them) are too wide for a WITHOUT ROWID primary-key b-tree.
-- Identifiers compare bytewise (case-sensitively).

CREATE TABLE resource_servers (
    pool_id     TEXT    NOT NULL,
    identifier  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    CONSTRAINT resource_servers_pkey PRIMARY KEY (pool_id, identifier),
    CONSTRAINT resource_servers_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;
-- ListResourceServers walks the primary key; no further index.
