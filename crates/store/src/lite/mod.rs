//! The lane of a SQLite database: the hottest user reads and writes go
//! straight to SQLite through rusqlite instead of through sqlx.
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
//! Two kinds of database ([`Place`]):
//!
//! - **A file.** The lane's connections share the WAL file with sqlx's:
//!   each read starts its own read transaction, so it sees every commit
//!   made before it, by any connection of any process.
//! - **A shared in-memory database** (`kognit dev --ephemeral`). Its
//!   connections share one set of pages under table locks instead of a WAL
//!   (`engine::read_pool` has the rules): a reader never sees an
//!   uncommitted write, because a table written by an open transaction is
//!   locked until its COMMIT. A lane read that meets such a lock does not
//!   wait on the async worker it runs on (the transaction holding it may be
//!   a sqlx one that needs that worker to finish): it answers
//!   [`LaneError::Locked`] at once and the store reads through sqlx
//!   instead, whose reader waits for the COMMIT on its own thread
//!   (`backend.rs`). The writer, on its own thread, retries a write that
//!   meets a reader's lock ([`writer`]).

mod backend;
mod sign_in;
mod users;
mod writer;

pub(crate) use backend::LaneBackend;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use kognit_core::store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use sqlx::AnyPool;
use tokio::sync::Notify;

use crate::{errors, sqlite};

/// How many read-only connections the lane holds. Callers take a free one;
/// with the runtime's worker threads (one per core) as the usual callers,
/// four are rarely all busy. (On a shared in-memory database the calling
/// threads share the first and the blocking pool the rest: `Lane::inline_to`.)
const READERS: usize = 4;

/// How long a read that met the writer's table lock waits for its batch
/// (`Lane::read`): a batch of an in-memory database commits in well under
/// a millisecond; one that waits longer (for a long sqlx read) is left to
/// the sqlx readers.
const BATCH_PATIENCE: std::time::Duration = std::time::Duration::from_millis(2);

/// How many times a read on the blocking pool looks for a free reader, a
/// spin-loop hint apart, before it waits for one asleep
/// (`Lane::wait_for_reader`). A read on the calling thread looks once and
/// then waits without holding its worker (`Lane::take`).
const READ_SPINS: u32 = 1000;

/// Prepared statements kept per connection: the reads are a handful, the
/// writer's UPDATEs one per set of changed columns.
const STATEMENT_CACHE: usize = 64;

/// The database a lane opens (`engine::lane_place`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// A SQLite file, by path, and the VFS its URL names (`vfs=`), if any.
    File {
        /// The file.
        path: PathBuf,
        /// The VFS every connection to it opens it with, as sqlx's do.
        vfs: Option<String>,
    },
    /// A shared in-memory database of this process, by the name its sqlx
    /// connections opened it with (`file:…`).
    Memory(String),
}

/// Why a lane read or write did not succeed.
#[derive(Debug)]
pub(crate) enum LaneError {
    /// A table it needs is locked by another connection's open transaction
    /// or statement (SQLITE_LOCKED; only in a shared in-memory database).
    Locked,
    /// Anything else, as the store reports it.
    Store(StoreError),
}

impl From<StoreError> for LaneError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<LaneError> for StoreError {
    fn from(e: LaneError) -> Self {
        match e {
            LaneError::Locked => StoreError::Backend("SQLite: database table is locked".into()),
            LaneError::Store(e) => e,
        }
    }
}

/// A lane result.
pub(crate) type LaneResult<T> = Result<T, LaneError>;

/// The lane's connections to one database.
pub(crate) struct Lane {
    /// Opened at their first read (None until then, and once closed): a
    /// start opens none, which on `--ephemeral` was a tenth of a
    /// millisecond before the first answer.
    readers: Box<[Mutex<Option<Connection>>]>,
    /// What the readers open.
    place: Place,
    /// Set by [`Lane::close`]: readers open no more.
    closed: AtomicBool,
    /// Which readers serve reads on the calling thread (`..inline_to`) and
    /// which serve reads on the blocking pool (`blocking_from..`): all of
    /// them for a file; for a shared in-memory database the first reader
    /// for the calling threads and the rest for the blocking pool.
    ///
    /// Why one: every step of every connection of a shared-cache database
    /// holds the database's one B-tree mutex, so reads on several
    /// connections never ran in parallel; they met in SQLite's mutex,
    /// which puts a waiter to sleep at once (a futex wait and a wake-up
    /// for a read of a few microseconds: ~6% of AdminGetUser's CPU, perf).
    /// On one connection they meet in [`Mutex`], which spins first. A
    /// ListUsers page past its inline budget, read on the blocking pool,
    /// takes another reader, so point reads never wait behind it.
    inline_to: usize,
    blocking_from: usize,
    next: AtomicUsize,
    /// Woken when a reader is let go (`Taken`), for a read waiting for one.
    freed: Notify,
    writer: writer::Writer,
    /// Budget checks an inline ListUsers page may use (`users::list_users`).
    inline_checks: AtomicU32,
    /// How long a read that met the writer's batch waits for its end, in
    /// microseconds: [`BATCH_PATIENCE`], or longer in tests.
    batch_patience_us: AtomicU32,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("readers", &self.readers.len())
            .finish_non_exhaustive()
    }
}

