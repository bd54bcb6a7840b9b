//! Start-up: open the store, load or create the master key, make sure `serve`
//! has an admin access key, bind the port and serve until told to stop.

use std::path::Path;
use std::sync::Arc;

use kognit_core::clock::{Clock, SystemClock};
use kognit_core::crypto::MasterKey;
use kognit_core::{Service, Settings};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::{Config, Mode};
use crate::keys::{self, NewKey};
use crate::ops;
use crate::state::AppState;

/// Why the server could not start: one line for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: std::net::SocketAddr,
    /// The admin access key created at this start, if one was.
    pub created_key: Option<NewKey>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// What a purge pass needs, for [`Running::purge_now`].
    purge: (
        Arc<dyn kognit_core::store::Store>,
        crate::config::Retention,
        Arc<dyn Clock>,
    ),
}

impl Running {
    /// Runs one purge pass now, by the server's clock, as the periodic purge
    /// does; the rows deleted. (Tests move the clock, then purge, instead of
    /// waiting for the next tick.)
    pub async fn purge_now(&self) -> u64 {
        let (store, retention, clock) = &self.purge;
        crate::purge::once(store.as_ref(), retention, clock.now_ms()).await
    }

    /// Stops accepting, finishes requests in flight, and waits for the end.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server ends (after `shutdown` resolves).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

fn master_key(cfg: &Config) -> Result<MasterKey, StartError> {
    let bad = |what: &str| StartError(format!("{what} is not base64 of 32 bytes"));
    if let Some(k) = &cfg.master_key {
        return MasterKey::from_base64(k).ok_or_else(|| bad("master_key"));
    }
    if let Some(f) = &cfg.master_key_file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| StartError(format!("cannot read master_key_file {}: {e}", f.display())))?;
        return MasterKey::from_base64(&text).ok_or_else(|| bad("master_key_file"));
    }
    if cfg.ephemeral {
        // Nothing is kept after exit, so nothing needs the key after it.
        return Ok(MasterKey::generate());
    }
    let path = cfg.data_dir.join("master.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| StartError(format!("cannot read {}: {e}", path.display())))?;
        return MasterKey::from_base64(&text).ok_or_else(|| bad(&path.display().to_string()));
    }
    let key = MasterKey::generate();
    write_private(&path, &key.to_base64())?;
    if cfg.mode == Mode::Serve {
        tracing::warn!(
            path = %path.display(),
            "created a master key in the data folder; every node of one deployment needs the same key (set master_key or master_key_file)"
        );
    }
    Ok(key)
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), StartError> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .map_err(|e| StartError(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .map_err(|e| StartError(format!("cannot write {}: {e}", path.display())))
}

/// Starts a server with this configuration; it runs until `shutdown` resolves
/// or [`Running::stop`] is called.
pub async fn start(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    start_with_clock(cfg, shutdown, Arc::new(SystemClock)).await
}

/// The store and master key of this configuration: the data folder made
/// if the store needs it, the key read or created, the store opened and
/// migrated (in memory when ephemeral).
async fn open_store(
    cfg: &Config,
) -> Result<(Arc<dyn kognit_core::store::Store>, MasterKey), StartError> {
    if cfg.uses_data_dir() {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
            StartError(format!(
                "cannot create data folder {}: {e}",
                cfg.data_dir.display()
            ))
        })?;
    }
    let master = master_key(cfg)?;
    let options = kognit_store::StoreOptions {
        statement_timeout: (cfg.database_statement_timeout_ms > 0)
            .then(|| std::time::Duration::from_millis(cfg.database_statement_timeout_ms)),
    };
    let url = if cfg.ephemeral {
        kognit_store::in_memory_url()
    } else {
        cfg.database_url()
    };
    let store = kognit_store::connect_with(&url, &options)
        .await
        .map_err(|e| StartError(format!("cannot open the database: {e}")))?;
    Ok((store, master))
}

/// The service over `store`, with delivery and triggers wired in; and, in
/// dev, the ring of recent trigger invocations.
fn service(
    cfg: &Config,
    store: Arc<dyn kognit_core::store::Store>,
    master: &MasterKey,
    public_url: String,
    clock: &Arc<dyn Clock>,
) -> Result<(Arc<Service>, Option<Arc<crate::triggers::Recent>>), StartError> {
    let settings = Settings {
        region: cfg.region.clone(),
        account_id: cfg.account_id.clone(),
        issuer_base: cfg
            .issuer_base
            .clone()
            .map(|b| b.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| public_url.clone()),
        public_url,
    };
    let outbox: Option<Arc<dyn kognit_core::store::OutboxStore>> = if cfg.outbox {
        // Trait upcasting: the store is also the outbox.
        Some(store.clone())
    } else {
        None
    };
    let delivery =
        crate::delivery::build(cfg.smtp.as_ref(), cfg.sms.as_ref(), outbox, clock.clone())
            .map_err(|e| StartError(format!("cannot set up message delivery: {e}")))?;
    let recent_triggers = (cfg.mode == Mode::Dev).then(Arc::<crate::triggers::Recent>::default);
    let invoker =
        crate::triggers::Invoker::new(&cfg.lambda, None, recent_triggers.clone(), clock.clone())
            .map_err(StartError)?;
    let service = Arc::new(
        Service::new(store, settings, master)
            .with_hash_params(cfg.password_hashing.into())
            .with_delivery(delivery)
            .with_triggers(Arc::new(invoker)),
    );
    Ok((service, recent_triggers))
}

