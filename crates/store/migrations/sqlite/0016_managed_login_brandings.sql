-- kognit schema, version 16 (SQLite): managed login branding styles
-- (CreateManagedLoginBranding, Cognito's "managed login v2" branding).
--
-- A style belongs to one app client, and a client has at most one style
-- (managed_login_brandings_client_key, which also serves the lookups by
-- client and the cascade from a deleted client). Its assets are rows of
-- their own, one per category and colour mode (the primary key), so an
-- update that names one replaces it in one upsert and keeps the others.
-- Deleting a client removes its style, and a style its assets; deleting a
-- pool deletes its clients, hence their styles (the key to the client
-- implies the pool, so there is no second key to the pool, and a missing
-- pool or client fails the same constraint on both engines).
-- Settings is core's JSON text, as given. An asset's file is at most 1 MB
-- (the model's AssetBytesType), so the assets are a rowid table. Version
-- 15 is another change's. Constraint names match the PostgreSQL
-- schema; errors.rs maps SQLite's column lists back to them.

CREATE TABLE managed_login_brandings (
    pool_id      TEXT    NOT NULL,
    branding_id  TEXT    NOT NULL,
    client_id    TEXT    NOT NULL,
    use_cognito_provided_values INTEGER NOT NULL
        CHECK (use_cognito_provided_values IN (0, 1)),
    settings     TEXT,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    CONSTRAINT managed_login_brandings_pkey PRIMARY KEY (pool_id, branding_id),
    CONSTRAINT managed_login_brandings_client_key UNIQUE (pool_id, client_id),
    CONSTRAINT managed_login_brandings_client_fkey FOREIGN KEY (pool_id, client_id)
        REFERENCES user_pool_clients (pool_id, client_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE managed_login_assets (
    pool_id      TEXT    NOT NULL,
    branding_id  TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    color_mode   TEXT    NOT NULL,
    extension    TEXT    NOT NULL,
    bytes        BLOB,
    resource_id  TEXT,
    CONSTRAINT managed_login_assets_pkey
        PRIMARY KEY (pool_id, branding_id, category, color_mode),
    CONSTRAINT managed_login_assets_branding_fkey FOREIGN KEY (pool_id, branding_id)
        REFERENCES managed_login_brandings (pool_id, branding_id) ON DELETE CASCADE
) STRICT;
-- The primary keys serve every lookup and both cascades; no further index.
