//! The lane of a SQLite file: the hottest user reads and writes go straight
//! to SQLite through rusqlite instead of through sqlx.
//!
//! Why: through sqlx every statement is a message to a per-connection worker
//! thread and back, and the `Any` driver converts each row through an
//! intermediate form. For a lookup that SQLite answers in a few microseconds
//! from its page cache, those hops were most of the server's CPU per
//! GetUser/AdminGetUser, and for writes the thread switches were a third of
//! it (BENCHMARKS.md).
//!
//! - **Reads** by a unique key (a user by username, `sub` or alias) run as
//!   synchronous calls on the calling thread, on a few read-only connections
//!   with their statements prepared once. Each touches a handful of B-tree
//!   pages, so it is as short as the in-memory work around it and holds the
//!   async worker it runs on no longer than that work does. ListUsers
//!   pages are read the same way under a budget of SQLite steps; a page
//!   that runs past it is read again on the blocking pool.
//! - **Writes** of users go to the [`writer`], which commits whatever is
//!   queued at the same moment as one transaction.
//!
//! The lane's connections share the WAL file with sqlx's: each read starts
//! its own read transaction, so it sees every commit made before it, by any
//! connection of any process.

mod backend;
mod sign_in;
mod users;
mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use kognit_core::store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use sqlx::AnyPool;

use crate::{errors, sqlite};

/// How many read-only connections the lane holds. Callers take a free one;
/// with the runtime's worker threads (one per core) as the usual callers,
/// four are rarely all busy.
const READERS: usize = 4;

/// Prepared statements kept per connection: the reads are a handful, the
/// writer's UPDATEs one per set of changed columns.
const STATEMENT_CACHE: usize = 64;

/// The lane's connections to one SQLite file.
pub(crate) struct Lane {
    readers: Box<[Mutex<Connection>]>,
    next: AtomicUsize,
    writer: writer::Writer,
    /// Budget checks an inline ListUsers page may use (`users::list_users`).
    inline_checks: AtomicU32,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("readers", &self.readers.len())
            .finish_non_exhaustive()
    }
}

/// A lane connection to `path` with these settings (`crate::sqlite`'s, as
/// sqlx's connections have).
fn connect(path: &Path, flags: OpenFlags, pragmas: &str) -> StoreResult<Connection> {
    let conn =
        Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(db)?;
    conn.execute_batch(pragmas).map_err(db)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Lane {
    /// Opens the lane on the database file at `path`, which exists and is
    /// migrated (the sqlx pools opened it first); `write` is the sqlx write
    /// pool the lane's writer takes turns with. Must run on the runtime.
    pub(crate) fn open(path: &Path, write: &AnyPool) -> StoreResult<Self> {
        let readers = (0..READERS)
            .map(|_| {
                connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, sqlite::READER).map(Mutex::new)
            })
            .collect::<StoreResult<_>>()?;
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, sqlite::WRITER)?;
        Ok(Self {
            readers,
            next: AtomicUsize::new(0),
            writer: writer::Writer::spawn(conn, write.clone())?,
            inline_checks: AtomicU32::new(users::INLINE_BUDGET),
        })
    }

    /// Sets the inline ListUsers budget (tests: a tiny one sends every page
    /// past it, to the blocking pool).
    #[cfg(test)]
    pub(crate) fn set_inline_checks(&self, checks: u32) {
        self.inline_checks.store(checks, Ordering::Relaxed);
    }

    /// Runs `f` on a free reader (waiting for one only if all are busy).
    fn read<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> StoreResult<R> {
        let n = self.readers.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            if let Ok(conn) = self.readers[(start + i) % n].try_lock() {
                return f(&conn).map_err(db);
            }
        }
        let conn = self.readers[start]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&conn).map_err(db)
    }
}

/// Maps a rusqlite error as `errors` maps sqlx's: a unique violation becomes
/// `Conflict` naming what clashed, a foreign-key violation `Conflict`
/// with `fk` (SQLite names neither).
fn conflict(fk: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| {
        // By message, as `errors` does for sqlx: whether the extended
        // result code is reported depends on how the connection was opened.
        if let rusqlite::Error::SqliteFailure(f, Some(message)) = &e
            && f.code == rusqlite::ErrorCode::ConstraintViolation
        {
            if message.starts_with("UNIQUE constraint failed") {
                return StoreError::Conflict(errors::conflict_of(&errors::sqlite_unique(message)));
            }
            if message.starts_with("FOREIGN KEY constraint failed") {
                return StoreError::Conflict(errors::conflict_of(fk));
            }
        }
        db(e)
    }
}

/// Any other rusqlite error.
fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(errors::one_line(&format_args!("SQLite: {e}")))
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, StatementStatus};

    /// SQLite is built with SQLITE_ENABLE_QPSG (.cargo/config.toml): without
    /// it, SQLite plans a bound LIMIT as the constant it is bound to, so
    /// each new binding makes the next step prepare the statement again
    /// (a visible share of a ListUsers page's CPU, BENCHMARKS.md).
    #[test]
    fn a_bound_limit_does_not_prepare_the_statement_again() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);",
        )
        .unwrap();
        let mut stmt = conn.prepare("SELECT a FROM t ORDER BY a LIMIT ?1").unwrap();
        for limit in 1..=3 {
            let rows = stmt.query_map([limit], |r| r.get::<_, i64>(0)).unwrap();
            assert_eq!(rows.count(), limit as usize);
        }
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    }
}
