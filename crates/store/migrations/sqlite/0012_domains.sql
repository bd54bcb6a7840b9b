-- kognit schema, version 12 (SQLite): user-pool domains.
--
-- A domain (a Cognito prefix such as `myprefix`, or a custom domain such as
-- `auth.example.com`) belongs to one pool and is unique across all pools:
-- the primary key. A pool holds at most one prefix and one custom domain:
-- the unique index on (pool_id, custom). Deleting a pool frees its domains.
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them.

CREATE TABLE user_pool_domains (
    domain      TEXT    NOT NULL,
    pool_id     TEXT    NOT NULL,
    custom      INTEGER NOT NULL CHECK (custom IN (0, 1)),
    config      TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    CONSTRAINT user_pool_domains_pkey PRIMARY KEY (domain),
    CONSTRAINT user_pool_domains_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;

-- One domain of each kind per pool; also serves a pool's domains
-- (DescribeUserPool) and the cascade from user_pools.
CREATE UNIQUE INDEX user_pool_domains_pool_kind_key ON user_pool_domains (pool_id, custom);
