//! Configuration in layers: defaults → TOML file (`--config`) → `KOGNIT_*`
//! environment (`__` for nesting) → command-line flags. Validation is separate.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// How the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development: any credentials, developer endpoints, outbox.
    Dev,
    /// Production: SigV4 enforced.
    Serve,
}

/// The prefix of the environment variables that configure kognit.
const ENV_PREFIX: &str = "KOGNIT_";

/// `KOGNIT_*` variables that are not configuration, as figment names them
/// (lowercase, without the prefix): the log filter (read by the logger) and
/// the test suite's database. The merge ignores them, and they do not send
/// [`Config::load`] to it.
const NOT_CONFIGURATION: [&str; 2] = ["log", "test_database_url"];

/// Whether a `KOGNIT_*` environment variable may configure this process
/// (figment reads the prefix in any case, so this does too).
fn environment_configures() -> bool {
    std::env::vars_os().any(|(name, _)| {
        let name = name.to_string_lossy();
        name.get(..ENV_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(ENV_PREFIX))
            && !NOT_CONFIGURATION
                .iter()
                .any(|n| name[ENV_PREFIX.len()..].eq_ignore_ascii_case(n))
    })
}

/// The command line's flags, the last layer of the configuration; a flag
/// not given is None.
#[derive(Debug, Default, Serialize)]
pub struct Flags {
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `--data-dir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--ephemeral` (Some(true) when given, so that `KOGNIT_EPHEMERAL`
    /// still counts without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<bool>,
    /// `--seed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// `--public-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// `--region`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `--log-format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
}

impl Flags {
    /// Sets the fields of `cfg` that these flags give.
    fn apply(self, cfg: &mut Config) {
        let Self {
            listen,
            data_dir,
            database_url,
            ephemeral,
            seed,
            public_url,
            region,
            log_format,
        } = self;
        if let Some(v) = listen {
            cfg.listen = v;
        }
        if let Some(v) = data_dir {
            cfg.data_dir = v.into();
        }
        if database_url.is_some() {
            cfg.database_url = database_url;
        }
        if let Some(v) = ephemeral {
            cfg.ephemeral = v;
        }
        if let Some(v) = seed {
            cfg.seed = Some(v.into());
        }
        if public_url.is_some() {
            cfg.public_url = public_url;
        }
        if let Some(v) = region {
            cfg.region = v;
        }
        if let Some(v) = log_format {
            cfg.log_format = v;
        }
    }
}

/// A configured administrator access key (SigV4 credentials).
pub use kognit_core::AccessKey;

/// The whole configuration of one kognit process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]

pub struct Config {
    /// Format version of this configuration (currently 1).
    pub version: u32,
    /// Dev or serve.
    pub mode: Mode,
    /// Address to listen on.
    pub listen: String,
    /// Folder for the SQLite file and the generated master key.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: `kognit.db` in `data_dir`.
    pub database_url: Option<String>,
    /// `kognit dev` only: keep every pool, user and key in memory (an
    /// in-memory SQLite database, the same store code and SQL) and write
    /// nothing to disk: no data folder, no master key file. All is gone at
    /// exit.
    pub ephemeral: bool,
    /// `kognit dev` only: a seed file (TOML or JSON) of pools, app clients,
    /// groups and users with fixed ids, applied at start and after every
    /// `POST /_dev/reset`.
    pub seed: Option<PathBuf>,
    /// PostgreSQL only: the longest one statement may run, in milliseconds,
    /// before the server cancels it (`statement_timeout`), so that a bad
    /// plan cannot hold every pooled connection; 0 for no limit.
    /// Migrations are exempt.
    pub database_statement_timeout_ms: u64,
    /// The URL clients reach kognit at (issuers and links); default
    /// `http://<listen address>`.
    pub public_url: Option<String>,
    /// The base of token issuers (`<issuer_base>/<poolId>`); default the public
    /// URL. Set `https://cognito-idp.<region>.amazonaws.com` for apps that
    /// compare the issuer with Cognito's literally.
    pub issuer_base: Option<String>,
    /// The AWS region kognit presents.
    pub region: String,
    /// The 12-digit account id in ARNs.
    pub account_id: String,
    /// Base64 of 32 bytes: the key that seals secrets at rest.
    pub master_key: Option<String>,
    /// A file holding `master_key` (for secret managers).
    pub master_key_file: Option<PathBuf>,
    /// SigV4 access keys accepted in `serve` besides those in the store.
    pub access_keys: Vec<AccessKey>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Keep every sent message in the developer outbox (`/_dev/outbox`);
    /// default on in dev, off in serve (where reading it needs admin SigV4).
    pub outbox: bool,
    /// Email delivery over SMTP.
    pub smtp: Option<crate::delivery::SmtpConfig>,
    /// SMS delivery to an HTTP webhook.
    pub sms: Option<crate::delivery::SmsConfig>,
    /// Argon2id parameters for new password hashes (dev: cheap; serve: OWASP's
    /// 19 MiB, 2 passes). Existing hashes keep the parameters they were made with.
    pub password_hashing: PasswordHashing,
    /// Request-rate limits (per node); 0 turns one off.
    pub rate_limits: RateLimits,
    /// Addresses or ranges (`10.0.0.0/8`) of the proxies in front of kognit
    /// whose `X-Forwarded-For` names the client (kognit extension): per-IP
    /// limits and auth events then use the client's address. Empty: the TCP
    /// peer is the client.
    pub trusted_proxies: Vec<String>,
    /// How long kept records live before the periodic purge deletes them.
    pub retention: Retention,
    /// Where Lambda triggers named by ARN are invoked (kognit runs webhook
    /// triggers, named by URL, without it).
    pub lambda: crate::triggers::LambdaConfig,
    /// The admin console at `/console`.
    pub console: ConsoleConfig,
    /// Hosted login and the OAuth 2.0 endpoints of user-pool domains.
    #[serde(default)]
    pub hosted: HostedConfig,
}

/// Hosted login (`[hosted]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostedConfig {
    /// A host name whose subdomains are prefix domains: with
    /// `auth.example.com`, `myapp.auth.example.com` serves the pool whose
    /// domain prefix is `myapp` (point that DNS at kognit). Without it,
    /// discovery names the `/hosted/<domain>` URLs on the public URL.
    pub base_host: Option<String>,
}

