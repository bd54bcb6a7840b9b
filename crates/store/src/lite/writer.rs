//! The lane's writer: one read-write connection that commits the writes
//! queued at the same moment together, as one transaction (group commit).
//!
//! Each write is a closure over the connection, run inside its own
//! SAVEPOINT, so one that fails (a taken alias, a stale version) is undone
//! alone while the others of its batch commit. Its caller is answered only
//! after the COMMIT, so an answered write is as durable as one committed by
//! itself. A batch runs on the blocking pool: one thread hand-off per batch
//! instead of one per statement, and no SQLite call on the async workers.
//!
//! The store's sqlx writer still makes every other write. The two never
//! contend for SQLite's write lock, which SQLite arbitrates by sleeping: the
//! lane holds the sqlx write pool's only connection while it writes, so one
//! of them writes at a time and the other waits in a queue. The lane keeps
//! that connection across batches while writes keep coming (up to
//! [`MAX_HOLD`]), since handing it back and forth costs a thread round trip.

use kognit_core::store::{StoreError, StoreResult};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

/// The most writes one transaction commits.
const MAX_BATCH: usize = 128;

/// A queued write, type-erased.
trait Work: Send {
    /// Runs the write; whether it succeeded (a failed one is rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch's COMMIT succeeded or failed.
    fn answer(self: Box<Self>, commit: Result<(), &str>);
}

/// A write and the channel its caller waits on.
struct Task<F, R> {
    write: Option<F>,
    result: Option<StoreResult<R>>,
    reply: oneshot::Sender<StoreResult<R>>,
}

impl<F, R> Work for Task<F, R>
where
    F: FnOnce(&Connection) -> StoreResult<R> + Send,
    R: Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = self.write.take().map(|write| write(conn));
        let ok = matches!(result, Some(Ok(_)));
        self.result = result;
        ok
    }

    fn answer(self: Box<Self>, commit: Result<(), &str>) {
        let result = match (commit, self.result) {
            (_, Some(Err(e))) => Err(e),
            (Err(why), _) => Err(StoreError::Backend(why.to_owned())),
            (Ok(()), Some(ok)) => ok,
            (Ok(()), None) => Err(StoreError::Backend("the write was not run".into())),
        };
        // The caller may have stopped waiting (its request was dropped);
        // the write stands either way, as with any committed write.
        let _ = self.reply.send(result);
    }
}

/// The queue into the writer task.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    queue: mpsc::UnboundedSender<Box<dyn Work>>,
}

impl Writer {
    /// Starts the writer task on the current runtime with `conn`; `lock` is
    /// the sqlx write pool it excludes while it writes.
    pub(crate) fn spawn(conn: Connection, lock: AnyPool) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(run(conn, lock, jobs));
        Self { queue }
    }

    /// Runs `write` in the next batch and answers after its commit.
    pub(crate) async fn write<F, R>(&self, write: F) -> StoreResult<R>
    where
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let task = Task {
            write: Some(write),
            result: None,
            reply,
        };
        self.queue.send(Box::new(task)).map_err(|_| stopped())?;
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

/// The writer task: takes whatever is queued (up to [`MAX_BATCH`]), holds
/// the sqlx writer, commits the batch on the blocking pool, repeats.
async fn run(conn: Connection, lock: AnyPool, mut jobs: mpsc::UnboundedReceiver<Box<dyn Work>>) {
    let mut conn = Some(conn);
    let mut batch: Vec<Box<dyn Work>> = Vec::with_capacity(MAX_BATCH);
    // The sqlx writer while the lane has it, and since when.
    let mut held: Option<(PoolConnection<Any>, Instant)> = None;
    loop {
        let queued = match held {
            // Receiving is cancel-safe: nothing is lost when the time runs out.
            Some(_) => match timeout(LINGER, jobs.recv_many(&mut batch, MAX_BATCH)).await {
                Ok(queued) => queued,
                Err(_) => {
                    held = None;
                    continue;
                }
            },
            None => jobs.recv_many(&mut batch, MAX_BATCH).await,
        };
        if queued == 0 {
            break;
        }
        if held
            .as_ref()
            .is_some_and(|(_, since)| since.elapsed() >= MAX_HOLD)
        {
            held = None;
        }
        let mut taken = std::mem::take(&mut batch);
        if held.is_none() {
            match lock.acquire().await {
                Ok(guard) => held = Some((guard, Instant::now())),
                Err(e) => {
                    let why = format!("the SQLite writer is unavailable: {e}");
                    taken.into_iter().for_each(|job| job.answer(Err(&why)));
                    continue;
                }
            }
        }
        let Some(c) = conn.take() else { break };
        let done = tokio::task::spawn_blocking(move || {
            let commit = commit_batch(&c, &mut taken);
            let commit = commit.as_ref().map(|_| ()).map_err(String::as_str);
            taken.into_iter().for_each(|job| job.answer(commit));
            c
        })
        .await;
        match done {
            Ok(c) => conn = Some(c),
            // The runtime is shutting down; the queued callers get "stopped".
            Err(_) => break,
        }
    }
}

/// One transaction: each job in a savepoint, then COMMIT. Err with the
/// reason when the transaction could not begin or commit (then nothing of
/// it is stored).
fn commit_batch(conn: &Connection, jobs: &mut [Box<dyn Work>]) -> Result<(), String> {
    let exec = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([]));
    let fail = |e: rusqlite::Error| format!("SQLite: {e}");
    exec("BEGIN IMMEDIATE").map_err(fail)?;
    for job in jobs.iter_mut() {
        let step = exec("SAVEPOINT job").and_then(|_| {
            if !job.run(conn) {
                exec("ROLLBACK TO job")?;
            }
            exec("RELEASE job")
        });
        if let Err(e) = step {
            let _ = exec("ROLLBACK");
            return Err(fail(e));
        }
    }
    exec("COMMIT").map(drop).map_err(|e| {
        let _ = exec("ROLLBACK");
        fail(e)
    })
}
