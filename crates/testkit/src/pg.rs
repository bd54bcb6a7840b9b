//! PostgreSQL databases for tests: each test gets an empty database of its
//! own on the server named by `KOGNIT_TEST_DATABASE_URL`, dropped afterwards.

use sqlx::{AssertSqlSafe, Connection as _, PgConnection};

/// The PostgreSQL server to test against, if any. Without one the
/// PostgreSQL variants are skipped, except in CI (`CI` set), where they must
/// run.
pub fn base_url() -> Option<String> {
    match std::env::var("KOGNIT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KOGNIT_TEST_DATABASE_URL is not: the PostgreSQL tests must run")
        }
        _ => {
            eprintln!(
                "note: PostgreSQL variant skipped; set KOGNIT_TEST_DATABASE_URL=postgres://… to run it"
            );
            None
        }
    }
}

/// Creates an empty database on the server of `base` and returns its name.
pub async fn create_database(base: &str) -> String {
    let name = format!("kognit_t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let _ = admin.close().await;
    name
}

/// Drops a test database, best-effort (a leftover is only clutter, and
/// `scripts/test` drops those of earlier runs).
pub async fn drop_database(base: &str, name: &str) {
    let Ok(mut admin) = PgConnection::connect(base).await else {
        return;
    };
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut admin).await {
        eprintln!("note: could not drop test database {name}: {e}");
    }
    let _ = admin.close().await;
}

/// `base` with its database name replaced by `name` (query kept).
pub fn url_of(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").expect("database url has a scheme");
    let (path, query) = rest
        .split_once('?')
        .map_or((rest, None), |(p, q)| (p, Some(q)));
    let authority = path.split('/').next().unwrap_or_default();
    match query {
        Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

/// A database made for one test, dropped when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    base: String,
    name: String,
}

impl TestDatabase {
    /// A fresh database, or None when PostgreSQL tests are not configured.
    pub async fn fresh() -> Option<Self> {
        let base = base_url()?;
        let name = create_database(&base).await;
        Some(Self {
            url: url_of(&base, &name),
            base,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        // Drop runs outside async code: the drop gets a thread and a runtime
        // of its own, and is waited for so the next test starts clean.
        let dropped = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(drop_database(&base, &name));
        });
        let _ = dropped.join();
    }
}
