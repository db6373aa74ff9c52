//! sixin: a self-hosted server wire-compatible with Bilibili's private
//! messages, customer-service messages and user relations.
//!
//! Layers, as folders (see `ARCHITECTURE.md`): [`http`] (axum) calls
//! [`service`] (use cases), which runs the pure rules of [`domain`] and
//! talks to [`store`] traits, implemented by `store::sqlite` and
//! `store::postgres`. Services announce what happened on the [`events`]
//! bus ([`cluster`] carries it to other nodes; [`push`] delivers it to
//! connected clients). Everything may use
//! `domain`; nothing imports `http`.
//!
//! [`open`] builds the state from a [`Config`]; [`run`] serves it on a
//! listener until a shutdown future resolves, so tests can bind port 0.

pub mod backup;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod datadir;
pub mod domain;
pub mod error;
pub mod events;
pub mod http;
pub mod metrics;
pub mod push;
pub mod secrets;
pub mod serve;
pub mod service;
pub mod store;

/// Parsers of untrusted input that are not public otherwise, for the fuzz
/// targets in `fuzz/` (not a stable API).
#[doc(hidden)]
pub mod fuzzing {
    use std::path::Path;

    use crate::domain::Refusal;

    /// The image check of `upload_bfs` (format, pixel cap, every frame
    /// decoded, nothing after the end) on the file at `path`.
    pub fn check_image(path: &Path, max_pixels: u64) -> Result<(), Refusal> {
        crate::service::messages::check_image_file(path, max_pixels)
    }
}

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::Config;
pub use http::{app, AppState};

use crate::clock::{Clock, SystemClock};
use crate::cluster::Cluster;
use crate::datadir::{DataDir, DataDirError};
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::secrets::Secrets;
use crate::service::accounts::{Caching, REMOTE_TRUST};
use crate::service::{Services, Setup};
use crate::store::files::ObjectFiles;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error("{0}")]
    Files(std::io::Error),
    #[error(
        "listening on {listen} (every interface) needs --public-url: the base URL clients use to reach this server (e.g. https://chat.example.com), which goes into every link it hands out"
    )]
    PublicUrlRequired { listen: SocketAddr },
    #[error("the database {place} cannot be used")]
    Store {
        place: String,
        #[source]
        source: store::StoreError,
    },
    #[error("the database {place} does not take writes; {hint}")]
    NotWritable {
        place: String,
        hint: &'static str,
        #[source]
        source: store::StoreError,
    },
    #[error("joining the other nodes")]
    Cluster(#[from] cluster::ClusterError),
}

/// Opens the data directory (creating it, its secrets and its database as
/// needed) and builds the state for a server reachable at `bound`.
pub async fn open(config: Config, bound: SocketAddr) -> Result<AppState, StartError> {
    open_with_clock(config, bound, Arc::new(SystemClock)).await
}

/// [`open`] with another clock (tests move time with `clock::ManualClock`).
///
/// Refuses to start, saying why, when another server holds the data
/// directory, when the database does not take writes, or when listening on
/// a wildcard address without `--public-url`.
pub async fn open_with_clock(
    config: Config,
    bound: SocketAddr,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StartError> {
    if bound.ip().is_unspecified() {
        if config.public_url.is_none() {
            return Err(StartError::PublicUrlRequired { listen: bound });
        }
        tracing::warn!(
            listen = %bound,
            "listening on every interface: anyone who can reach this machine can reach sixin directly; put it behind a TLS proxy or a firewall"
        );
    }
    // SQLite has one writer: one server per directory. PostgreSQL nodes
    // may share theirs.
    let data_dir = match config.database_url {
        Some(_) => DataDir::shared(&config.data_dir)?,
        None => DataDir::lock(&config.data_dir)?,
    };
    let dir = data_dir.path();
    let configured = Secrets::configured_token(&config).map_err(StartError::Files)?;
    let secrets = Secrets::load_or_create(dir, configured.as_deref()).map_err(|e| {
        StartError::Files(std::io::Error::new(
            e.kind(),
            format!("secrets in {}: {e}", dir.display()),
        ))
    })?;
    let metrics = Arc::new(Metrics::new());
    let path = dir.display().to_string();
    let (place, hint) = match config.database_url {
        Some(_) => (
            "at --database-url".to_owned(),
            "check that its user may write and the server is not a read-only replica",
        ),
        None => (
            format!("in {path}"),
            "check that the file and its directory are writable by this user and the disk is not full or mounted read-only",
        ),
    };
    let store = store::open(
        store::Backend {
            data_dir: dir,
            readers: config.readers,
            database_url: config.database_url.as_deref(),
            connections: config.database_connections,
        },
        metrics.writer.clone(),
    )
    .await
    .map_err(|source| StartError::Store {
        place: place.clone(),
        source,
    })?;
    // A write before anyone is answered: a database that does not take
    // writes is found at start, not at the first user's write.
    store
        .probe_write()
        .await
        .map_err(|source| StartError::NotWritable {
            place: place.clone(),
            hint,
            source,
        })?;
    let files = ObjectFiles::open(&config.storage, dir).map_err(|source| StartError::Store {
        place: format!("in {path}"),
        source,
    })?;
    for private in ["uploads", "uploads/staging", "staging"] {
        datadir::make_private_if_present(&dir.join(private), true).map_err(StartError::Files)?;
    }
    let public_url: Arc<str> = config.public_url(bound).into();
    let events = Arc::new(EventBus::default());
    let cluster = match &config.nats_url {
        Some(url) => Some(
            Cluster::join(
                url,
                &config.nats_subject_prefix,
                config.resume_log.limits(),
                events.clone(),
            )
            .await?,
        ),
        None => None,
    };
    // See `service::accounts::Caching`: exact when this process owns the
    // database; bounded when other nodes share it and say what they end.
    let login_caching = match (&config.database_url, &cluster) {
        (None, _) => Caching::Exact,
        (Some(_), Some(_)) => Caching::Bounded(REMOTE_TRUST),
        (Some(_), None) => Caching::Off,
    };
    let services = Services::new(Setup {
        store,
        events,
        cluster,
        files: Arc::new(files),
        clock,
        server_key: secrets.server_key,
        session_ttl_secs: config.session_ttl().as_secs() as i64,
        max_pending_qr_logins: config.max_pending_qr_logins,
        relation_limits: config.relation_limits(),
        message_limits: config.message_limits(),
        customer_limits: config.customer_limits(),
        push_limits: config.push_limits(),
        public_url: public_url.clone(),
        guard_limits: config.guard.limits(),
        hash_threads: config.guard.hash_threads,
        login_caching,
    });
    Ok(AppState {
        services: Arc::new(services),
        config: Arc::new(config),
        secrets: Arc::new(secrets),
        public_url,
        metrics,
        data_dir: Arc::new(data_dir),
    })
}

/// Serves `state` on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish (for at most the shutdown grace period) and
/// closes the store (every acknowledged write is already on disk; closing
/// folds the WAL back into the database). Connections are limited and
/// timed as `state.config.connections` says (see [`serve`]).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let services = state.services.clone();
    let limits = state.config.connections.clone();
    let metrics = state.metrics.clone();
    // Upgraded connections (realtime push) outlive the HTTP server's
    // graceful shutdown: the hub tells them to close.
    let push = services.push.clone();
    let shutdown = async move {
        shutdown.await;
        push.close();
    };
    serve::serve(listener, app(state), limits, metrics, shutdown).await;
    services.flush_events().await;
    tokio::task::spawn_blocking(move || services.close())
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
