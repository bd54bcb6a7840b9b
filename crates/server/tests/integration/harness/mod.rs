//! The test harness: starts the real server on 127.0.0.1:0 over a fresh store
//! (a SQLite file in a temporary folder, or a fresh PostgreSQL database) and
//! hands back an AWS SDK client pointed at it.

use aws_sdk_cognitoidentityprovider as cognito;
use cognito::config::{BehaviorVersion, Credentials, Region};
use kognit::config::{AccessKey, Config, Mode};
use std::sync::Arc;

use kognit::{Running, start_with_clock};
use kognit_core::clock::SkewedClock;
use kognit_testkit::pg::TestDatabase;

pub mod auth;
pub mod browser;
pub mod console;
pub mod devices;
pub mod everyday;
pub mod mfa;
pub mod scripts;
pub mod seed;
pub mod sessions;
pub mod triggers;
pub mod users;

/// [`on_both_backends!`](crate::on_both_backends), for test modules to import
/// from here.
pub(crate) use crate::on_both_backends;

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The access key configured for `serve` tests.
pub const KEY_ID: &str = "AKIAKOGNITTEST000001";
/// Its secret.
pub const KEY_SECRET: &str = "kognit-test-secret-access-key-0000000000";

/// A fresh PostgreSQL database for one test (dropped with the guard), or
/// None when PostgreSQL tests are not configured (which fails the test in CI).
pub async fn fresh_pg_database() -> Option<TestDatabase> {
    TestDatabase::fresh().await
}

/// One running server and what is needed to restart it on the same store.
pub struct TestServer {
    pub url: String,
    pub cfg: Config,
    /// The server's clock: a test that waits for an expiry moves it forward
    /// instead of sleeping.
    pub clock: Arc<SkewedClock>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
    /// The PostgreSQL database, dropped after the server (fields drop in order).
    _db: Option<TestDatabase>,
}

impl TestServer {
    /// A `kognit dev` server on this backend; None if PostgreSQL is not configured.
    pub async fn dev(backend: Backend) -> Option<Self> {
        Self::with_mode(backend, Mode::Dev, |_| {}).await
    }

    /// A `kognit dev --ephemeral` server (everything in memory), with
    /// `tweak` applied to its configuration.
    pub async fn ephemeral(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::with_mode(Backend::Sqlite, Mode::Dev, |c| {
            c.ephemeral = true;
            tweak(c);
        })
        .await
        .expect("ephemeral server")
    }

    /// `POST /_dev/reset`; the answer.
    pub async fn reset(&self) -> RawReply {
        dev_reset(&self.url).await
    }

    /// `GET /metrics`: the Prometheus text.
    pub async fn metrics(&self) -> String {
        let url = format!("{}/metrics", self.url);
        reqwest::get(url).await.unwrap().text().await.unwrap()
    }

    /// A `kognit serve` server with the test access key configured.
    pub async fn serve(backend: Backend) -> Option<Self> {
        Self::with_mode(backend, Mode::Serve, |c| {
            c.access_keys = vec![AccessKey {
                id: KEY_ID.into(),
                secret: KEY_SECRET.into(),
            }]
        })
        .await
    }

    /// A server of this mode, with `tweak` applied to its configuration.
    pub async fn with_mode(
        backend: Backend,
        mode: Mode,
        tweak: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cfg = Config::defaults(mode);
        cfg.listen = "127.0.0.1:0".into();
        cfg.data_dir = dir.path().to_path_buf();
        let db = match backend {
            Backend::Postgres => Some(fresh_pg_database().await?),
            Backend::Sqlite => None,
        };
        cfg.database_url = db.as_ref().map(|d| d.url.clone()).or(cfg.database_url);
        tweak(&mut cfg);
        let clock = Arc::new(SkewedClock::new());
        let running = start_with_clock(cfg.clone(), std::future::pending(), clock.clone())
            .await
            .expect("server starts");
        Some(Self {
            url: format!("http://{}", running.addr),
            cfg,
            clock,
            running: Some(running),
            _dir: dir,
            _db: db,
        })
    }

    /// The server that was started, for what it reported at start-up.
    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("server running")
    }

    /// Stops the server and starts a new one on the same store and data folder.
    pub async fn restart(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        let running =
            start_with_clock(self.cfg.clone(), std::future::pending(), self.clock.clone())
                .await
                .expect("server restarts");
        self.url = format!("http://{}", running.addr);
        self.running = Some(running);
    }

    /// An SDK client signing with the test key.
    pub fn client(&self) -> cognito::Client {
        self.client_with(KEY_ID, KEY_SECRET)
    }

    /// An SDK client signing with these credentials.
    pub fn client_with(&self, id: &str, secret: &str) -> cognito::Client {
        sdk_client_with(&self.url, id, secret)
    }

    /// A raw JSON 1.1 call: (status, headers, body as JSON or Null).
    pub async fn raw(&self, target: Option<&str>, body: impl Into<reqwest::Body>) -> RawReply {
        let mut req = reqwest::Client::new()
            .post(&self.url)
            .header("content-type", "application/x-amz-json-1.1");
        if let Some(t) = target {
            req = req.header("x-amz-target", t);
        }
        let resp = req.body(body).send().await.expect("request sent");
        RawReply::read(resp).await
    }
}

