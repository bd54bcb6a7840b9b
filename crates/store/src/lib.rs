//! kognit's storage: the [`Store`] interface of `kognit-core` over SQLite
//! (embedded, one file) or PostgreSQL, chosen from the database URL once, at
//! [`connect`].
//!
//! Both engines go through sqlx's `Any` driver, so each query is a single SQL
//! text with `$1, $2, …` placeholders; what truly differs between the engines
//! (migrations, how a write transaction begins, row locks, one planner hint)
//! is gathered in one `Dialect` value per engine, selected at connect time.
//! On a SQLite file, the hottest reads and writes (a user by key, user
//! writes, refresh tokens, auth events, ListUsers pages) take a shorter way,
//! the `lite` lane: rusqlite directly, with the same SQL texts and decoders.
//! Those operations form the `Backend` trait; the store type `Sql<B>` is
//! generic over it, and [`SqlStore::open_with`] picks its backend once, so
//! no query branches on the engine or the lane.

mod args;
mod auth_events;
mod backend;
mod checkpoint;
mod clients;
mod codes;
mod columns;
mod console;
mod devices;
mod domains;
mod engine;
mod errors;
mod groups;
mod keys;
mod lite;
mod managed_login;
mod migrate;
mod oauth;
mod outbox;
mod pooled;
mod pools;
mod purge;
mod resource_servers;
mod schema_image;
mod sessions;
mod signing_keys;
mod sqlite;
#[cfg(test)]
mod tests;
mod tokens;
mod ui_customizations;
mod user_list;
mod users;

use std::sync::Arc;

use async_trait::async_trait;
use kognit_core::store::{AdminStore, PurgeCut, Store, StoreError, StoreResult};
use sqlx::AnyPool;

use backend::Backend;
use engine::Dialect;
pub use engine::{Engine, in_memory_url, private_sqlite_url};
use pooled::Pooled;

/// Opens the database at `database_url` (`sqlite://path/to/file.db`, created
/// if missing, or `postgres://…`), runs pending migrations and returns it as a
/// [`Store`]. Failures are `StoreError::Backend` with a one-line message.
pub async fn connect(database_url: &str) -> Result<Arc<dyn Store>, StoreError> {
    connect_with(database_url, &StoreOptions::default()).await
}

/// Like [`connect`], with these options.
pub async fn connect_with(
    database_url: &str,
    options: &StoreOptions,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(SqlStore::open_with(database_url, options).await?.store)
}

/// How a store runs its database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// PostgreSQL: the server cancels any statement that runs longer
    /// (`statement_timeout`, set on every pooled connection), so one bad
    /// plan cannot hold all the connections; migrations are exempt. None
    /// for no limit. SQLite has no server to cancel on; unused there.
    pub statement_timeout: Option<std::time::Duration>,
}

/// The sqlx side of every store: the engine, its [`Dialect`] and the pools.
///
/// On a SQLite file, writes go through a single connection (they serialize on
/// the file lock anyway) and reads through a few read-only WAL connections;
/// a shared in-memory SQLite database ([`in_memory_url`]) is read and written
/// the same way (`engine::read_pool` has how its readers and writer agree);
/// on PostgreSQL both use one pool.
#[derive(Debug, Clone)]
pub(crate) struct Db {
    engine: Engine,
    dialect: &'static Dialect,
    read: AnyPool,
    write: AnyPool,
}

impl Db {
    /// A write transaction on the write pool, begun as the engine's dialect
    /// says (`BEGIN IMMEDIATE` on SQLite, so it takes the write lock at
    /// once). Dropped without a commit, it rolls back.
    pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        self.write
            .begin_with(self.dialect.begin_write)
            .await
            .map_err(errors::db)
    }

    /// One keyset page from the read pool: `sql` takes `keys` as its first
    /// placeholders, then the last key of the previous page ("" sorts before
    /// every key, so `None` starts at the beginning without a second SQL
    /// text) and the page size.
    pub(crate) async fn read_page<'q>(
        &self,
        sql: &'static str,
        mut keys: Vec<args::Arg<'q>>,
        after: Option<&'q str>,
        limit: u32,
    ) -> StoreResult<Vec<sqlx::any::AnyRow>> {
        keys.push(args::Arg::Text(after.unwrap_or("")));
        keys.push(args::Arg::Int(i64::from(limit)));
        args::bind(sql, keys)
            .fetch_all(&self.read)
            .await
            .map_err(errors::db)
    }
}

/// The [`Store`] implementation: every operation on the sqlx [`Db`],
/// except those of [`Backend`], which the backend `B` runs. One type per
/// backend, chosen at [`SqlStore::open_with`].
#[derive(Debug)]
pub(crate) struct Sql<B> {
    db: Db,
    backend: B,
}

/// A [`Store`] on SQLite or PostgreSQL, opened: the store itself (on
/// SQLite with the `lite` lane for its hottest operations, on PostgreSQL
/// on sqlx alone) and its pools and lane, to close them.
///
/// It dereferences to the [`Store`], so a caller uses it as one.
#[derive(Clone)]
pub struct SqlStore {
    db: Db,
    lane: Option<Arc<lite::Lane>>,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for SqlStore {
    type Target = dyn Store;

    fn deref(&self) -> &(dyn Store + 'static) {
        &*self.store
    }
}

impl SqlStore {
    /// Like [`connect`], but returns the store with its pools.
    pub async fn open(database_url: &str) -> Result<Self, StoreError> {
        Self::open_with(database_url, &StoreOptions::default()).await
    }

