-- kognit schema, version 4 (PostgreSQL): user-pool groups and their members.
--
-- Text columns that are compared or sorted use COLLATE "C" as in 0001–0003:
-- group names compare and sort bytewise (case-sensitively), as on SQLite and
-- in Cognito. Constraint names match the SQLite schema.

CREATE TABLE user_groups (
    pool_id      TEXT COLLATE "C" NOT NULL,
    group_name   TEXT COLLATE "C" NOT NULL,
    description  TEXT,
    role_arn     TEXT,
    precedence   BIGINT CHECK (precedence >= 0),
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL,
    CONSTRAINT user_groups_pkey PRIMARY KEY (pool_id, group_name),
    CONSTRAINT user_groups_pool_id_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
-- ListGroups walks the primary key; no further index.

-- Deleting a group or a user ends its memberships; deleting a pool reaches
-- here through both.
CREATE TABLE group_members (
    pool_id       TEXT COLLATE "C" NOT NULL,
    group_name    TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT group_members_pkey PRIMARY KEY (pool_id, group_name, username_key),
    CONSTRAINT group_members_group_fkey FOREIGN KEY (pool_id, group_name)
        REFERENCES user_groups (pool_id, group_name) ON DELETE CASCADE,
    CONSTRAINT group_members_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- A user's groups (AdminListGroupsForUser, every token issued) and the
-- cascade from users. Ending in group_name, the user's groups come out of the
-- index already in name order, so a page is a range scan without a sort.
CREATE INDEX group_members_user_idx ON group_members (pool_id, username_key, group_name);
