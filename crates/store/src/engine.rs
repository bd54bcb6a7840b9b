//! Engine choice, made once at connect time: URL parsing, connection pools and
//! the handful of SQL texts that differ between SQLite and PostgreSQL
//! ([`Dialect`]). Every other query is one text for both engines, using `$N`
//! placeholders (SQLite accepts `$N` as a numbered parameter).

use std::time::Duration;

use kognit_core::store::StoreError;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, ConnectOptions, Connection};

use crate::StoreOptions;
use crate::migrate::{self, Migration};
use crate::{lite, sqlite};

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// An embedded SQLite file (`sqlite://path/to/file.db`).
    Sqlite,
    /// A PostgreSQL server (`postgres://…` or `postgresql://…`).
    Postgres,
}

impl Engine {
    /// The engine a database URL names, or `Backend` for an unknown scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::Backend(format!(
                "unsupported database URL scheme `{scheme}:`; expected sqlite://path/to/file.db \
                 or postgres://user@host/database"
            )))
        }
    }

    /// The engine's display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    pub(crate) fn dialect(self) -> &'static Dialect {
        match self {
            Self::Sqlite => &SQLITE,
            Self::Postgres => &POSTGRES,
        }
    }
}

/// The SQL that cannot be written once for both engines.
#[derive(Debug)]
pub(crate) struct Dialect {
    /// Opens a write transaction. SQLite's `BEGIN IMMEDIATE` takes the write
    /// lock up front, so a transaction that reads before it writes cannot
    /// deadlock against another writer (which SQLite would answer with
    /// SQLITE_BUSY without waiting) and check-then-write is serialized.
    pub(crate) begin_write: &'static str,
    /// Reads the client row ($1 pool, $2 client), locking it on PostgreSQL so
    /// concurrent secret additions serialize on it; SQLite already holds the
    /// database write lock and has no `FOR UPDATE`.
    pub(crate) lock_client: &'static str,
    /// Reads the pool row ($1), locking it on PostgreSQL so concurrent group
    /// creations in one pool serialize on it (the per-pool group limit is
    /// counted, then written). `FOR NO KEY UPDATE` leaves the key-share locks
    /// that inserts referencing the pool take unblocked.
    pub(crate) lock_pool: &'static str,
    /// Reads the user row ($1 pool, $2 username key), locking it on PostgreSQL
    /// so concurrent group additions of one user serialize on it (the
    /// per-user group limit), as `lock_pool` does for pools.
    pub(crate) lock_user: &'static str,
    /// Serializes migrations across processes, run first in each migration
    /// transaction (SQLite: `BEGIN IMMEDIATE` already does).
    pub(crate) migration_lock: Option<&'static str>,
    /// Lifts the statement timeout for the rest of a migration transaction:
    /// building an index on a large table may take minutes.
    pub(crate) migration_no_timeout: Option<&'static str>,
    /// The engine's ordered migrations.
    pub(crate) migrations: &'static [Migration],
}

static SQLITE: Dialect = Dialect {
    begin_write: "BEGIN IMMEDIATE",
    lock_client: "SELECT 1 FROM user_pool_clients WHERE pool_id = $1 AND client_id = $2",
    lock_pool: "SELECT 1 FROM user_pools WHERE id = $1",
    lock_user: "SELECT 1 FROM users WHERE pool_id = $1 AND username_key = $2",
    migration_lock: None,
    migration_no_timeout: None,
    migrations: migrate::SQLITE,
};

static POSTGRES: Dialect = Dialect {
    begin_write: "BEGIN",
    lock_client: "SELECT 1 FROM user_pool_clients WHERE pool_id = $1 AND client_id = $2 \
                  FOR UPDATE",
    lock_pool: "SELECT 1 FROM user_pools WHERE id = $1 FOR NO KEY UPDATE",
    lock_user: "SELECT 1 FROM users WHERE pool_id = $1 AND username_key = $2 \
                FOR NO KEY UPDATE",
    // Transaction-scoped, so it is released by COMMIT/ROLLBACK even if the
    // process dies mid-migration. The key is "kognit" in ASCII.
    migration_lock: Some("SELECT pg_advisory_xact_lock(118126220831092)"),
    migration_no_timeout: Some("SET LOCAL statement_timeout = 0"),
    migrations: migrate::POSTGRES,
};

