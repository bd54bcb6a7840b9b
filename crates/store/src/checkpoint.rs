//! The background checkpointer of a SQLite file: a PASSIVE checkpoint
//! every [`CHECKPOINT_EVERY`] on a connection of its own, and a restart of
//! a WAL grown long ([`restart_wal`]), so that the single writer rarely
//! checkpoints inside a commit (BENCHMARKS.md); and, once writes stop, a
//! long WAL file truncated ([`Lengths::idle`]).

use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, Connection};

use crate::engine::{Engine, sqlite_in_memory};

/// How often the background checkpointer runs.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The WAL's length, in frames (pages), past which the background
/// checkpointer starts it over ([`restart_wal`]): at 4 KiB a page, 160 MiB,
/// well short of the writer's own `wal_autocheckpoint` (`sqlite::WRITER`).
const RESTART_FRAMES: i64 = 40_000;

/// The WAL's longest length, in frames, since it was last truncated, past
/// which the checkpointer truncates an idle WAL: 64 MiB at 4 KiB a page.
/// SQLite reuses a WAL file rather than shrinking it, so a dev folder kept
/// the file of its busiest moment (177 MB after a bulk seed) until the
/// server exited.
const IDLE_TRUNCATE_FRAMES: i64 = 16_384;

/// The most frames a WAL restart leaves to copy while writes wait.
const TAIL_FRAMES: i64 = 1_000;

/// SQLite file only: a task that runs a PASSIVE checkpoint every
/// [`CHECKPOINT_EVERY`] on a connection of its own, until the write pool is
/// closed. A passive checkpoint takes no lock that writers or readers wait
/// for: it fsyncs the WAL, copies the frames no reader still needs into the
/// database file and fsyncs that, while the writer keeps appending. It also
/// bounds what a power loss can take under synchronous=NORMAL to the commits
/// of about the last interval. Once the WAL is long, it also starts it over
/// ([`restart_wal`]).
pub(crate) fn spawn_checkpointer(engine: Engine, url: &str, write: &AnyPool) {
    if engine != Engine::Sqlite || sqlite_in_memory(url) {
        return;
    }
    let (url, write) = (url.to_owned(), write.clone());
    tokio::spawn(async move {
        let conn = match checkpointer_connection(&url).await {
            Ok(c) => c,
            Err(e) => {
                // The writer's own auto-checkpoint still bounds the WAL.
                tracing::warn!(error = %crate::errors::one_line(&e), "no background checkpointer");
                return;
            }
        };
        let lengths = Lengths {
            restart: RESTART_FRAMES,
            idle: IDLE_TRUNCATE_FRAMES,
        };
        let mut checkpointer = Checkpointer::new(conn, write.clone(), lengths);
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if write.is_closed() {
                break;
            }
            match checkpointer.pass().await {
                Ok(Pass {
                    restart: true,
                    frames,
                    ..
                }) if frames.busy => {
                    tracing::debug!("the WAL could not start over: a reader held it");
                }
                Ok(Pass {
                    truncated: true, ..
                }) => tracing::debug!("the WAL was idle and long: truncated"),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %crate::errors::one_line(&e), "background checkpoint failed");
                }
            }
        }
        let _ = checkpointer.conn.close().await;
    });
}

/// The WAL lengths, in frames, at which the [`Checkpointer`] acts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lengths {
    /// Past this, a pass starts the WAL over ([`restart_wal`]).
    pub(crate) restart: i64,
    /// Once the WAL has been at least this long since it was last
    /// truncated, a pass that finds it idle (as long as at the last pass,
    /// every frame copied) truncates it ([`truncate_wal`]).
    pub(crate) idle: i64,
}

/// The background checkpointer: its connection, and what it remembers
/// from one pass to the next.
pub(crate) struct Checkpointer {
    conn: AnyConnection,
    /// The write pool, held while a RESTART or TRUNCATE checkpoint runs.
    write: AnyPool,
    lengths: Lengths,
    /// What the last pass's checkpoint answered, if it learned the WAL's
    /// length. A pass that gets the same answer, every frame copied, finds
    /// the WAL idle: no write came between them. After a RESTART that is
    /// every pass until the next write (SQLite starts the WAL over only
    /// then, and `wal_checkpoint` keeps answering the long WAL, all of it
    /// copied), and another RESTART would only take the write pool from
    /// the writes for nothing (every 100 ms, under a load that only reads).
    last: Option<Frames>,
    /// The WAL's longest length seen since it was last truncated: the file
    /// is at least that long (SQLite writes it from its start again but
    /// does not shrink it).
    longest: i64,
}

/// What one pass of the [`Checkpointer`] did.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pass {
    /// Whether the pass found the WAL long and started it over
    /// ([`restart_wal`]).
    pub(crate) restart: bool,
    /// Whether the pass found a long WAL idle and truncated it
    /// ([`truncate_wal`]).
    pub(crate) truncated: bool,
    /// What its last checkpoint answered: the passive one, or the RESTART.
    pub(crate) frames: Frames,
}

impl Checkpointer {
    /// A checkpointer on `conn` (a [`checkpointer_connection`]) that holds
    /// `write` to start a WAL over or truncate it at `lengths`.
    pub(crate) fn new(conn: AnyConnection, write: AnyPool, lengths: Lengths) -> Self {
        Self {
            conn,
            write,
            lengths,
            last: None,
            longest: 0,
        }
    }

