//! The lane's writer: one read-write connection that commits the writes
//! queued at the same moment together, as one transaction (group commit).
//!
//! Each write is a closure over the connection, run inside its own
//! SAVEPOINT, so one that fails (a taken alias, a stale version) is undone
//! alone while the others of its batch commit. Its caller is answered only
//! after the COMMIT, so an answered write is as durable as one committed by
//! itself. The writer is a thread of its own: no SQLite write runs on the
//! async workers, and a batch starts as soon as the one before is done.
//!
//! On a shared in-memory database a write may find a table it writes held
//! by a reader's statement (SQLITE_LOCKED: a read lock, for as long as that
//! one statement runs). The write is then undone to its savepoint and run
//! again after a short pause ([`LockWait`]), so each write must be
//! repeatable: a closure that may run more than once.
//!
//! The store's sqlx writer still makes every other write. The two never
//! contend for SQLite's write lock, which SQLite arbitrates by sleeping: the
//! lane holds the sqlx write pool's only connection while it writes, so one
//! of them writes at a time and the other waits in a queue. The lane keeps
//! that connection across batches while writes keep coming (up to
//! [`MAX_HOLD`]), since handing it back and forth costs a thread round trip.

use kognit_core::store::{StoreError, StoreResult};
use std::time::{Duration, Instant};

use super::{LaneError, LaneResult};

use rusqlite::Connection;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use tokio::sync::oneshot;

/// The most writes one transaction commits.
const MAX_BATCH: usize = 128;

/// How a write ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ran {
    Done,
    /// Failed: roll it back.
    Failed,
    /// Met another connection's table lock: roll it back and run it again.
    Locked,
}

/// A queued write, type-erased.
trait Work: Send {
    /// Runs the write (again, after [`Ran::Locked`]).
    fn run(&mut self, conn: &Connection) -> Ran;
    /// Answers the caller once the batch's COMMIT succeeded or failed.
    fn answer(self: Box<Self>, commit: Result<(), &str>);
}

/// A write and the channel its caller waits on.
struct Task<F, R> {
    write: F,
    result: Option<LaneResult<R>>,
    reply: oneshot::Sender<StoreResult<R>>,
}

impl<F, R> Work for Task<F, R>
where
    F: FnMut(&Connection) -> LaneResult<R> + Send,
    R: Send,
{
    fn run(&mut self, conn: &Connection) -> Ran {
        let result = (self.write)(conn);
        let ran = match &result {
            Ok(_) => Ran::Done,
            Err(LaneError::Locked) => Ran::Locked,
            Err(LaneError::Store(_)) => Ran::Failed,
        };
        self.result = Some(result);
        ran
    }

    fn answer(self: Box<Self>, commit: Result<(), &str>) {
        let result = match (commit, self.result) {
            (_, Some(Err(e))) => Err(e.into()),
            (Err(why), _) => Err(StoreError::Backend(why.to_owned())),
            (Ok(()), Some(Ok(r))) => Ok(r),
            (Ok(()), None) => Err(StoreError::Backend("the write was not run".into())),
        };
        // The caller may have stopped waiting (its request was dropped);
        // the write stands either way, as with any committed write.
        let _ = self.reply.send(result);
    }
}

/// What the writer thread is sent: a write, or None to finish.
type Job = Option<Box<dyn Work>>;

/// Whether the writer thread is inside a batch's transaction, for readers
/// that met its table locks (`Lane::read`): they may wait for its end, on
/// their own thread or without holding their async worker, since a batch
/// never waits for the async workers.
#[derive(Debug, Default)]
pub(crate) struct Batches {
    state: Mutex<BatchState>,
    /// Wakes readers waiting on their thread.
    ended: Condvar,
    /// Wakes readers waiting without their worker.
    ended_async: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct BatchState {
    open: bool,
    /// Batches begun so far.
    begun: u64,
    /// Readers waiting for the open batch to end.
    waiting: u32,
}

impl Batches {
    fn lock(&self) -> std::sync::MutexGuard<'_, BatchState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn begin(&self) {
        let mut state = self.lock();
        state.open = true;
        state.begun += 1;
    }

