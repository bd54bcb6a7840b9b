-- kognit schema, version 14 (SQLite): classic hosted UI customizations
-- (SetUICustomization).
--
-- A pool has at most one pool-wide customization (client_id NULL, Cognito's
-- `ALL`): a partial unique index; and each app client at most one of its
-- own: a unique index, in which NULLs are distinct, so it also serves every
-- lookup by pool. The upserts name the one their row falls under. Deleting a
-- pool or a client removes its customizations. The composite key to
-- user_pool_clients is not checked for the pool-wide row (a NULL column
-- skips it). The logo is kept beside the stylesheet, at most 100 KB. Version
-- 13 is another change's. Constraint names match the PostgreSQL schema;
-- errors.rs maps SQLite's column lists back to them.

CREATE TABLE ui_customizations (
    pool_id     TEXT    NOT NULL,
    client_id   TEXT,
    css         TEXT,
    image_type  TEXT,
    image       BLOB,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    CONSTRAINT ui_customizations_image_check CHECK ((image IS NULL) = (image_type IS NULL)),
    CONSTRAINT ui_customizations_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE,
    CONSTRAINT ui_customizations_client_fkey FOREIGN KEY (pool_id, client_id)
        REFERENCES user_pool_clients (pool_id, client_id) ON DELETE CASCADE
) STRICT;

CREATE UNIQUE INDEX ui_customizations_pool_key ON ui_customizations (pool_id)
    WHERE client_id IS NULL;
-- Also serves the lookups and both cascades.
CREATE UNIQUE INDEX ui_customizations_client_key ON ui_customizations (pool_id, client_id);