/// SQLite reader connections: WAL lets them read while the writer writes.
const SQLITE_READERS: u32 = 4;
/// PostgreSQL connections (shared by reads and writes).
const POSTGRES_CONNECTIONS: u32 = 10;
/// How long to wait for a pooled connection (and for the first one at startup).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A SQLite URL with `mode=rwc` added when no mode is given, so a missing
/// file is created.
pub(crate) fn sqlite_url(url: &str) -> String {
    let (_, query) = url.split_once('?').unwrap_or((url, ""));
    if query.split('&').any(|kv| kv.starts_with("mode=")) {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Whether a SQLite URL names an in-memory database, which lives only as long
/// as its connections.
pub(crate) fn sqlite_in_memory(url: &str) -> bool {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    path.ends_with(":memory:") || query.split('&').any(|kv| kv == "mode=memory")
}

/// Whether a SQLite URL names an in-memory database that several pools can
/// open: one with a name, in shared-cache mode (sqlx's default for
/// `mode=memory`). `sqlite::memory:` is not one: sqlx gives it a new name
/// each time the URL is parsed, so a second pool would open a second,
/// empty database.
fn sqlite_shared_memory(url: &str) -> bool {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let name = path
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .trim_start_matches("file:");
    sqlite_in_memory(url)
        && !name.is_empty()
        && !path.ends_with(":memory:")
        && !query.split('&').any(|kv| kv == "cache=private")
}

/// The URL of a new in-memory SQLite database of this process, named so that
/// the store's pools share it (see [`read_pool`]): it lives as long as the
/// store's connections and is never written to a file.
pub fn in_memory_url() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "sqlite:file:kognit-memory-{}-{n}?mode=memory&cache=shared",
        std::process::id()
    )
}

/// The URL of the SQLite file at `path` that this process keeps to itself
/// ([`sqlite::EXCLUSIVE_VFS`]): `kognit dev`'s data folder. A second
/// process opening it is refused ([`first_connection`]).
pub fn private_sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?vfs={}", path.display(), sqlite::EXCLUSIVE_VFS)
}

/// Whether `e`, from opening the SQLite file of `url`, says that another
/// process keeps the file to itself, or that this one could not take it for
/// itself ([`sqlite::EXCLUSIVE_VFS`]): the file is locked.
pub(crate) fn held_elsewhere(url: &str, e: &sqlx::Error) -> bool {
    sqlite_vfs(url) == Some(sqlite::EXCLUSIVE_VFS)
        && matches!(e, sqlx::Error::Database(e) if e.message().contains("locked"))
}

/// The VFS a SQLite URL names (`vfs=`), if any.
fn sqlite_vfs(url: &str) -> Option<&str> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|kv| kv.strip_prefix("vfs="))
}

/// The database a SQLite lane can open for a URL: its file, or a shared
/// in-memory database by the name sqlx opened it with; None for PostgreSQL
/// and for an in-memory database only its one connection sees.
pub(crate) fn lane_place(engine: Engine, url: &str) -> Result<Option<lite::Place>, sqlx::Error> {
    if engine != Engine::Sqlite || (sqlite_in_memory(url) && !sqlite_shared_memory(url)) {
        return Ok(None);
    }
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
    let name = options.get_filename().to_owned();
    if sqlite_in_memory(url) {
        return Ok(Some(lite::Place::Memory(
            name.to_string_lossy().into_owned(),
        )));
    }
    Ok(Some(lite::Place::File {
        path: name,
        vfs: sqlite_vfs(url).map(str::to_owned),
    }))
}

