//! sixin: a self-hosted server wire-compatible with Bilibili's private
//! messages, customer-service messages and user relations.
//!
//! Layers, as folders (see `ARCHITECTURE.md`): [`http`] (axum) calls
//! [`service`] (use cases), which runs the pure rules of [`domain`] and
//! talks to [`store`] traits, implemented by `store::sqlite`. Services
//! announce what happened on the [`events`] bus. Everything may use
//! `domain`; nothing imports `http`.
//!
//! [`open`] builds the state from a [`Config`]; [`run`] serves it on a
//! listener until a shutdown future resolves, so tests can bind port 0.

pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod http;
pub mod secrets;
pub mod service;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::Config;
pub use http::{app, AppState};

use crate::clock::{Clock, SystemClock};
use crate::secrets::Secrets;
use crate::service::{Services, Setup};
use crate::store::files::LocalFiles;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database")]
    Store(#[from] store::StoreError),
}

/// Opens the data directory (creating it, its secrets and its database as
/// needed) and builds the state for a server reachable at `bound`.
pub fn open(config: Config, bound: SocketAddr) -> Result<AppState, StartError> {
    open_with_clock(config, bound, Arc::new(SystemClock))
}

/// [`open`] with another clock (tests move time with `clock::ManualClock`).
pub fn open_with_clock(
    config: Config,
    bound: SocketAddr,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StartError> {
    let dir = &config.data_dir;
    let dir_err = |source| StartError::DataDir {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(dir_err)?;
    let secrets = Secrets::load_or_create(dir, config.admin_token.as_deref()).map_err(dir_err)?;
    let store = store::open(dir, config.readers)?;
    let public_url: Arc<str> = config.public_url(bound).into();
    let services = Services::new(Setup {
        store,
        files: Arc::new(LocalFiles::new(dir.join("uploads"))),
        clock,
        server_key: secrets.server_key,
        session_ttl_secs: config.session_ttl().as_secs() as i64,
        relation_limits: config.relation_limits(),
        message_limits: config.message_limits(),
        public_url: public_url.clone(),
    });
    Ok(AppState {
        services: Arc::new(services),
        config: Arc::new(config),
        secrets: Arc::new(secrets),
        public_url,
    })
}

/// Serves `state` on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish and closes the store (every acknowledged write
/// is already on disk; closing folds the WAL back into the database).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let services = state.services.clone();
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    tokio::task::spawn_blocking(move || services.close())
        .await
        .map_err(std::io::Error::other)?;
    result
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