    fn end(&self) {
        let mut state = self.lock();
        state.open = false;
        if state.waiting > 0 {
            self.ended.notify_all();
            self.ended_async.notify_waiters();
        }
    }

    /// [`Batches::wait_for_end`] without holding the async worker it runs
    /// on: the worker serves other requests meanwhile (their writes join
    /// the next batch) instead of sleeping in a futex.
    pub(crate) async fn wait_for_end_async(&self, patience: Duration) -> bool {
        // Made before the batch is looked at: an end after that look wakes it.
        let ended = self.ended_async.notified();
        let this = {
            let mut state = self.lock();
            if !state.open {
                return false;
            }
            state.waiting += 1;
            state.begun
        };
        let counted = Counted(self);
        let _ = tokio::time::timeout(patience, ended).await;
        drop(counted);
        let state = self.lock();
        !(state.open && state.begun == this)
    }

    /// Waits, at most `patience`, for the batch open now to end; false if
    /// none is open or it is still open after that.
    pub(crate) fn wait_for_end(&self, patience: Duration) -> bool {
        let mut state = self.lock();
        if !state.open {
            return false;
        }
        let this = state.begun;
        state.waiting += 1;
        let (mut state, _) = self
            .ended
            .wait_timeout_while(state, patience, |s| s.open && s.begun == this)
            .unwrap_or_else(PoisonError::into_inner);
        state.waiting -= 1;
        !(state.open && state.begun == this)
    }
}

/// A reader counted as waiting for a batch's end until dropped (also when
/// its request is, mid-wait).
struct Counted<'a>(&'a Batches);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.lock().waiting -= 1;
    }
}

/// The queue into the writer thread.
#[derive(Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
    /// The thread's batches, as readers see them.
    pub(crate) batches: Arc<Batches>,
    /// Disconnected once the thread has closed its connection.
    finished: Mutex<mpsc::Receiver<()>>,
}

/// How long dropping the writer waits for its thread to finish the batch in
/// hand and close its connection.
const FINISH: Duration = Duration::from_secs(5);

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Writer {
    /// Starts the writer thread with `conn`; `lock` is the sqlx write pool
    /// it excludes while it writes; `empty_wal_at_close` for a file. Must
    /// run on the runtime, whose handle the thread uses to take and give
    /// back the sqlx writer.
    pub(crate) fn spawn(
        conn: Connection,
        lock: AnyPool,
        empty_wal_at_close: bool,
    ) -> StoreResult<Self> {
        let (queue, jobs) = mpsc::channel();
        let (done, finished) = mpsc::channel::<()>();
        let runtime = tokio::runtime::Handle::current();
        let batches = Arc::new(Batches::default());
        let signal = batches.clone();
        std::thread::Builder::new()
            .name("kognit-sqlite-writer".into())
            .spawn(move || {
                run(&conn, &lock, &jobs, &runtime, &signal);
                if empty_wal_at_close {
                    empty_wal(&conn);
                }
                drop(conn);
                drop(done);
            })
            .map_err(|e| StoreError::Backend(format!("cannot start the SQLite writer: {e}")))?;
        Ok(Self {
            queue,
            batches,
            finished: Mutex::new(finished),
        })
    }

    /// Stops the thread once it has committed the writes queued before, and
    /// waits for it to empty a file's WAL ([`empty_wal`]) and close its
    /// connection, which must be done before the process exits. Later
    /// writes fail. Blocks the calling thread.
    pub(crate) fn stop(&self) {
        // Err when the thread has already stopped.
        let _ = self.queue.send(None);
        let finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        // Err(Disconnected) when the thread is done; a timeout leaves it.
        let _ = finished.recv_timeout(FINISH);
    }

    /// Runs `write` in the next batch and answers after its commit; it
    /// runs again if it meets a table lock (see the module docs).
    pub(crate) async fn write<F, R>(&self, write: F) -> StoreResult<R>
    where
        F: FnMut(&Connection) -> LaneResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let task = Task {
            write,
            result: None,
            reply,
        };
        self.queue
            .send(Some(Box::new(task)))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the SQLite writer has stopped".into())
}