/// The URL without its password, for error messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// Opens one connection directly, before any pool: a pool retries a refused
/// connection until its timeout and then reports only "pool timed out",
/// whereas this fails at once with the driver's own reason. On SQLite it also
/// switches the file to WAL, which needs an exclusive lock and so is done
/// while no other connection exists. Not for an in-memory database, which
/// has no WAL and no server to refuse it (the write pool's first connection
/// reports its own failure).
pub(crate) async fn first_connection(engine: Engine, url: &str) -> Result<(), sqlx::Error> {
    if engine == Engine::Sqlite {
        // Only a warning to give: beside the start, on a worker thread (a
        // thread of its own would stay for the blocking pool's keep-alive).
        tokio::spawn(async { check_build() });
        if sqlite_in_memory(url) {
            return Ok(());
        }
    }
    // Its statements may wait for other processes' locks (below): that is
    // no slow statement to warn of.
    let options = url
        .parse::<sqlx::any::AnyConnectOptions>()?
        .disable_statement_logging();
    let mut conn = tokio::time::timeout(ACQUIRE_TIMEOUT, AnyConnection::connect_with(&options))
        .await
        .map_err(|_| {
            sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {}s", ACQUIRE_TIMEOUT.as_secs()),
            ))
        })??;
    if engine == Engine::Sqlite && sqlite_vfs(url) == Some(sqlite::EXCLUSIVE_VFS) {
        // The first lock takes the file for this process: another one that
        // has it is refused, after a short wait for one that is exiting.
        sqlx::query(sqlite::EXCLUSIVE_PATIENCE)
            .execute(&mut conn)
            .await?;
        sqlx::query(sqlite::JOURNAL_MODE).execute(&mut conn).await?;
        return conn.close().await;
    }
    if engine == Engine::Sqlite {
        // Several processes may open a fresh file at once: wait for the
        // others' locks instead of failing with "database is locked", and
        // retry the switch to WAL, which needs the file to itself.
        sqlx::query(sqlite::BUSY_TIMEOUT).execute(&mut conn).await?;
        let mut tries = 0;
        loop {
            match sqlx::query(sqlite::JOURNAL_MODE).execute(&mut conn).await {
                Ok(_) => break,
                Err(sqlx::Error::Database(e)) if tries < 50 && e.message().contains("locked") => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    conn.close().await
}

/// Warns, once per process, when the SQLite library lacks the build flags
/// of `.cargo/config.toml` (`sqlite::BUILD_FLAGS`): a build that did not
/// read that file (`cargo install --git`, or a workspace of its own) runs
/// correctly but with every connection serialized on global mutexes and
/// lists re-planned at every page (BENCHMARKS.md). The flags are the
/// library's, so any connection shows them: a private in-memory one here
/// (sqlx and rusqlite share the library). Run as a task of its own, beside
/// the store's opening, which does not wait for it: a fraction of a
/// millisecond, once per process.
fn check_build() {
    static CHECKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if CHECKED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let options = rusqlite::Connection::open_in_memory().and_then(|conn| {
        let mut stmt = conn.prepare("PRAGMA compile_options")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        rows.collect::<Result<Vec<String>, _>>()
    });
    let options = match options {
        Ok(options) => options,
        Err(e) => {
            tracing::warn!(error = %crate::errors::one_line(&e), "cannot read SQLite's build flags");
            return;
        }
    };
    let missing = sqlite::missing_build_flags(&options);
    if !missing.is_empty() {
        tracing::warn!(
            missing = %missing.join(" "),
            "this kognit's SQLite was built without the flags in the repository's \
             .cargo/config.toml, so it is slower under load; build with \
             `cargo install --locked --path crates/server` from a checkout, or set \
             LIBSQLITE3_FLAGS as README.md's Install section says"
        );
    }
}

/// The pool that writes. SQLite gets a single connection: writes serialize on
/// the database lock anyway, and queueing them in the pool is fairer and
/// cheaper than letting several connections poll a busy lock. That connection
/// never expires once opened (at start on a file, at the first write in
/// memory).
pub(crate) async fn write_pool(
    engine: Engine,
    url: &str,
    options: &StoreOptions,
) -> Result<AnyPool, sqlx::Error> {
    match engine {
        Engine::Sqlite => {
            let in_memory = sqlite_in_memory(url);
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                // A local file's connection cannot go stale: skip the ping
                // sqlx sends before handing out a connection (a large share
                // of a point read's cost).
                .test_before_acquire(false)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        let settings = sqlite::settings(true, in_memory);
                        sqlx::raw_sql(settings).execute(conn).await?;
                        Ok(())
                    })
                });
            if in_memory {
                // Opened at the first write, not at start: a thread and a
                // connection, half a millisecond of `kognit dev --ephemeral`'s
                // start-up. The database is kept alive meanwhile by other
                // connections (the lane's, the schema image's restorer).
                return pool.min_connections(0).connect_lazy(url);
            }
            pool.connect(url).await
        }
        Engine::Postgres => {
            // Whole milliseconds, so the SET text is one of few.
            let timeout_ms = options.statement_timeout.map(|t| t.as_millis().max(1));
            AnyPoolOptions::new()
                .max_connections(POSTGRES_CONNECTIONS)
                // The pre-acquire ping is kept: it costs a round trip, but
                // spares a failed request per connection after a server restart.
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if let Some(ms) = timeout_ms {
                            // A number this code formatted, not input.
                            let sql = format!("SET statement_timeout = {ms}");
                            sqlx::raw_sql(AssertSqlSafe(sql)).execute(conn).await?;
                        }
                        Ok(())
                    })
                })
                .connect(url)
                .await
        }
    }
}

/// The pool that reads: separate read-only connections for a SQLite file
/// and for a shared in-memory database, the write pool itself otherwise
/// (PostgreSQL; an unnamed in-memory database, which only the writer's
/// connection can see).
///
/// A shared in-memory database (`mode=memory&cache=shared`, as
/// [`in_memory_url`] names one) is one set of pages that every connection of
/// the process opening that name reads and writes; SQLite keeps it
/// consistent with table-level locks instead of a file lock. A reader never
/// sees a write before its COMMIT: a table the writer's open transaction has
/// written is locked until then, and a reader of it waits (sqlx waits with
/// `sqlite3_unlock_notify`, woken at the COMMIT, no polling), as the writer
/// waits for a statement that is reading a table it wants to write. The
/// store's reads are single statements and its writes short transactions on
/// the one writer, so no cycle of waits can form. Readers do not wait for
/// one another. (Not the `memdb` VFS: there a write transaction turns new
/// readers away with SQLITE_BUSY for its whole length, and they poll with
/// sleeps of a millisecond and more; and not one connection for all, which
/// would queue every read behind every write.)
pub(crate) async fn read_pool(
    engine: Engine,
    url: &str,
    write: &AnyPool,
) -> Result<AnyPool, sqlx::Error> {
    if engine == Engine::Postgres || (sqlite_in_memory(url) && !sqlite_shared_memory(url)) {
        return Ok(write.clone());
    }
    let in_memory = sqlite_in_memory(url);
    let mut options = AnyPoolOptions::new()
        .max_connections(SQLITE_READERS)
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let settings = sqlite::settings(false, in_memory);
                sqlx::raw_sql(settings).execute(conn).await?;
                Ok(())
            })
        });
    if in_memory {
        // Readers are opened when first needed, not at start.
        options = options.min_connections(0);
        return options.connect_lazy(url);
    }
    options.connect(url).await
}
