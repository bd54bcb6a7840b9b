//! The `kognit` binary: `kognit dev` for local development and tests,
//! `kognit serve` for production.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kognit::config::{Config, Flags, Mode};

/// mimalloc instead of glibc's malloc. A request allocates many small
/// objects (decoded rows, JSON values, attribute lists), and under load
/// glibc's malloc, free and arena locks were a large share of the server's
/// profile (ListUsers of 60 users; BENCHMARKS.md). mimalloc keeps
/// per-thread heaps, so threads do not contend on a lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// kognit: a self-hosted identity server that speaks the Amazon Cognito User
/// Pools API. Point any AWS SDK, the aws CLI or Amplify at it by changing the
/// endpoint URL.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Local development: listens on 127.0.0.1:9229, keeps SQLite in ./.kognit,
    /// accepts requests signed with any credentials, offers /_dev endpoints.
    Dev {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Folder for the SQLite file and the master key. The server keeps
        /// the file to itself while it runs: no other process may open it.
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Store in this database instead (`sqlite://…` or `postgres://…`).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// Keep everything in memory and write nothing to disk (no data
        /// folder, no master key file); all is gone at exit. Also
        /// KOGNIT_EPHEMERAL=true.
        #[arg(long)]
        ephemeral: bool,
        /// Create the pools, app clients, groups and users of this TOML or
        /// JSON file, with their ids, at start and after every
        /// POST /_dev/reset. Also KOGNIT_SEED=FILE.
        #[arg(long, value_name = "FILE")]
        seed: Option<PathBuf>,
        /// Write the store's pools, clients, groups and users as a seed file
        /// (TOML or JSON, by FILE's extension) and exit, without serving.
        #[arg(long, value_name = "FILE")]
        dump_seed: Option<PathBuf>,
        /// Log lines as `text` or `json`.
        #[arg(long, value_name = "FORMAT")]
        log_format: Option<String>,
    },
    /// Production: config from a TOML file, KOGNIT_* environment variables and
    /// flags (flags win); SigV4 signatures enforced.
    Serve {
        /// TOML configuration file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Address to listen on (default 0.0.0.0:9229).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Folder for the SQLite file and a generated master key (default ./kognit-data).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// `sqlite://PATH` (default: kognit.db in the data folder) or `postgres://…`;
        /// `sqlite://PATH?vfs=unix-excl` keeps the file to this process.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// The URL clients reach kognit at (used in token issuers and links).
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// The AWS region kognit presents (default us-east-1).
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// Log lines as `text` or `json`.
        #[arg(long, value_name = "FORMAT")]
        log_format: Option<String>,
    },
    /// Reads a password from standard input (its first line) and prints its
    /// Argon2id hash, for a console administrator's `password_hash` in the
    /// configuration file.
    HashPassword,
}

fn load(cli: Cli) -> Result<Config, String> {
    let text = |p: PathBuf| p.display().to_string();
    match cli.command {
        Command::Dev {
            listen,
            data_dir,
            database_url,
            ephemeral,
            seed,
            dump_seed: _,
            log_format,
        } => {
            let flags = Flags {
                listen,
                data_dir: data_dir.map(text),
                database_url,
                // Only when given, so KOGNIT_EPHEMERAL still counts without it.
                ephemeral: ephemeral.then_some(true),
                seed: seed.map(text),
                log_format,
                ..Flags::default()
            };
            Config::load(Mode::Dev, None, flags)
        }
        Command::Serve {
            config,
            listen,
            data_dir,
            database_url,
            public_url,
            region,
            log_format,
        } => {
            let flags = Flags {
                listen,
                data_dir: data_dir.map(text),
                database_url,
                public_url,
                region,
                log_format,
                ..Flags::default()
            };
            Config::load(Mode::Serve, config.as_deref(), flags)
        }
        Command::HashPassword => Err("hash-password takes no configuration".into()),
    }
}

/// `kognit hash-password`: the Argon2id hash of the first line of stdin,
/// with `serve`'s parameters.
async fn hash_password() -> ExitCode {
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        eprintln!("kognit: could not read a password from standard input");
        return ExitCode::from(2);
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        eprintln!("kognit: the password is empty");
        return ExitCode::from(2);
    }
    let hasher = kognit_core::passwords::Hasher::new(kognit_core::passwords::HashParams::SERVE);
    match hasher.hash(password).await {
        Ok(phc) => {
            println!("{phc}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kognit: {}", e.message);
            ExitCode::FAILURE
        }
    }
}

fn init_logs(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOGNIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colours only on a terminal: a log file or collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed here, before
/// the server says it listens: installed lazily (when the server's task
/// first polled this), a SIGTERM sent right after that line could still
/// find the default action and kill the process mid-start.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (term, int) = signals;
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {}
                _ = wait(int) => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::HashPassword) {
        return hash_password().await;
    }
    let dump_seed = match &cli.command {
        Command::Dev { dump_seed, .. } => dump_seed.clone(),
        _ => None,
    };
    let cfg = match load(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kognit: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(&cfg);
    if let Some(out) = dump_seed {
        return match kognit::dump_seed(&cfg, &out).await {
            Ok(pools) => {
                println!("kognit: wrote {pools} user pool(s) to {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("kognit: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let running = match kognit::start(cfg.clone(), shutdown_signal()).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kognit: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(k) = &running.created_key {
        println!("kognit: created the administrator access key; it is shown only this once:");
        println!("  AWS_ACCESS_KEY_ID={}", k.id);
        println!("  AWS_SECRET_ACCESS_KEY={}", k.secret);
    }
    let mode = match cfg.mode {
        Mode::Dev => "dev",
        Mode::Serve => "serve",
    };
    println!(
        "kognit {mode} listening on http://{} (store: {})",
        running.addr,
        cfg.store_description()
    );
    running.wait().await;
    ExitCode::SUCCESS
}
