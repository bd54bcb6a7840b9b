//! Query plans of the token statements: the revocation check runs on every
//! token-authorised request and refreshes look tokens up by hash, so each
//! must be a search of its key or index, never a scan of the table.

use sqlx::{AssertSqlSafe, Row};

use super::harness::Ctx;
use super::pool;
use crate::tokens::{
    GET_REFRESH, IS_ORIGIN_REVOKED, REVOKE_CLIENT_ORIGINS, REVOKE_CLIENT_TOKENS,
    REVOKE_ORIGIN_TOKENS, REVOKE_USER_TOKENS,
};
use crate::{Engine, SqlStore};

/// A bound value.
pub(super) enum Arg {
    Text(&'static str),
    Blob(Vec<u8>),
    Int(i64),
}

/// 200 users in each of pools `p` and `q`, 2000 refresh tokens per pool (two
/// per session, ten per user, 100 per client `c0`…`c19`) and 1000 revoked
/// origins per pool, written in three statements. Token `i`'s hash is `i` as
/// 32 ASCII digits.
async fn populate(s: &SqlStore) {
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let series = match s.engine() {
        Engine::Sqlite => {
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 3999) \
             SELECT i, printf('%03d', i % 200) AS u, printf('%04d', i % 1000) AS o, \
             CAST(printf('%032d', i) AS BLOB) AS h FROM g"
        }
        Engine::Postgres => {
            "SELECT i, lpad((i % 200)::text, 3, '0') AS u, lpad((i % 1000)::text, 4, '0') AS o, \
             convert_to(lpad(i::text, 32, '0'), 'UTF8') AS h FROM generate_series(0, 3999) i"
        }
    };
    let statements = [
        format!(
            "INSERT INTO users (pool_id, username, username_key, sub, status, enabled, \
             attributes, extra, created_ms, updated_ms, version) \
             SELECT CASE WHEN i < 200 THEN 'p' ELSE 'q' END, 'U' || u, 'u' || u, 'sub-' || i, \
             'CONFIRMED', 1, '{{}}', '{{}}', 0, 0, 1 FROM ({series}) s WHERE i < 400"
        ),
        format!(
            "INSERT INTO refresh_tokens (token_hash, pool_id, username_key, client_id, \
             origin_jti, auth_time, created_ms, expires_ms) \
             SELECT h, CASE WHEN i < 2000 THEN 'p' ELSE 'q' END, 'u' || u, 'c' || (i % 20), \
             'o' || o, \
             0, 0, 1 FROM ({series}) s"
        ),
        format!(
            "INSERT INTO revoked_origins (pool_id, origin_jti, expires_ms) \
             SELECT CASE WHEN i < 1000 THEN 'p' ELSE 'q' END, 'o' || o, 1 \
             FROM ({series}) s WHERE i < 2000"
        ),
    ];
    for sql in statements {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&s.db.write)
            .await
            .unwrap();
    }
    if s.engine() == Engine::Postgres {
        sqlx::raw_sql("ANALYZE users, refresh_tokens, revoked_origins")
            .execute(&s.db.write)
            .await
            .unwrap();
    }
}

/// The plan of `sql` with `args` bound, one line per plan node.
pub(super) async fn explain(s: &SqlStore, sql: &str, args: Vec<Arg>) -> String {
    let (explain, detail) = match s.engine() {
        Engine::Sqlite => ("EXPLAIN QUERY PLAN", 3),
        Engine::Postgres => ("EXPLAIN", 0),
    };
    let mut q = sqlx::query(AssertSqlSafe(format!("{explain} {sql}")));
    for a in args {
        q = match a {
            Arg::Text(t) => q.bind(t),
            Arg::Blob(b) => q.bind(b),
            Arg::Int(n) => q.bind(n),
        };
    }
    let rows = q.fetch_all(&s.db.read).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String, _>(detail).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

store_test!(token_statements_search_their_key, |ctx: Ctx| async move {
    let s = &ctx.store;
    populate(s).await;
    let hash = format!("{:032}", 1234).into_bytes();
    // (statement, arguments, SQLite's search, PostgreSQL's index)
    let cases = [
        (
            IS_ORIGIN_REVOKED,
            vec![Arg::Text("p"), Arg::Text("o0012")],
            "SEARCH revoked_origins USING PRIMARY KEY (pool_id=? AND origin_jti=?)",
            "revoked_origins_pkey",
        ),
        (
            GET_REFRESH,
            vec![Arg::Blob(hash)],
            "SEARCH refresh_tokens USING PRIMARY KEY (token_hash=?)",
            "refresh_tokens_pkey",
        ),
        (
            REVOKE_ORIGIN_TOKENS,
            vec![Arg::Text("p"), Arg::Text("o0012"), Arg::Int(5)],
            "SEARCH refresh_tokens USING INDEX refresh_tokens_origin_idx \
             (pool_id=? AND origin_jti=?)",
            "refresh_tokens_origin_idx",
        ),
        (
            REVOKE_USER_TOKENS,
            vec![Arg::Text("p"), Arg::Text("u012"), Arg::Int(5)],
            "SEARCH refresh_tokens USING INDEX refresh_tokens_user_idx \
             (pool_id=? AND username_key=?)",
            "refresh_tokens_user_idx",
        ),
        (
            REVOKE_CLIENT_ORIGINS,
            vec![Arg::Text("p"), Arg::Text("c7"), Arg::Int(5)],
            "SEARCH refresh_tokens USING INDEX refresh_tokens_client_idx \
             (pool_id=? AND client_id=?)",
            "refresh_tokens_client_idx",
        ),
        (
            REVOKE_CLIENT_TOKENS,
            vec![Arg::Text("p"), Arg::Text("c7"), Arg::Int(5)],
            "SEARCH refresh_tokens USING INDEX refresh_tokens_client_idx \
             (pool_id=? AND client_id=?)",
            "refresh_tokens_client_idx",
        ),
    ];
    for (sql, args, sqlite, postgres) in cases {
        let plan = explain(s, sql, args).await;
        let context = format!("{sql}:\n{plan}");
        match s.engine() {
            Engine::Sqlite => {
                assert!(!plan.contains("SCAN "), "{context}");
                assert!(plan.lines().any(|l| l.contains(sqlite)), "{context}");
            }
            Engine::Postgres => {
                assert!(!plan.contains("Seq Scan"), "{context}");
                let on_index = plan.lines().any(|l| {
                    (l.contains("Index Scan using ")
                        || l.contains("Index Only Scan using ")
                        || l.contains("Bitmap Index Scan on "))
                        && l.contains(postgres)
                });
                assert!(on_index, "{context}");
            }
        }
    }
});
