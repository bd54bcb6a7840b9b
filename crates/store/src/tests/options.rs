//! StoreOptions: PostgreSQL's statement timeout.

use std::time::Duration;

use kognit_core::store::StoreError;

use super::harness::Ctx;
use super::pool;
use crate::{Engine, SqlStore, StoreOptions, errors};

/// Runs a statement that takes about `secs` seconds on the store's pool.
async fn slow(s: &SqlStore, secs: f64) -> Result<(), StoreError> {
    let sql = match s.engine() {
        Engine::Postgres => "SELECT pg_sleep($1)",
        // No sleep function: a recursive count of about the same length is
        // not worth it; SQLite has no server-side timeout to test.
        Engine::Sqlite => "SELECT $1",
    };
    sqlx::query(sql)
        .bind(secs)
        .execute(&s.db.write)
        .await
        .map(drop)
        .map_err(errors::db)
}

store_test!(
    statement_timeout_cancels_slow_statements,
    |ctx: Ctx| async move {
        let options = StoreOptions {
            statement_timeout: Some(Duration::from_millis(200)),
        };
        // The database is migrated already; this store only connects.
        let s = SqlStore::open_with(&ctx.url, &options).await.unwrap();
        let started = std::time::Instant::now();
        let outcome = slow(&s, 3.0).await;
        match s.engine() {
            Engine::Postgres => {
                let err = outcome.unwrap_err().to_string();
                assert!(err.contains("statement timeout"), "{err}");
                assert!(started.elapsed() < Duration::from_secs(2));
            }
            Engine::Sqlite => outcome.unwrap(),
        }
        // The connection is still good for quick statements.
        s.insert_pool(&pool("p")).await.unwrap();
        assert!(s.get_pool("p").await.unwrap().is_some());
        // Without the option nothing is cancelled.
        slow(&ctx.store, 0.3).await.unwrap();
        s.close().await;
    }
);

store_test!(migrations_run_without_the_timeout, |ctx: Ctx| async move {
    // A fresh database migrated by a store with a tiny timeout still gets
    // every migration (each runs with the timeout lifted).
    let url = ctx.fresh_url().await;
    let options = StoreOptions {
        statement_timeout: Some(Duration::from_millis(1)),
    };
    let s = SqlStore::open_with(&url, &options).await.unwrap();
    s.close().await;
    // Counted without the timeout: on a busy machine even this count can
    // take more than a millisecond.
    let plain = SqlStore::open(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kognit_migrations")
        .fetch_one(&plain.db.write)
        .await
        .unwrap();
    assert_eq!(n as usize, plain.db.dialect.migrations.len());
    plain.close().await;
});