/// How long the writer keeps the sqlx writer once its queue has run dry:
/// under load the next write comes within microseconds, and handing the
/// connection back costs a round trip to sqlx's worker thread (sqlx pings a
/// connection when it is returned), which every batch would wait for.
const LINGER: Duration = Duration::from_millis(1);

/// The longest the writer keeps the sqlx writer while writes keep coming;
/// then it hands the connection back, so a queued sqlx write (the pool
/// queues fairly) waits at most this long behind a stream of lane writes.
const MAX_HOLD: Duration = Duration::from_millis(5);

/// The writer thread: takes whatever is queued (up to [`MAX_BATCH`]),
/// holds the sqlx writer, commits the batch, answers, repeats, until told
/// to stop or every [`Writer`] is gone.
///
/// A thread of its own rather than a task that hands each batch to the
/// blocking pool: the task had to wait for a turn on the async workers
/// after every batch, behind the requests that batch had just answered,
/// while new writes queued; the thread starts the next batch at once.
fn run(
    conn: &Connection,
    lock: &AnyPool,
    jobs: &mpsc::Receiver<Job>,
    runtime: &tokio::runtime::Handle,
    batches: &Batches,
) {
    // Giving the sqlx writer back spawns a task: that needs the runtime.
    let _runtime = runtime.enter();
    let mut batch: Vec<Box<dyn Work>> = Vec::with_capacity(MAX_BATCH);
    // The sqlx writer while the lane has it, and since when.
    let mut held: Option<(PoolConnection<Any>, Instant)> = None;
    let mut stopping = false;
    while !stopping {
        let first = match held {
            Some(_) => match jobs.recv_timeout(LINGER) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    held = None;
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            },
            None => match jobs.recv() {
                Ok(job) => job,
                Err(_) => break,
            },
        };
        let Some(first) = first else { break };
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(Some(job)) => batch.push(job),
                Ok(None) => {
                    stopping = true;
                    break;
                }
                Err(_) => break,
            }
        }
        if held
            .as_ref()
            .is_some_and(|(_, since)| since.elapsed() >= MAX_HOLD)
        {
            held = None;
        }
        if held.is_none() {
            match runtime.block_on(lock.acquire()) {
                Ok(guard) => held = Some((guard, Instant::now())),
                Err(e) => {
                    let why = format!("the SQLite writer is unavailable: {e}");
                    batch.drain(..).for_each(|job| job.answer(Err(&why)));
                    continue;
                }
            }
        }
        batches.begin();
        let commit = commit_batch(conn, &mut batch);
        batches.end();
        let commit = commit.as_ref().map(|_| ()).map_err(String::as_str);
        batch.drain(..).for_each(|job| job.answer(commit));
    }
}

/// When the lane closes (the server stops): copies the WAL back into the
/// database and empties it, as the last connection to close a SQLite file
/// would, since at exit sqlx's connections may outlive this one. A
/// background checkpoint still copying makes it wait (SQLite answers busy
/// at once then), for about a second; if the WAL is still busy after that,
/// it stays as it is, which is safe (the next start reads it back).
fn empty_wal(conn: &Connection) {
    const TRIES: u32 = 25;
    let _ = conn.execute_batch("PRAGMA busy_timeout = 20;");
    for _ in 0..TRIES {
        match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            row.get::<_, i64>(0)
        }) {
            Ok(0) => return,
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                tracing::warn!(error = %crate::errors::one_line(&e), "final checkpoint failed");
                return;
            }
        }
    }
    tracing::debug!("the WAL was busy at close; it stays until the next start");
}

