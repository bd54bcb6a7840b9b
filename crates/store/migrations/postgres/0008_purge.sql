-- kognit schema, version 8: indexes for the periodic purge of what has
-- outlived its use (expired tokens, revocations, sessions and codes; old
-- outbox messages and auth events), so it never scans a whole table.

CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_ms);
CREATE INDEX revoked_origins_expires_idx ON revoked_origins (expires_ms);
CREATE INDEX token_sessions_expires_idx ON token_sessions (expires_ms);
CREATE INDEX user_codes_expires_idx ON user_codes (expires_ms);
CREATE INDEX outbox_created_idx ON outbox (created_ms);
CREATE INDEX auth_events_created_idx ON auth_events (created_ms);