/// A connection of this process to the shared in-memory database `name`
/// (`Place::Memory`), with no settings of its own: opened with the flags
/// sqlx opens it with (sqlx-sqlite's `establish`), so both name the same
/// shared cache.
pub(crate) fn open_memory(name: &str) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        name,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_MEMORY
            | OpenFlags::SQLITE_OPEN_SHARED_CACHE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// A lane connection to `place`, a writer's (`write`) or a reader's, with
/// its settings (`crate::sqlite`'s, as sqlx's connections have). Readers
/// are opened read-only on a file; on a shared in-memory database, where a
/// read-only open is refused, and on a file this process keeps to itself
/// ([`sqlite::EXCLUSIVE_VFS`]), they are kept from writing by
/// `PRAGMA query_only` (in `sqlite::settings`): SQLite
/// passes a read-only connection's file locks of that VFS on to the system,
/// where a reader releasing its lock would release the process's.
fn connect(place: &Place, write: bool) -> StoreResult<Connection> {
    let conn = match place {
        Place::File { path, vfs } => {
            let mode = if write || vfs.as_deref() == Some(sqlite::EXCLUSIVE_VFS) {
                OpenFlags::SQLITE_OPEN_READ_WRITE
            } else {
                OpenFlags::SQLITE_OPEN_READ_ONLY
            };
            let flags = mode | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            match vfs {
                Some(vfs) => Connection::open_with_flags_and_vfs(path, flags, vfs.as_str()),
                None => Connection::open_with_flags(path, flags),
            }
        }
        Place::Memory(name) => open_memory(name),
    }
    .map_err(db)?;
    set_up(conn, place, write)
}