    /// Like [`connect_with`], but returns the store with its pools.
    pub async fn open_with(database_url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let engine = Engine::from_url(database_url)?;
        let url = match engine {
            Engine::Sqlite => engine::sqlite_url(database_url),
            Engine::Postgres => database_url.to_owned(),
        };
        // Idempotent; the Any driver needs the concrete drivers registered.
        sqlx::any::install_default_drivers();
        let fail = |e: sqlx::Error| {
            StoreError::Backend(format!(
                "cannot open {} database {}: {}",
                engine.name(),
                engine::redact(database_url),
                errors::one_line(&e)
            ))
        };
        engine::first_connection(engine, &url).await.map_err(|e| {
            if engine::held_elsewhere(&url, &e) {
                StoreError::Backend(format!(
                    "cannot open SQLite database {}: another process has the file open, \
                         and this one would keep it to itself (is a kognit already running on \
                         this data folder?)",
                    engine::redact(database_url)
                ))
            } else {
                fail(e)
            }
        })?;
        let dialect = engine.dialect();
        let place = engine::lane_place(engine, &url).map_err(fail)?;
        // A new in-memory database starts from the migrated schema's image;
        // the migrations then run only if it lacks one of this build's. The
        // restoring connection keeps the database alive until the lane
        // opens (sqlx's write connection opens at the first write), and
        // becomes the lane's writer.
        let (restorer, imaged) = match &place {
            Some(lite::Place::Memory(name)) => {
                let restored = schema_image::restore_built_in(name)?;
                (Some(restored.conn), restored.version)
            }
            _ => (None, None),
        };
        let write = engine::write_pool(engine, &url, options)
            .await
            .map_err(fail)?;
        let applied = match imaged {
            Some(version) if version == migrate::latest(dialect) => Vec::new(),
            _ => migrate::run(&write, dialect).await?,
        };
        checkpoint::spawn_checkpointer(engine, &url, &write);
        let read = engine::read_pool(engine, &url, &write)
            .await
            .map_err(fail)?;
        let db = Db {
            engine,
            dialect,
            read,
            write,
        };
        // The one choice of backend: the lane wherever it can open the
        // database (a file, or a shared in-memory one), sqlx otherwise.
        let lane = match place {
            Some(place) => Some((
                Arc::new(lite::Lane::open(&place, &db.write, restorer)?),
                place,
            )),
            None => None,
        };
        let store: Arc<dyn Store> = match &lane {
            Some((lane, lite::Place::File { .. })) => Arc::new(Sql {
                backend: lite::LaneBackend::file(lane.clone()),
                db: db.clone(),
            }),
            Some((lane, lite::Place::Memory(_))) => Arc::new(Sql {
                backend: lite::LaneBackend::memory(lane.clone(), Pooled::new(db.clone())),
                db: db.clone(),
            }),
            None => Arc::new(Sql {
                backend: Pooled::new(db.clone()),
                db: db.clone(),
            }),
        };
        tracing::info!(
            engine = engine.name(),
            url = %engine::redact(database_url),
            migrations_applied = applied.len(),
            "store opened"
        );
        let lane = lane.map(|(lane, _)| lane);
        Ok(Self { db, lane, store })
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.db.engine
    }

    /// Closes every connection, waiting for them to finish (on SQLite this
    /// checkpoints the WAL, and an in-memory database ends). The store is
    /// unusable afterwards.
    pub async fn close(&self) {
        if let Some(lane) = self.lane.clone() {
            // It commits what is queued and closes its connections: a wait
            // of its own threads, not the runtime's.
            let _ = tokio::task::spawn_blocking(move || lane.close()).await;
        }
        self.db.read.close().await;
        self.db.write.close().await;
    }
}

#[async_trait]
impl<B: Backend> AdminStore for Sql<B> {
    async fn ping(&self) -> StoreResult<()> {
        self.backend.ping().await
    }

    async fn reset(&self) -> StoreResult<()> {
        let mut tx = self.db.begin_write().await?;
        // Children first: no cascade work, and no reliance on it. Access keys
        // are the operator's credentials and survive a developer reset.
        for sql in [
            "DELETE FROM outbox",
            "DELETE FROM auth_events",
            "DELETE FROM token_sessions",
            "DELETE FROM revoked_origins",
            "DELETE FROM oauth_codes",
            "DELETE FROM refresh_tokens",
            "DELETE FROM devices",
            "DELETE FROM group_members",
            "DELETE FROM user_groups",
            "DELETE FROM resource_servers",
            "DELETE FROM user_codes",
            "DELETE FROM user_aliases",
            "DELETE FROM users",
            "DELETE FROM client_secrets",
            "DELETE FROM ui_customizations",
            "DELETE FROM managed_login_assets",
            "DELETE FROM managed_login_brandings",
            "DELETE FROM user_pool_clients",
            "DELETE FROM signing_keys",
            "DELETE FROM user_pool_domains",
            "DELETE FROM user_pools",
        ] {
            sqlx::query(sql)
                .execute(&mut *tx)
                .await
                .map_err(errors::db)?;
        }
        tx.commit().await.map_err(errors::db)
    }

    async fn purge(&self, cut: &PurgeCut) -> StoreResult<u64> {
        self.purge_expired(cut).await
    }
}