/// The admin console (`/console`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleConfig {
    /// Serve the console.
    pub enabled: bool,
    /// Console administrators who sign in with a name and password (and a
    /// TOTP code when they have a secret), besides access keys.
    pub admins: Vec<kognit_core::console::ConsoleAdmin>,
    /// Minutes without a request after which a session ends.
    pub idle_timeout_minutes: u64,
    /// Hours after sign-in at which a session ends whatever its activity.
    pub session_hours: u64,
}

impl ConsoleConfig {
    /// The session lifetimes in core's terms.
    pub fn session_policy(&self) -> kognit_core::console::SessionPolicy {
        kognit_core::console::SessionPolicy {
            idle_ms: i64::try_from(self.idle_timeout_minutes.saturating_mul(60_000))
                .unwrap_or(i64::MAX),
            lifetime_ms: i64::try_from(self.session_hours.saturating_mul(3_600_000))
                .unwrap_or(i64::MAX),
        }
    }
}

/// The periodic purge of what has outlived its use: expired refresh tokens,
/// revocations, token sessions and codes always; outbox messages and auth
/// events after these ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Seconds between two purges; 0 turns the purge off.
    pub purge_interval_seconds: u64,
    /// Hours a developer-outbox message is kept.
    pub outbox_hours: u64,
    /// Days an auth event is kept (Cognito keeps them about 90 days).
    pub auth_event_days: u64,
}

/// Request-rate limits answering TooManyRequestsException.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Unsigned requests (sign-in, sign-up, …) per second from one client IP.
    pub per_ip_per_second: u32,
    /// Requests per second naming one user pool (or app client).
    pub per_pool_per_second: u32,
}

/// Argon2id parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHashing {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl From<kognit_core::passwords::HashParams> for PasswordHashing {
    fn from(p: kognit_core::passwords::HashParams) -> Self {
        Self {
            memory_kib: p.m_cost_kib,
            iterations: p.t_cost,
            parallelism: p.p_cost,
        }
    }
}

impl From<PasswordHashing> for kognit_core::passwords::HashParams {
    fn from(p: PasswordHashing) -> Self {
        Self {
            m_cost_kib: p.memory_kib,
            t_cost: p.iterations,
            p_cost: p.parallelism,
        }
    }
}