impl TestServer {
    /// The newest developer-outbox message for a user (None on 404).
    pub async fn latest_message(&self, pool_id: &str, username: &str) -> Option<serde_json::Value> {
        let resp = reqwest::Client::new()
            .get(format!("{}/_dev/outbox/latest", self.url))
            .query(&[("user_pool_id", pool_id), ("username", username)])
            .send()
            .await
            .expect("outbox request");
        if resp.status() == 404 {
            return None;
        }
        assert_eq!(resp.status(), 200);
        Some(resp.json().await.expect("outbox json"))
    }

    /// The code of the newest outbox message for a user.
    pub async fn latest_code(&self, pool_id: &str, username: &str) -> String {
        let m = self
            .latest_message(pool_id, username)
            .await
            .expect("a message was sent");
        m["code"].as_str().expect("message has a code").to_owned()
    }
}

/// An SDK client of the server at `url`, signing with the test key (for a
/// server not started by the harness: the binary).
pub fn sdk_client(url: &str) -> cognito::Client {
    sdk_client_with(url, KEY_ID, KEY_SECRET)
}

fn sdk_client_with(url: &str, id: &str, secret: &str) -> cognito::Client {
    let conf = cognito::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(id, secret, None, None, "kognit-tests"))
        .retry_config(cognito::config::retry::RetryConfig::disabled())
        .endpoint_url(url)
        .build();
    cognito::Client::from_conf(conf)
}

/// `POST /_dev/reset` on the server at `url`; the answer.
pub async fn dev_reset(url: &str) -> RawReply {
    let resp = reqwest::Client::new()
        .post(format!("{url}/_dev/reset"))
        .send()
        .await
        .expect("reset sent");
    RawReply::read(resp).await
}

/// A raw HTTP answer.
pub struct RawReply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: serde_json::Value,
}

impl RawReply {
    pub async fn read(resp: reqwest::Response) -> Self {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Self {
            status,
            headers,
            json,
        }
    }

    /// The `__type` of an error answer.
    pub fn error_type(&self) -> &str {
        self.json["__type"].as_str().unwrap_or("")
    }
}

/// The Cognito error name of a failed SDK call.
/// Sends a CreateUserPool request; the new pool's id.
pub async fn pool_id(
    req: cognito::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
) -> String {
    let pool = req.send().await.unwrap();
    pool.user_pool.and_then(|p| p.id).expect("pool id")
}

/// A pool that verifies email addresses by code, with an [`srp_client`]:
/// (pool id, client id).
pub async fn email_srp_pool(c: &cognito::Client, name: &str) -> (String, String) {
    let pool = pool_id(
        c.create_user_pool()
            .pool_name(name)
            .auto_verified_attributes(cognito::types::VerifiedAttributeType::Email),
    )
    .await;
    let client = srp_client(c, &pool, "app").await;
    (pool, client)
}

/// A new app client of `pool` (no secret) allowing SRP sign-in and refresh;
/// its id.
pub async fn srp_client(c: &cognito::Client, pool: &str, name: &str) -> String {
    use cognito::types::ExplicitAuthFlowsType as Flow;
    let out = c
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(name)
        .explicit_auth_flows(Flow::AllowUserSrpAuth)
        .explicit_auth_flows(Flow::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    out.user_pool_client
        .and_then(|c| c.client_id)
        .expect("client id")
}

/// DescribeUserPool's pool.
pub async fn describe_pool(c: &cognito::Client, id: &str) -> cognito::types::UserPoolType {
    let out = c
        .describe_user_pool()
        .user_pool_id(id)
        .send()
        .await
        .unwrap();
    out.user_pool.expect("user pool")
}

/// A new pool with Cognito's defaults; its id.
pub async fn create_pool(c: &cognito::Client, name: &str) -> String {
    pool_id(c.create_user_pool().pool_name(name)).await
}

pub fn code<E, R>(e: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>) -> String
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata,
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
    match e.code() {
        Some(c) => c.to_owned(),
        None => format!("no error code in {e}"),
    }
}

/// The message of a failed SDK call.
pub fn message<E, R>(e: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>) -> String
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata,
    R: std::fmt::Debug,
{
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
    e.message().unwrap_or_default().to_owned()
}

/// Generates, for each listed `async fn(TestServer)`, a module with a SQLite and
/// a PostgreSQL test of it (dev mode). With `by_backend:`, the listed cases are
/// `async fn(Backend)` that start their own server (another mode or
/// configuration) and return when PostgreSQL is not configured.
#[macro_export]
macro_rules! on_both_backends {
    (by_backend: $($case:ident),* $(,)?) => {
        $(
            mod $case {
                use $crate::harness::Backend;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case(Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$case(Backend::Postgres).await;
                }
            }
        )*
    };
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                use $crate::harness::{Backend, TestServer};
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let s = TestServer::dev(Backend::Sqlite).await.expect("sqlite server");
                    super::$case(s).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(s) = TestServer::dev(Backend::Postgres).await else { return };
                    super::$case(s).await;
                }
            }
        )*
    };
}