/// `kognit dev --dump-seed FILE`: writes the pools, clients, groups and
/// users of the configured store to `out` as a seed file (TOML or JSON, by
/// its extension), without serving; the number of pools written.
pub async fn dump_seed(cfg: &Config, out: &std::path::Path) -> Result<usize, StartError> {
    if cfg.ephemeral {
        return Err(StartError(
            "an ephemeral server's state lives in its process: ask the running server for it \
             with the Kognit.ExportSeed operation"
                .into(),
        ));
    }
    let format =
        crate::seed::Format::of(out).map_err(|e| StartError(format!("{}: {e}", out.display())))?;
    if cfg.database_url.is_none() && !cfg.data_dir.join("kognit.db").exists() {
        return Err(StartError(format!(
            "no store in {}: nothing to dump (give --data-dir or --database-url)",
            cfg.data_dir.display()
        )));
    }
    let (store, master) = open_store(cfg).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let public_url = format!("http://{}", cfg.listen);
    let (service, _) = service(cfg, store, &master, public_url, &clock)?;
    let admin = crate::seed::seed_admin(&service)
        .await
        .map_err(StartError)?;
    let (text, pools) = crate::seed::export(&service, &admin, format)
        .await
        .map_err(|e| StartError(format!("cannot export the store: {}", e.message)))?;
    std::fs::write(out, text)
        .map_err(|e| StartError(format!("cannot write {}: {e}", out.display())))?;
    Ok(pools)
}

/// The listening socket of `cfg` and the address it got.
async fn bind(cfg: &Config) -> Result<(TcpListener, std::net::SocketAddr), StartError> {
    let listener = TcpListener::bind(cfg.listen_addr().map_err(StartError)?)
        .await
        .map_err(|e| StartError(format!("cannot listen on {}: {e}", cfg.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError(format!("cannot read the bound address: {e}")))?;
    Ok((listener, addr))
}

/// [`start`], reading the time from `clock` (tests move it forward instead
/// of sleeping).
pub async fn start_with_clock(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    clock: Arc<dyn Clock>,
) -> Result<Running, StartError> {
    // Read before anything is opened or created, so a bad file stops the
    // start with nothing left behind.
    let seed = match &cfg.seed {
        Some(path) => Some(Arc::new(crate::seed::Seed::load(path).map_err(StartError)?)),
        None => None,
    };
    // The routes are built on a worker thread while this one opens the
    // store (most of a start): on two cores the two overlap.
    let routing = tokio::spawn({
        let cfg = cfg.clone();
        async move { ops::routes(&cfg) }
    });
    let (store, master) = open_store(&cfg).await?;
    let (listener, addr) = bind(&cfg).await?;
    let routes = routing
        .await
        .map_err(|e| StartError(format!("cannot build the routes: {e}")))?;
    let public_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let (service, recent_triggers) = service(&cfg, store, &master, public_url.clone(), &clock)?;
    if let Some(seed) = &seed {
        let applied = seed
            .apply(&service, clock.now_ms())
            .await
            .map_err(StartError)?;
        tracing::info!(
            seed = %seed.path().display(),
            created = applied.created,
            existed = applied.existed,
            "seed applied"
        );
    }
    let created_key = if cfg.mode == Mode::Serve {
        keys::bootstrap(&service, &cfg, clock.now_ms())
            .await
            .map_err(|e| StartError(format!("cannot create the first access key: {e}")))?
    } else {
        None
    };
    let purge_parts = (service.store().clone(), cfg.retention, clock.clone());
    let purge = crate::purge::run(service.store().clone(), cfg.retention, clock.clone());
    let mut shared = crate::state::Shared::new(service, &cfg, clock);
    shared.recent_triggers = recent_triggers;
    shared.seed = seed;
    shared.host_names = Arc::new(crate::state::HostNames {
        own_host: crate::state::host_of(&public_url),
        ..(*shared.host_names).clone()
    });
    shared.public_url = public_url.as_str().into();
    let state = AppState::from(shared);
    // Hosted login by `Host` rewrites the path, so it wraps the router
    // (middleware inside it would run after routing).
    let app =
        crate::web::hosted::routing::RouteByHost::new(state.clone(), routes.with_state(state));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let signal = async move {
            tokio::select! {
                _ = shutdown => {}
                _ = stop_rx => {}
            }
        };
        let serve = axum::serve(
            listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                std::net::SocketAddr,
            >(app),
        )
        .with_graceful_shutdown(signal);
        // The purge runs as long as the server does.
        let served = tokio::select! {
            served = serve => served,
            () = purge => Ok(()),
        };
        if let Err(e) = served {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    Ok(Running {
        addr,
        created_key,
        stop: Some(stop_tx),
        task,
        purge: purge_parts,
    })
}