    /// One pass: a passive checkpoint, then a restart if the WAL is long
    /// and not idle (what `last` says), or a truncation if it
    /// was long and is idle.
    pub(crate) async fn pass(&mut self) -> Result<Pass, sqlx::Error> {
        let quiet = |frames| Pass {
            restart: false,
            truncated: false,
            frames,
        };
        let frames = checkpoint(&mut self.conn, "PASSIVE").await?;
        if frames.held_by_another() {
            // This pass learned nothing of the WAL's length: what it
            // remembers stands (forgotten, the next pass would RESTART a WAL
            // already started over).
            return Ok(quiet(frames));
        }
        // Idle: as long as at the last pass, all of it copied back.
        let idle = self.last.replace(frames) == Some(frames) && frames.all_copied();
        self.longest = self.longest.max(frames.log);
        if idle && self.longest >= self.lengths.idle {
            let frames = truncate_wal(&mut self.conn, &self.write).await?;
            if !frames.busy {
                (self.last, self.longest) = (None, 0);
            }
            return Ok(Pass {
                restart: false,
                truncated: !frames.busy,
                frames,
            });
        }
        if frames.log < self.lengths.restart || idle {
            return Ok(quiet(frames));
        }
        let frames = restart_wal(&mut self.conn, &self.write, frames).await?;
        self.last = Some(frames);
        Ok(Pass {
            restart: true,
            truncated: false,
            frames,
        })
    }
}

/// How long a RESTART checkpoint waits for a reader of an older snapshot
/// (`restart_wal`), while writes wait for it: past this it gives up, and
/// the next pass tries again. (A passive checkpoint never waits.)
const RESTART_PATIENCE_MS: u32 = 10;

/// The background checkpointer's connection to the SQLite file `url`.
pub(crate) async fn checkpointer_connection(url: &str) -> Result<AnyConnection, sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    let sql = format!("PRAGMA busy_timeout = {RESTART_PATIENCE_MS}");
    sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await?;
    Ok(conn)
}

/// What `PRAGMA wal_checkpoint` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frames {
    /// Whether it could not finish (a reader or writer was in the way).
    pub(crate) busy: bool,
    /// Frames in the WAL.
    pub(crate) log: i64,
    /// Frames of it now copied into the database.
    pub(crate) copied: i64,
}

impl Frames {
    /// Whether the checkpoint could not run at all because another
    /// connection was checkpointing (the writer's own checkpoint, or a
    /// second checkpointer): SQLite then answers busy with -1 frames.
    pub(crate) fn held_by_another(&self) -> bool {
        self.busy && self.log < 0
    }

    /// Whether the checkpoint finished with every frame copied back.
    pub(crate) fn all_copied(&self) -> bool {
        !self.busy && self.copied == self.log
    }
}

/// One `PRAGMA wal_checkpoint(<mode>)` on `conn`, and its answer.
pub(crate) async fn checkpoint(
    conn: &mut AnyConnection,
    mode: &str,
) -> Result<Frames, sqlx::Error> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    let (busy, log, copied): (i64, i64, i64) = sqlx::query_as(AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    Ok(Frames {
        busy: busy != 0,
        log,
        copied,
    })
}

/// Starts a long WAL over, so that it stops growing, with writes waiting
/// only for the copy of a short tail.
///
/// Why: SQLite writes the WAL from its start again only when a write
/// begins after every frame was copied back, which under a steady stream
/// of writes the passive checkpoints never achieve (each ends behind the
/// writer). It then took the writer's own checkpoint at
/// `wal_autocheckpoint`, inside a commit: the frames since the last pass
/// copied and both files fsynced while every write waited — the stalls of
/// up to ~300 ms in BENCHMARKS.md. Here passive checkpoints first copy
/// until at most [`TAIL_FRAMES`] are left (or for a few passes, if writes
/// come faster than that), writes going on; then the
/// checkpointer holds the sqlx write pool's one connection, which the
/// lane's writer holds for each batch it commits (`lite::writer`), so no
/// write runs, and a RESTART checkpoint copies the tail, fsyncs, and waits
/// for readers of older snapshots (at most [`RESTART_PATIENCE_MS`]: a long
/// read would otherwise hold every write); the next write starts the WAL
/// over. `conn` is a [`checkpointer_connection`]; `last` what its last
/// passive checkpoint answered, so a tail already short is not copied by
/// another pass first.
/// Answers what the RESTART checkpoint answered (`busy` if a reader held
/// the WAL).
pub(crate) async fn restart_wal(
    conn: &mut AnyConnection,
    write: &AnyPool,
    last: Frames,
) -> Result<Frames, sqlx::Error> {
    const PASSES: usize = 4;
    let mut frames = last;
    for _ in 0..PASSES {
        if frames.log - frames.copied <= TAIL_FRAMES {
            break;
        }
        frames = checkpoint(conn, "PASSIVE").await?;
    }
    with_writes_waiting(conn, write, "RESTART").await
}

/// Truncates an idle WAL, every frame of it copied back, to nothing: a
/// TRUNCATE checkpoint while writes wait, as in [`restart_wal`] (it only
/// fsyncs and truncates: there is nothing to copy). The next write grows
/// the file again. Answers what the checkpoint answered (`busy` if a
/// reader held the WAL; the next idle pass tries again).
pub(crate) async fn truncate_wal(
    conn: &mut AnyConnection,
    write: &AnyPool,
) -> Result<Frames, sqlx::Error> {
    with_writes_waiting(conn, write, "TRUNCATE").await
}

/// A `mode` checkpoint while the sqlx write pool's one connection is held,
/// so that no write runs meanwhile (they wait for the pool, not in
/// SQLite's busy handler).
async fn with_writes_waiting(
    conn: &mut AnyConnection,
    write: &AnyPool,
    mode: &str,
) -> Result<Frames, sqlx::Error> {
    let writes_wait = write.acquire().await?;
    let frames = checkpoint(conn, mode).await;
    drop(writes_wait);
    frames
}