/// One transaction: each job in a savepoint, then COMMIT. Err with the
/// reason when the transaction could not begin or commit (then nothing of
/// it is stored).
fn commit_batch(conn: &Connection, jobs: &mut [Box<dyn Work>]) -> Result<(), String> {
    let exec = |sql: &str| run_statement(conn, sql);
    let fail = |e: LaneError| StoreError::from(e).to_string();
    exec("BEGIN IMMEDIATE").map_err(fail)?;
    for job in jobs.iter_mut() {
        let step = exec("SAVEPOINT job").and_then(|()| {
            let mut locks = LockWait::default();
            loop {
                match job.run(conn) {
                    Ran::Done => break,
                    Ran::Failed => {
                        exec("ROLLBACK TO job")?;
                        break;
                    }
                    Ran::Locked => {
                        exec("ROLLBACK TO job")?;
                        if !locks.pause() {
                            break;
                        }
                    }
                }
            }
            exec("RELEASE job")
        });
        if let Err(e) = step {
            let _ = exec("ROLLBACK");
            return Err(fail(e));
        }
    }
    exec("COMMIT").map_err(|e| {
        let _ = exec("ROLLBACK");
        fail(e)
    })
}

/// Runs one statement of the writer's own (BEGIN, SAVEPOINT, COMMIT…),
/// again while it meets a table lock (shared in-memory database only).
fn run_statement(conn: &Connection, sql: &str) -> LaneResult<()> {
    let mut locks = LockWait::default();
    loop {
        match conn.prepare_cached(sql).and_then(|mut s| s.execute([])) {
            Ok(_) => return Ok(()),
            Err(e) => match super::db(e) {
                LaneError::Locked if locks.pause() => {}
                e => return Err(e),
            },
        }
    }
}

/// How long a write waits in all for readers' table locks before it fails
/// as locked: as long as `busy_timeout` waits for a file's lock.
const LOCK_PATIENCE: Duration = Duration::from_secs(5);

/// The pauses of one write (or statement) that meets readers' table locks.
/// A read holds its lock for one statement, microseconds: the first pauses
/// only yield the core, later ones sleep, from 20 µs doubling up to about
/// 1 ms. (Not `sqlite3_unlock_notify`: with it rusqlite would also make
/// the readers wait, and they run on async workers, where waiting is what
/// the lane must not do.)
#[derive(Debug, Default)]
struct LockWait {
    waits: u32,
    since: Option<Instant>,
}

impl LockWait {
    /// Pauses before the write runs again; false once it has waited
    /// [`LOCK_PATIENCE`] in all.
    fn pause(&mut self) -> bool {
        const YIELDS: u32 = 8;
        let since = *self.since.get_or_insert_with(Instant::now);
        if since.elapsed() >= LOCK_PATIENCE {
            return false;
        }
        match self.waits.checked_sub(YIELDS) {
            None => std::thread::yield_now(),
            Some(n) => std::thread::sleep(Duration::from_micros(20 << n.min(6))),
        }
        self.waits += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::Batches;

    #[test]
    fn readers_wait_only_for_a_batch_that_is_open_and_ends() {
        let batches = Arc::new(Batches::default());
        // No batch open: no wait, the reader goes elsewhere at once.
        assert!(!batches.wait_for_end(Duration::from_secs(5)));
        // One open that ends: the wait ends with it.
        batches.begin();
        let ender = std::thread::spawn({
            let batches = batches.clone();
            move || {
                std::thread::sleep(Duration::from_millis(20));
                batches.end();
            }
        });
        assert!(batches.wait_for_end(Duration::from_secs(5)));
        ender.join().unwrap();
        // One that outlasts the patience: false, and the count of waiting
        // readers is back to none.
        batches.begin();
        assert!(!batches.wait_for_end(Duration::from_millis(5)));
        assert_eq!(batches.lock().waiting, 0);
    }
}
