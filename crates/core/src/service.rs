//! The service: one value holding the store and the server's settings, with one
//! method per Cognito operation (in `pools`, `clients`, …).

use std::sync::Arc;

use crate::crypto::{KeyedHash, MasterKey, SecretBox};
use crate::delivery::Deliver;
use crate::passwords::{HashParams, Hasher};
use crate::store::Store;

/// Settings of the server that shape what the service answers.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The AWS region kognit presents (pool ids, ARNs); default `us-east-1`.
    pub region: String,
    /// The 12-digit account id in ARNs.
    pub account_id: String,
    /// The public base URL of token issuers: a pool's `iss` is
    /// `<issuer_base>/<poolId>`. Set it to `https://cognito-idp.<region>.amazonaws.com`
    /// for apps that compare the issuer with Cognito's literally.
    pub issuer_base: String,
    /// kognit's own public base URL (no trailing slash), for the URLs it
    /// answers with that it serves itself (a hosted UI logo's `ImageUrl`).
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            issuer_base: "http://127.0.0.1:9229".into(),
            public_url: "http://127.0.0.1:9229".into(),
        }
    }
}

/// The user-pool service.
pub struct Service {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) settings: Settings,
    pub(crate) secrets: SecretBox,
    pub(crate) codes: KeyedHash,
    pub(crate) hasher: Hasher,
    pub(crate) delivery: Arc<dyn Deliver>,
    /// Runs the pools' Lambda triggers (webhooks, the Lambda Invoke API).
    pub(crate) triggers: Arc<dyn crate::trigger_port::Invoke>,
    /// Derives each pool's trigger secret, which signs its webhook calls.
    pub(crate) trigger_keys: KeyedHash,
    /// Derives the console sessions' CSRF tokens.
    pub(crate) console_keys: KeyedHash,
    /// Pools' signing keys, cached briefly on this node.
    pub(crate) token_keys: crate::signing::KeyCache,
    /// Striped locks that queue this node's read-modify-writes of one user,
    /// so concurrent updates of a user do not keep losing the optimistic
    /// version check (it still guards against other nodes).
    pub(crate) user_locks: Box<[tokio::sync::Mutex<()>]>,
    /// Parsed pool documents, cached for a second on this node (see
    /// `node_cache` for the consistency this gives).
    pub(crate) pool_docs: crate::node_cache::TtlCache<crate::records::PoolDoc>,
    /// App clients by client id, cached likewise.
    pub(crate) app_clients: crate::node_cache::TtlCache<crate::records::AppClient>,
}

/// Delivery used until one is configured: refuses every message.
struct NoDelivery;

#[async_trait::async_trait]
impl Deliver for NoDelivery {
    async fn deliver(
        &self,
        msg: &crate::delivery::Message,
    ) -> Result<(), crate::delivery::DeliveryError> {
        Err(crate::delivery::DeliveryError(format!(
            "no {} delivery is configured",
            msg.channel.as_str()
        )))
    }
}

/// Proof that the caller is an administrator: made only by the protocol layer
/// after it verified a SigV4 signature (or, in `kognit dev`, accepted any);
/// only [`Service::authenticate_admin`] makes one.
/// Admin operations take `&Admin`, so calling one without it does not compile.
#[derive(Debug, Clone)]
pub struct Admin {
    /// Who: the access key id the request was signed with (or typed into
    /// the console), or `console:<name>` for a console administrator.
    pub access_key_id: String,
}

impl Admin {
    /// Vouches for a caller: only [`Service::authenticate_admin`] does.
    pub(crate) fn new(access_key_id: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
        }
    }
}

/// Milliseconds since the Unix epoch: the service's notion of "now", passed in
/// by the caller so time-dependent rules are testable without sleeping.
pub type Millis = i64;

/// Converts milliseconds to the JSON 1.1 timestamp (epoch seconds, fractional).
pub fn epoch_seconds(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

impl Service {
    /// A service over this store.
    pub fn new(store: Arc<dyn Store>, settings: Settings, master_key: &MasterKey) -> Self {
        Self {
            store,
            settings,
            secrets: SecretBox::new(master_key),
            codes: KeyedHash::new(master_key, b"kognit one-time codes v1"),
            hasher: Hasher::new(HashParams::SERVE),
            delivery: Arc::new(NoDelivery),
            triggers: Arc::new(crate::trigger_port::NoInvoke),
            trigger_keys: KeyedHash::new(master_key, b"kognit trigger secrets v1"),
            console_keys: KeyedHash::new(master_key, b"kognit console v1"),
            token_keys: crate::signing::KeyCache::default(),
            user_locks: (0..64).map(|_| tokio::sync::Mutex::new(())).collect(),
            pool_docs: Default::default(),
            app_clients: Default::default(),
        }
    }

    /// Uses these Argon2id parameters for new password hashes.
    pub fn with_hash_params(mut self, params: HashParams) -> Self {
        self.hasher = Hasher::new(params);
        self
    }

    /// Delivers messages (codes, invitations) through this adapter.
    pub fn with_delivery(mut self, delivery: Arc<dyn Deliver>) -> Self {
        self.delivery = delivery;
        self
    }

    /// Drops this node's cached pool documents, app clients and signing
    /// keys, after the store was changed behind the service's back (the
    /// developer reset: a seed then makes pools with the same ids again).
    pub fn forget_cached(&self) {
        self.pool_docs.forget_where(|_| true);
        self.app_clients.forget_where(|_| true);
        self.token_keys.forget_all();
    }

    /// The store (for health checks and the developer endpoints).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The box that seals secrets at rest.
    pub fn secret_box(&self) -> &SecretBox {
        &self.secrets
    }
}