/// Gives `conn`, a connection to `place`, the settings of a writer or a
/// reader (`sqlite::settings`).
fn set_up(conn: Connection, place: &Place, write: bool) -> StoreResult<Connection> {
    let in_memory = matches!(place, Place::Memory(_));
    conn.execute_batch(sqlite::settings(write, in_memory))
        .map_err(db)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Lane {
    /// Opens the lane on `place`, which exists and is migrated; `write` is
    /// the sqlx write pool the lane's writer takes turns with; `writer`, a
    /// connection to `place` the writer takes (one that restored an
    /// in-memory database: `schema_image::Restored`), or None to open one.
    /// Must run on the runtime.
    pub(crate) fn open(
        place: &Place,
        write: &AnyPool,
        writer: Option<Connection>,
    ) -> StoreResult<Self> {
        let readers = (0..READERS).map(|_| Mutex::new(None)).collect();
        let conn = match writer {
            Some(conn) => set_up(conn, place, true)?,
            None => connect(place, true)?,
        };
        let empty_wal_at_close = matches!(place, Place::File { .. });
        let (inline_to, blocking_from) = match place {
            Place::File { .. } => (READERS, 0),
            Place::Memory(_) => (1, 1),
        };
        Ok(Self {
            readers,
            place: place.clone(),
            closed: AtomicBool::new(false),
            inline_to,
            blocking_from,
            next: AtomicUsize::new(0),
            freed: Notify::new(),
            writer: writer::Writer::spawn(conn, write.clone(), empty_wal_at_close)?,
            inline_checks: AtomicU32::new(users::INLINE_BUDGET),
            batch_patience_us: AtomicU32::new(
                u32::try_from(BATCH_PATIENCE.as_micros()).unwrap_or(u32::MAX),
            ),
        })
    }

    /// Locks the readers of reads on the calling thread (tests: such a read
    /// must let the worker's other tasks run while they are busy).
    #[cfg(test)]
    pub(crate) fn hold_inline_readers(&self) -> Vec<Taken<'_>> {
        self.hold(&self.readers[..self.inline_to])
    }

    /// Locks the readers of reads on the blocking pool (tests: reads on
    /// the calling thread must not need them).
    #[cfg(test)]
    pub(crate) fn hold_blocking_readers(&self) -> Vec<Taken<'_>> {
        self.hold(&self.readers[self.blocking_from..])
    }

    /// Every one of `readers`, taken as a read takes one (so letting them
    /// go wakes a read waiting for one).
    #[cfg(test)]
    fn hold<'a>(&'a self, readers: &'a [Mutex<Option<Connection>>]) -> Vec<Taken<'a>> {
        readers
            .iter()
            .map(|r| self.taken(r.lock().unwrap_or_else(PoisonError::into_inner)))
            .collect()
    }

    /// Sets the inline ListUsers budget (tests: a tiny one sends every page
    /// past it, to the blocking pool).
    #[cfg(test)]
    pub(crate) fn set_inline_checks(&self, checks: u32) {
        self.inline_checks.store(checks, Ordering::Relaxed);
    }

    /// Sets how long a read that met the writer's batch waits for its end
    /// (tests: longer than a loaded machine may take to finish a batch).
    #[cfg(test)]
    pub(crate) fn set_batch_patience(&self, patience: std::time::Duration) {
        let us = u32::try_from(patience.as_micros()).unwrap_or(u32::MAX);
        self.batch_patience_us.store(us, Ordering::Relaxed);
    }

    /// Runs `write` in the writer's next batch (tests: a write that holds
    /// its batch open).
    #[cfg(test)]
    pub(crate) async fn write_in_batch<R: Send + 'static>(
        &self,
        write: impl FnMut(&Connection) -> LaneResult<R> + Send + 'static,
    ) -> StoreResult<R> {
        self.writer.write(write).await
    }

    fn batch_patience(&self) -> std::time::Duration {
        std::time::Duration::from_micros(self.batch_patience_us.load(Ordering::Relaxed).into())
    }

    /// Runs `f` on a free reader of the calling threads.
    ///
    /// While every one is busy, the read waits for one without holding its
    /// worker: it is woken when a reader is let go (`Lane::freed`). On a
    /// shared in-memory database the runtime's two workers share one
    /// reader, held a few microseconds per read, and a worker that waited
    /// for it (spinning, or asleep in a futex) did nothing else meanwhile.
    /// (Not a yield to the worker's other tasks: tokio runs a yielded task
    /// again only after the worker's queue, and behind sign-ins that sign
    /// tokens that was up to 75 ms.)
    ///
    /// On a shared in-memory database, a read that meets a table lock while
    /// the lane's writer is inside a batch waits for that batch to end (up
    /// to [`BATCH_PATIENCE`], again without holding its worker) and runs
    /// once more: the batch holds the lock,
    /// and it ends without any help from the async workers (it holds the
    /// sqlx writer, so no sqlx transaction is open). Otherwise, or if the
    /// lock is still there, it answers [`LaneError::Locked`].
    async fn read<R>(&self, f: impl Fn(&Connection) -> rusqlite::Result<R>) -> LaneResult<R> {
        let readers = &self.readers[..self.inline_to];
        let read = self.on(&mut self.take(readers).await, &f);
        if matches!(read, Err(LaneError::Locked))
            && self
                .writer
                .batches
                .wait_for_end_async(self.batch_patience())
                .await
        {
            return self.on(&mut self.take(readers).await, &f);
        }
        read
    }

    /// [`Lane::read`] waiting for a reader on the thread (spinning, then
    /// asleep): for a ListUsers page read inline (`Lane::list_users` says
    /// why).
    fn read_waiting<R>(&self, f: impl Fn(&Connection) -> rusqlite::Result<R>) -> LaneResult<R> {
        self.read_on_thread(&self.readers[..self.inline_to], f)
    }

    /// [`Lane::read`] for a read on the blocking pool, which waits for a
    /// reader asleep.
    fn read_blocking<R>(&self, f: impl Fn(&Connection) -> rusqlite::Result<R>) -> LaneResult<R> {
        self.read_on_thread(&self.readers[self.blocking_from..], f)
    }

    fn read_on_thread<R>(
        &self,
        readers: &[Mutex<Option<Connection>>],
        f: impl Fn(&Connection) -> rusqlite::Result<R>,
    ) -> LaneResult<R> {
        let read = self.on(&mut self.wait_for_reader(readers), &f);
        if self.again_after_batch(&read) {
            return self.on(&mut self.wait_for_reader(readers), &f);
        }
        read
    }

    /// Whether a read on its thread that answered `read` runs once more: it
    /// met a table lock while the writer was inside a batch, and that batch
    /// has ended (waited for on the thread, up to [`BATCH_PATIENCE`];
    /// `Lane::read` says why).
    fn again_after_batch<R>(&self, read: &LaneResult<R>) -> bool {
        matches!(read, Err(LaneError::Locked))
            && self.writer.batches.wait_for_end(self.batch_patience())
    }

    /// One of `readers`, waited for (not on the thread) while all are busy.
    async fn take<'a>(&'a self, readers: &'a [Mutex<Option<Connection>>]) -> Taken<'a> {
        loop {
            if let Some(taken) = self.free_reader(readers, 1) {
                return taken;
            }
            let freed = self.freed.notified();
            let mut freed = std::pin::pin!(freed);
            // Counted as waiting before the last look: a reader let go
            // after it wakes this wait.
            freed.as_mut().enable();
            if let Some(taken) = self.free_reader(readers, 1) {
                return taken;
            }
            freed.await;
        }
    }

    /// A free one of `readers`, looked for `looks` times (a spin-loop hint
    /// apart), starting at the next in turn.
    fn free_reader<'a>(
        &'a self,
        readers: &'a [Mutex<Option<Connection>>],
        looks: u32,
    ) -> Option<Taken<'a>> {
        let n = readers.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        (0..looks)
            .find_map(|spin| {
                if spin > 0 {
                    std::hint::spin_loop();
                }
                (0..n).find_map(|i| readers[(start + i) % n].try_lock().ok())
            })
            .map(|guard| self.taken(guard))
    }

    /// One of `readers`: a free one (looked for [`READ_SPINS`] times), or
    /// else the next in turn once it is, waited for asleep.
    fn wait_for_reader<'a>(&'a self, readers: &'a [Mutex<Option<Connection>>]) -> Taken<'a> {
        self.free_reader(readers, READ_SPINS).unwrap_or_else(|| {
            let next = self.next.fetch_add(1, Ordering::Relaxed) % readers.len();
            self.taken(readers[next].lock().unwrap_or_else(PoisonError::into_inner))
        })
    }

    fn taken<'a>(&'a self, guard: MutexGuard<'a, Option<Connection>>) -> Taken<'a> {
        Taken {
            guard: Some(guard),
            freed: &self.freed,
        }
    }

    /// Runs `f` on a taken reader, opened first if this is its first read;
    /// fails once the lane is closed.
    fn on<R>(
        &self,
        taken: &mut Taken<'_>,
        f: impl FnOnce(&Connection) -> rusqlite::Result<R>,
    ) -> LaneResult<R> {
        let Some(reader) = taken.guard.as_deref_mut() else {
            return Err(LaneError::Store(closed()));
        };
        if reader.is_none() && !self.closed.load(Ordering::Acquire) {
            *reader = Some(connect(&self.place, false)?);
        }
        match reader {
            Some(conn) => f(conn).map_err(db),
            None => Err(LaneError::Store(closed())),
        }
    }

    /// Closes the lane's connections once the writes queued before are
    /// committed (a shared in-memory database ends with its last
    /// connection); later reads and writes fail. Blocks the calling thread
    /// for as long as that takes.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.writer.stop();
        for reader in &self.readers {
            reader.lock().unwrap_or_else(PoisonError::into_inner).take();
        }
    }
}

