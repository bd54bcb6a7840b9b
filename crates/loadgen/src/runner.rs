//! The shared runner: `concurrency` workers each loop over a scenario's
//! [`Scenario::step`] until the time limit or the iteration budget is spent,
//! timing every request into their own [`Recorder`]; the recorders are
//! merged at the end.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{Api, CallError, Client};
use crate::rng::Rng;
use crate::stats::Recorder;

/// One scenario's repeated unit of work.
pub trait Scenario: Send + Sync + 'static {
    /// The scenario's name, as typed on the command line.
    fn name(&self) -> &'static str;

    /// One iteration. `n` is unique across workers and counts from 0 in
    /// the order iterations start, so a scenario can derive unique names
    /// from it.
    fn step(&self, w: &mut Worker, n: u64) -> impl Future<Output = Result<(), String>> + Send;
}

/// When the workers stop: whichever limit is reached first.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time for the whole run.
    pub duration: Duration,
    /// Iterations across all workers.
    pub iterations: u64,
}

/// Counters the progress printer reads while the run goes on.
#[derive(Default)]
struct Live {
    requests: AtomicU64,
    errors: AtomicU64,
}

/// One worker's state: its client (one connection), its own recorder and
/// random numbers.
pub struct Worker {
    client: Client,
    rec: Recorder,
    /// This worker's random numbers.
    pub rng: Rng,
    live: Arc<Live>,
    /// The first error message seen, shown once at the end to explain the
    /// counts.
    first_error: Option<String>,
}

impl Worker {
    /// Calls `operation` with the JSON of `body` and records it under
    /// `label`: true when it succeeded, and [`Self::answer`] then decodes
    /// the answer; false when it failed (the failure is counted).
    pub async fn call<B: Serialize + Sync + ?Sized>(
        &mut self,
        label: &str,
        operation: &str,
        body: &B,
    ) -> Result<bool, String> {
        let start = Instant::now();
        let result = self.client.call(operation, body).await;
        let took = start.elapsed();
        match result {
            Ok(()) => {
                self.rec.record(label, took, None)?;
                self.live.requests.fetch_add(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(e) => {
                self.fail(label, took, &e)?;
                Ok(false)
            }
        }
    }

    /// The last successful answer decoded as `T` (`T::default()` when it is
    /// not such JSON, which then fails the caller's check).
    pub fn answer<T: DeserializeOwned + Default>(&self) -> T {
        self.client.answer()
    }

    /// Like [`Self::unexpected`], with the answer's text after `what` in the
    /// message (formatted only for the first error).
    pub fn unexpected_answer(&mut self, label: &str, kind: &str, what: &str) -> Result<(), String> {
        self.bump_error(label, kind)?;
        if self.first_error.is_none() {
            let text = self.client.answer_text();
            self.first_error = Some(format!("{label}: {what}: {text}"));
        }
        Ok(())
    }

    /// Counts a request of `label` that answered but not as expected (e.g.
    /// an exact search that found nobody) as an error of `kind`.
    pub fn unexpected(&mut self, label: &str, kind: &str, detail: String) -> Result<(), String> {
        self.bump_error(label, kind)?;
        self.first_error.get_or_insert(format!("{label}: {detail}"));
        Ok(())
    }

    fn fail(&mut self, label: &str, took: Duration, e: &CallError) -> Result<(), String> {
        self.rec.record(label, took, Some(e.kind()))?;
        self.live.requests.fetch_add(1, Ordering::Relaxed);
        self.live.errors.fetch_add(1, Ordering::Relaxed);
        self.first_error.get_or_insert(format!("{label}: {e}"));
        Ok(())
    }

    /// Moves an already recorded success of `label` to the errors. Only the
    /// last request's outcome is adjusted; its latency stays recorded.
    fn bump_error(&mut self, label: &str, kind: &str) -> Result<(), String> {
        self.rec.record_error_only(label, kind)?;
        self.live.errors.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// What a run measured.
pub struct Outcome {
    /// Every operation's stats.
    pub stats: Recorder,
    /// Wall-clock time from the first request to the last answer.
    pub elapsed: Duration,
    /// One example error message, if anything failed.
    pub first_error: Option<String>,
}

/// Runs `scenario` with `concurrency` workers within `limits`, printing
/// progress to stderr every `progress` if given.
pub async fn run<S: Scenario>(
    api: &Api,
    scenario: Arc<S>,
    concurrency: usize,
    limits: Limits,
    progress: Option<Duration>,
) -> Result<Outcome, String> {
    let next = Arc::new(AtomicU64::new(0));
    let live = Arc::new(Live::default());
    let start = Instant::now();
    let deadline = start + limits.duration;
    let seed = Rng::seed_from_time();
    let mut workers = tokio::task::JoinSet::new();
    for i in 0..concurrency {
        let mut w = Worker {
            client: api.client(),
            rec: Recorder::default(),
            rng: Rng::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            live: live.clone(),
            first_error: None,
        };
        let (scenario, next) = (scenario.clone(), next.clone());
        workers.spawn(async move {
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= limits.iterations {
                    break;
                }
                scenario.step(&mut w, n).await?;
            }
            Ok::<_, String>(w)
        });
    }
    let printer = progress.map(|every| {
        let (live, name) = (live.clone(), scenario.name());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            let mut last = (Instant::now(), 0u64);
            loop {
                tick.tick().await;
                let (now, n) = (Instant::now(), live.requests.load(Ordering::Relaxed));
                let rate = (n - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                eprintln!(
                    "{name}: {:>6.0}s  {n} requests, {} errors, {rate:.0} req/s now",
                    now.duration_since(start).as_secs_f64(),
                    live.errors.load(Ordering::Relaxed),
                );
                last = (now, n);
            }
        })
    });
    let mut stats = Recorder::default();
    let mut first_error = None;
    let mut failure = None;
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(Ok(w)) => {
                stats.merge(&w.rec)?;
                first_error = first_error.or(w.first_error);
            }
            Ok(Err(e)) => failure = failure.or(Some(e)),
            Err(e) => failure = failure.or(Some(format!("worker failed: {e}"))),
        }
    }
    let elapsed = start.elapsed();
    if let Some(p) = printer {
        p.abort();
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(Outcome {
            stats,
            elapsed,
            first_error,
        }),
    }
}
