//! Query plans of the session and event listings: each must search its user's
//! range of the user index (never scan the pool's sessions or events), and
//! the liveness check must probe revoked_origins by its key.

use sqlx::AssertSqlSafe;

use super::harness::Ctx;
use super::pool;
use super::token_plans::{Arg, explain};
use crate::auth_events::LIST_EVENTS;
use crate::sessions::LIST_SESSIONS;
use crate::{Engine, SqlStore};

/// 200 users in each of pools `p` and `q`, 10 sessions and 20 events per
/// user, and a revoked origin for every other session, in four statements.
async fn populate(s: &SqlStore) {
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let series = match s.engine() {
        Engine::Sqlite => {
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 7999) \
             SELECT i, CASE WHEN i % 400 < 200 THEN 'p' ELSE 'q' END AS pl, \
             printf('%03d', i % 200) AS u, printf('%05d', i) AS n FROM g"
        }
        Engine::Postgres => {
            "SELECT i, CASE WHEN i % 400 < 200 THEN 'p' ELSE 'q' END AS pl, \
             lpad((i % 200)::text, 3, '0') AS u, lpad(i::text, 5, '0') AS n \
             FROM generate_series(0, 7999) i"
        }
    };
    let statements = [
        format!(
            "INSERT INTO users (pool_id, username, username_key, sub, status, enabled, \
             attributes, extra, created_ms, updated_ms, version) \
             SELECT pl, 'U' || u, 'u' || u, 'sub-' || i, 'CONFIRMED', 1, '{{}}', '{{}}', \
             0, 0, 1 FROM ({series}) s WHERE i < 400"
        ),
        format!(
            "INSERT INTO token_sessions (pool_id, session_id, origin_jti, username_key, \
             client_id, created_ms, last_active_ms, expires_ms) \
             SELECT pl, 'tkn' || n, 'o' || n, 'u' || u, 'c', i, i, 9000 \
             FROM ({series}) s WHERE i < 4000"
        ),
        format!(
            "INSERT INTO revoked_origins (pool_id, origin_jti, expires_ms) \
             SELECT pl, 'o' || n, 1 FROM ({series}) s WHERE i < 4000 AND i % 2 = 0"
        ),
        format!(
            "INSERT INTO auth_events (pool_id, username_key, event_id, event_type, created_ms, \
             response, challenges) SELECT pl, 'u' || u, 'e' || n, 'SignIn', i, 'Pass', '[]' \
             FROM ({series}) s"
        ),
    ];
    for sql in statements {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&s.db.write)
            .await
            .unwrap();
    }
    if s.engine() == Engine::Postgres {
        sqlx::raw_sql("ANALYZE users, token_sessions, revoked_origins, auth_events")
            .execute(&s.db.write)
            .await
            .unwrap();
    }
}

store_test!(listings_search_the_user_range, |ctx: Ctx| async move {
    let s = &ctx.store;
    populate(s).await;
    // (statement, arguments, SQLite's searches, the table PostgreSQL must
    // not scan and the index it must use instead)
    let cases = [
        (
            LIST_SESSIONS,
            vec![
                Arg::Text("p"),
                Arg::Text("u012"),
                Arg::Int(5),
                Arg::Text(""),
                Arg::Int(126),
            ],
            vec![
                "SEARCH s USING INDEX token_sessions_user_idx \
                 (pool_id=? AND username_key=? AND session_id>?)",
                "SEARCH r USING PRIMARY KEY (pool_id=? AND origin_jti=?)",
            ],
            // PostgreSQL weighs probing revoked_origins per session against
            // hashing the pool's revoked origins by their statistics.
            "token_sessions",
            "token_sessions_user_idx",
        ),
        (
            LIST_EVENTS,
            vec![
                Arg::Text("p"),
                Arg::Text("u012"),
                Arg::Int(i64::MAX),
                Arg::Int(61),
            ],
            vec![
                "SEARCH auth_events USING INDEX auth_events_user_idx \
                 (pool_id=? AND username_key=? AND seq<?)",
            ],
            "auth_events",
            "auth_events_user_idx",
        ),
    ];
    for (sql, args, sqlite, table, index) in cases {
        let plan = explain(s, sql, args).await;
        let context = format!("{sql}:\n{plan}");
        match s.engine() {
            Engine::Sqlite => {
                assert!(!plan.contains("SCAN "), "{context}");
                assert!(!plan.contains("TEMP B-TREE"), "{context}");
                for search in sqlite {
                    assert!(plan.lines().any(|l| l.contains(search)), "{context}");
                }
            }
            Engine::Postgres => {
                let scanned = format!("Seq Scan on {table} ");
                assert!(!plan.contains(&scanned), "{context}");
                let on_index = plan.lines().any(|l| {
                    (l.contains("Index Scan") || l.contains("Index Only Scan")) && l.contains(index)
                });
                assert!(on_index, "{context}");
            }
        }
    }
});
