-- kognit schema, version 4 (SQLite): user-pool groups and their members.
--
-- Constraint names match the PostgreSQL schema; errors.rs maps SQLite's
-- column lists back to them.

-- A rowid table: Description and RoleArn may each be up to 2 KiB, too wide
-- for a WITHOUT ROWID primary-key b-tree. Group names compare bytewise
-- (case-sensitively), as Cognito's do.
CREATE TABLE user_groups (
    pool_id      TEXT    NOT NULL,
    group_name   TEXT    NOT NULL,
    description  TEXT,
    role_arn     TEXT,
    precedence   INTEGER CHECK (precedence >= 0),
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    CONSTRAINT user_groups_pkey PRIMARY KEY (pool_id, group_name),
    CONSTRAINT user_groups_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) STRICT;
-- ListGroups walks the primary key; no further index.

-- Small rows found by their key prefixes: WITHOUT ROWID keeps them in the
-- primary-key b-tree itself. Deleting a group or a user ends its
-- memberships; deleting a pool reaches here through both.
CREATE TABLE group_members (
    pool_id       TEXT NOT NULL,
    group_name    TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    CONSTRAINT group_members_pkey PRIMARY KEY (pool_id, group_name, username_key),
    CONSTRAINT group_members_group_fkey FOREIGN KEY (pool_id, group_name)
        REFERENCES user_groups (pool_id, group_name) ON DELETE CASCADE,
    CONSTRAINT group_members_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A user's groups (AdminListGroupsForUser, every token issued) and the
-- cascade from users. Ending in group_name, the user's groups come out of the
-- index already in name order, so a page is a range scan without a sort.
CREATE INDEX group_members_user_idx ON group_members (pool_id, username_key, group_name);