impl Config {
    /// The defaults of a mode.
    pub fn defaults(mode: Mode) -> Self {
        let (listen, data_dir) = match mode {
            Mode::Dev => ("127.0.0.1:9229", ".kognit"),
            Mode::Serve => ("0.0.0.0:9229", "kognit-data"),
        };
        Self {
            version: 1,
            mode,
            listen: listen.into(),
            data_dir: data_dir.into(),
            database_url: None,
            ephemeral: false,
            seed: None,
            database_statement_timeout_ms: 5000,
            public_url: None,
            issuer_base: None,
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            master_key: None,
            master_key_file: None,
            access_keys: Vec::new(),
            max_body_bytes: 1024 * 1024,
            log_format: "text".into(),
            outbox: mode == Mode::Dev,
            smtp: None,
            sms: None,
            rate_limits: RateLimits {
                per_ip_per_second: if mode == Mode::Serve { 100 } else { 0 },
                per_pool_per_second: 0,
            },
            trusted_proxies: Vec::new(),
            retention: Retention {
                purge_interval_seconds: 300,
                outbox_hours: 24,
                auth_event_days: 90,
            },
            lambda: crate::triggers::LambdaConfig::default(),
            console: ConsoleConfig {
                enabled: true,
                admins: Vec::new(),
                idle_timeout_minutes: 30,
                session_hours: 12,
            },
            hosted: HostedConfig::default(),
            password_hashing: match mode {
                Mode::Dev => kognit_core::passwords::HashParams::DEV.into(),
                Mode::Serve => kognit_core::passwords::HashParams::SERVE.into(),
            },
        }
    }

    /// Loads the layers; `flags` are the ones given on the command line.
    pub fn load(mode: Mode, file: Option<&std::path::Path>, flags: Flags) -> Result<Self, String> {
        if file.is_none() && !environment_configures() {
            // Nothing but the defaults and the flags: set the flags' fields
            // directly. Merging the layers with figment serializes every
            // default into its tree and reads the whole tree back, a tenth
            // of a millisecond of `kognit dev`'s start.
            let mut cfg = Self::defaults(mode);
            flags.apply(&mut cfg);
            cfg.validate()?;
            return Ok(cfg);
        }
        Self::merge(mode, file, &flags)
    }

    /// [`Config::load`] through figment: the defaults, the file, the
    /// `KOGNIT_*` environment and the flags, merged in that order.
    fn merge(mode: Mode, file: Option<&std::path::Path>, flags: &Flags) -> Result<Self, String> {
        let mut fig = Figment::from(Serialized::defaults(Self::defaults(mode)));
        if let Some(f) = file {
            if !f.exists() {
                return Err(format!("config file {} does not exist", f.display()));
            }
            fig = fig.merge(Toml::file(f));
        }
        fig = fig
            .merge(
                Env::prefixed(ENV_PREFIX)
                    .split("__")
                    .ignore(&NOT_CONFIGURATION),
            )
            .merge(Serialized::defaults(flags))
            .merge(Serialized::default("mode", mode));
        let cfg: Self = fig
            .extract()
            .map_err(|e| format!("invalid configuration: {e}"))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.version != 1 {
            return Err(format!(
                "unsupported configuration version {}",
                self.version
            ));
        }
        self.listen_addr()?;
        if let Some(url) = &self.database_url {
            let known = ["sqlite:", "postgres://", "postgresql://"];
            if !known.iter().any(|p| url.starts_with(p)) {
                return Err(format!(
                    "database_url must start with sqlite:// or postgres:// (got {})",
                    url.split(':').next().unwrap_or_default()
                ));
            }
        }
        if self.mode == Mode::Serve && (self.ephemeral || self.seed.is_some()) {
            return Err("ephemeral and seed are options of kognit dev, not of serve".into());
        }
        if self.ephemeral && self.database_url.is_some() {
            return Err(
                "ephemeral keeps the store in memory; it cannot be combined with database_url"
                    .into(),
            );
        }
        let region_ok = !self.region.is_empty()
            && self
                .region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !region_ok {
            return Err(format!(
                "region {:?} is not an AWS region name",
                self.region
            ));
        }
        if self.account_id.len() != 12 || !self.account_id.chars().all(|c| c.is_ascii_digit()) {
            return Err("account_id must be 12 digits".into());
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err("log_format must be text or json".into());
        }
        if self.max_body_bytes < 1024 {
            return Err("max_body_bytes must be at least 1024".into());
        }
        let h = &self.password_hashing;
        if h.memory_kib < 8 * h.parallelism.max(1) || h.iterations == 0 || h.parallelism == 0 {
            return Err("password_hashing needs memory_kib >= 8 x parallelism, iterations >= 1, parallelism >= 1".into());
        }
        self.trusted_proxy_ranges()?;
        for k in &self.access_keys {
            if k.id.is_empty() || k.secret.is_empty() {
                return Err("every access key needs an id and a secret".into());
            }
        }
        for a in &self.console.admins {
            a.check()?;
        }
        if self.console.idle_timeout_minutes == 0 || self.console.session_hours == 0 {
            return Err("console idle_timeout_minutes and session_hours must be at least 1".into());
        }
        Ok(())
    }

