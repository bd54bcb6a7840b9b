//! `kognit-loadgen`: a concurrent load generator for kognit (or any Cognito
//! User Pools endpoint on this machine). It runs one scenario with N
//! clients for a bounded time and number of requests, and prints one
//! Markdown table row per operation: requests, errors by `__type`,
//! throughput and p50/p90/p99/max latency.

mod api;
mod http1;
mod report;
mod rng;
mod runner;
mod scenarios;
mod setup;
mod stats;
mod wire;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::api::Api;
use crate::scenarios::{Command, Drive};

/// Load generator for kognit: runs one scenario against a local endpoint
/// and prints Markdown table rows (per operation: requests, errors,
/// req/s, p50/p90/p99/max latency).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// The server: http:// on a loopback address only.
    #[arg(long, default_value = "http://127.0.0.1:9229", global = true)]
    endpoint: String,
    /// Concurrent clients, each with one request in flight.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024), global = true)]
    concurrency: u16,
    /// Time limit, e.g. `20s`, `5m`, `500ms` (default 20s; seed: 4h).
    #[arg(long, value_parser = parse_duration, global = true)]
    duration: Option<Duration>,
    /// Iteration limit across all clients (seed: at most --users).
    #[arg(long, default_value_t = 100_000_000, global = true)]
    max_requests: u64,
    /// First column of the table rows, e.g. the store measured.
    #[arg(long, default_value = "kognit", global = true)]
    label: String,
    /// Print only the rows, without the table header.
    #[arg(long, global = true)]
    no_header: bool,
    /// How often to print progress to stderr.
    #[arg(long, default_value = "10s", value_parser = parse_duration, global = true)]
    progress: Duration,
    #[command(subcommand)]
    scenario: Command,
}

/// `250ms`, `20s`, `5m`, `1h`, or plain seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("bad duration {s:?}: expected e.g. 20s, 5m, 500ms"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return Err(format!("bad duration unit in {s:?}: use ms, s, m or h")),
    };
    if d.is_zero() {
        return Err("the duration must be positive".to_owned());
    }
    Ok(d)
}

async fn run(cli: Cli) -> Result<(), String> {
    let concurrency = usize::from(cli.concurrency);
    let api = Api::new(&cli.endpoint, concurrency)?;
    let drive = Drive {
        concurrency,
        duration: cli.duration,
        max_iterations: cli.max_requests,
        progress: cli.progress,
    };
    let outcome = cli.scenario.run(&api, &drive).await?;
    if !cli.no_header {
        println!("{}", report::header());
    }
    print!(
        "{}",
        report::rows(&cli.label, cli.scenario.name(), concurrency, &outcome)
    );
    eprintln!(
        "{}: {:.1}s with {concurrency} clients",
        cli.scenario.name(),
        outcome.elapsed.as_secs_f64()
    );
    if let Some(e) = &outcome.first_error {
        eprintln!("first error: {e}");
    }
    Ok(())
}

// One runtime thread: the workers only wait on their sockets, and with two
// threads each answer often woke the idle one too (futex, a context switch),
// costing loadgen CPU on the cores it shares with the server, and one thread
// drives more requests than any scenario's server answers; the SRP
// arithmetic runs on the blocking pool regardless.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kognit-loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("3d").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "kognit-loadgen",
            "--concurrency",
            "32",
            "seed",
            "--users",
            "1000000",
        ])
        .unwrap();
        assert_eq!(cli.concurrency, 32);
        assert_eq!(cli.scenario.name(), "seed");
    }
}