/// A reader taken for one read. Letting it go wakes a read waiting for
/// one (`Lane::take`).
pub(crate) struct Taken<'a> {
    /// Some until dropped.
    guard: Option<MutexGuard<'a, Option<Connection>>>,
    freed: &'a Notify,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        // The reader first, so that the read woken finds it free.
        drop(self.guard.take());
        self.freed.notify_one();
    }
}

/// Maps a rusqlite error as `errors` maps sqlx's: a unique violation becomes
/// `Conflict` naming what clashed, a foreign-key violation `Conflict`
/// with `fk` (SQLite names neither).
fn conflict(fk: &'static str) -> impl Fn(rusqlite::Error) -> LaneError {
    move |e| {
        // By message, as `errors` does for sqlx: whether the extended
        // result code is reported depends on how the connection was opened.
        if let rusqlite::Error::SqliteFailure(f, Some(message)) = &e
            && f.code == rusqlite::ErrorCode::ConstraintViolation
        {
            if message.starts_with("UNIQUE constraint failed") {
                return StoreError::Conflict(errors::conflict_of(&errors::sqlite_unique(message)))
                    .into();
            }
            if message.starts_with("FOREIGN KEY constraint failed") {
                return StoreError::Conflict(errors::conflict_of(fk)).into();
            }
        }
        db(e)
    }
}

/// A read after [`Lane::close`].
fn closed() -> StoreError {
    StoreError::Backend("the store is closed".into())
}

/// Any other rusqlite error: [`LaneError::Locked`] for a shared-cache table
/// lock (SQLITE_LOCKED; SQLITE_BUSY, a file lock, is waited for by
/// `busy_timeout` and reported if it lasts).
fn db(e: rusqlite::Error) -> LaneError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.code == rusqlite::ErrorCode::DatabaseLocked
    {
        return LaneError::Locked;
    }
    LaneError::Store(StoreError::Backend(errors::one_line(&format_args!(
        "SQLite: {e}"
    ))))
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
