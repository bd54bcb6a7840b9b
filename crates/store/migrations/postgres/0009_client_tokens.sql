-- kognit schema, version 9: an index that finds the refresh tokens of one app
-- client (Kognit.RevokeClientSessions ends every session begun through it),
-- so that never scans every token of the pool. It ends in origin_jti so the
-- client's sessions come out in the order their revocations are locked in
-- (`ORDER BY origin_jti`) without a sort; without it SQLite preferred walking
-- the pool's whole refresh_tokens_origin_idx to avoid that sort.

CREATE INDEX refresh_tokens_client_idx ON refresh_tokens (pool_id, client_id, origin_jti);