    /// `trusted_proxies`, parsed.
    pub fn trusted_proxy_ranges(&self) -> Result<Vec<crate::client_ip::IpRange>, String> {
        self.trusted_proxies
            .iter()
            .map(|r| r.parse().map_err(|e| format!("trusted_proxies: {e}")))
            .collect()
    }

    /// The socket address to bind.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        self.listen
            .parse()
            .map_err(|_| format!("listen address {:?} is not HOST:PORT", self.listen))
    }

    /// The database URL, defaulting to a SQLite file in the data folder,
    /// which `kognit dev` keeps to its process (`kognit_store::private_sqlite_url`:
    /// faster reads, no other process may open the file meanwhile).
    pub fn database_url(&self) -> String {
        if let Some(url) = &self.database_url {
            return url.clone();
        }
        let file = self.data_dir.join("kognit.db");
        match self.mode {
            Mode::Dev => kognit_store::private_sqlite_url(&file),
            Mode::Serve => format!("sqlite://{}", file.display()),
        }
    }

    /// Whether the store lives in the data folder (so the folder must exist);
    /// never for an ephemeral server, which writes no file at all.
    pub fn uses_data_dir(&self) -> bool {
        !self.ephemeral
            && (self.database_url().starts_with("sqlite:")
                || (self.master_key.is_none() && self.master_key_file.is_none()))
    }

    /// Where the store is, for the start-up line: the database URL with no
    /// password, or that it is in memory.
    pub fn store_description(&self) -> String {
        if self.ephemeral {
            "in memory, ephemeral".into()
        } else {
            redact(&self.database_url())
        }
    }
}

/// The database URL without a password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_defaults() {
        let flags = Flags {
            listen: Some("127.0.0.1:1".into()),
            ..Flags::default()
        };
        let c = Config::load(Mode::Dev, None, flags).unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.mode, Mode::Dev);
        assert!(c.database_url().starts_with("sqlite://"));
    }

    /// The direct path of `Config::load` (no file, no environment) gives
    /// what figment's merge of the same flags gives.
    #[test]
    fn flags_set_directly_as_figment_merges_them() {
        fn every() -> Flags {
            Flags {
                listen: Some("127.0.0.1:7".into()),
                data_dir: Some("/tmp/k".into()),
                database_url: Some("sqlite:///tmp/k.db".into()),
                ephemeral: Some(false),
                seed: Some("seed.toml".into()),
                public_url: Some("https://auth.example.com".into()),
                region: Some("eu-west-3".into()),
                log_format: Some("json".into()),
            }
        }
        let ephemeral = || Flags {
            ephemeral: Some(true),
            ..Flags::default()
        };
        // A KOGNIT_* variable in the test's own environment would be in the
        // merge and not in the direct path (CI sets none that configures).
        assert!(
            !environment_configures(),
            "run this test without KOGNIT_* configuration variables"
        );
        // Everything but the seed, which only `kognit dev` takes.
        let serve = || Flags {
            seed: None,
            ..every()
        };
        for mode in [Mode::Dev, Mode::Serve] {
            for flags in [Flags::default, every, ephemeral, serve] {
                let direct = Config::load(mode, None, flags());
                let merged = Config::merge(mode, None, &flags());
                assert_eq!(merged, direct, "{mode:?}");
            }
        }
    }

    #[test]
    fn ephemeral_and_seed_are_dev_options() {
        let mut c = Config::defaults(Mode::Dev);
        c.ephemeral = true;
        c.seed = Some("seed.toml".into());
        c.validate().unwrap();
        assert!(!c.uses_data_dir());
        assert_eq!(c.store_description(), "in memory, ephemeral");
        c.database_url = Some("sqlite://x.db".into());
        assert!(c.validate().unwrap_err().contains("database_url"));
        let mut c = Config::defaults(Mode::Serve);
        c.ephemeral = true;
        assert!(c.validate().unwrap_err().contains("kognit dev"));
        let mut c = Config::defaults(Mode::Serve);
        c.seed = Some("seed.toml".into());
        assert!(c.validate().is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        let mut c = Config::defaults(Mode::Serve);
        c.database_url = Some("mysql://x".into());
        assert!(c.validate().is_err());
        let mut c = Config::defaults(Mode::Serve);
        c.listen = "nope".into();
        assert!(c.validate().is_err());
    }
}
