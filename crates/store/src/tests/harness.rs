//! Runs a test body against a fresh database of each engine.
//!
//! SQLite: a new file in a temporary directory, always. PostgreSQL: a new
//! database `kognit_t_<random hex>` created through `KOGNIT_TEST_DATABASE_URL`
//! and dropped afterwards (even when the body panics: it runs in its own task).
//! Without that variable the PostgreSQL variant is skipped, unless `CI` is set,
//! where it fails so CI cannot skip it silently.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kognit_testkit::pg::{base_url, create_database, drop_database, url_of};

use crate::SqlStore;

/// What a test body gets.
pub(crate) struct Ctx {
    /// The store, opened (and migrated) on a fresh database.
    pub(crate) store: Arc<SqlStore>,
    /// That database's URL, to open it again.
    pub(crate) url: String,
    fresh: Fresh,
}

/// Where further empty databases come from.
enum Fresh {
    Sqlite(PathBuf),
    Postgres {
        base: String,
        created: Arc<Mutex<Vec<String>>>,
    },
}

impl Ctx {
    /// The URL of another empty database, cleaned up with the test's own.
    pub(crate) async fn fresh_url(&self) -> String {
        match &self.fresh {
            Fresh::Sqlite(dir) => format!("sqlite://{}/{}.db", dir.display(), random_hex()),
            Fresh::Postgres { base, created } => {
                let name = create_database(base).await;
                created.lock().unwrap().push(name.clone());
                url_of(base, &name)
            }
        }
    }
}

/// Runs `body` on a store over a fresh SQLite file.
pub(crate) async fn run_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let store = Arc::new(SqlStore::open(&url).await.unwrap());
    let ctx = Ctx {
        store: store.clone(),
        url,
        fresh: Fresh::Sqlite(dir.path().to_owned()),
    };
    let outcome = tokio::spawn(body(ctx)).await;
    store.close().await;
    rethrow(outcome);
}

/// Runs `body` on a store over a fresh PostgreSQL database, or skips.
pub(crate) async fn run_postgres<F, Fut>(body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(base) = base_url() else {
        return;
    };
    let name = create_database(&base).await;
    let created = Arc::new(Mutex::new(vec![name.clone()]));
    let url = url_of(&base, &name);
    let store = match SqlStore::open(&url).await {
        Ok(store) => Arc::new(store),
        Err(e) => {
            drop_database(&base, &name).await;
            panic!("cannot open {url}: {e}");
        }
    };
    let ctx = Ctx {
        store: store.clone(),
        url,
        fresh: Fresh::Postgres {
            base: base.clone(),
            created: created.clone(),
        },
    };
    let outcome = tokio::spawn(body(ctx)).await;
    store.close().await;
    let names = created.lock().unwrap().clone();
    for name in &names {
        drop_database(&base, name).await;
    }
    rethrow(outcome);
}

/// 16 hex digits, distinct across tests, runs and processes.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = (
        std::process::id(),
        std::time::SystemTime::now(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
    );
    format!("{:016x}", RandomState::new().hash_one(seed))
}

/// Re-raises the body's panic in the test, after cleanup.
fn rethrow(outcome: Result<(), tokio::task::JoinError>) {
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test body did not finish: {e}");
    }
}
