//! sixin: a self-hosted server wire-compatible with Bilibili's private
//! messages, customer-service messages and user relations.
//!
//! Layout:
//! - [`config`]: the clap `Config` of `sixin serve`;
//! - [`error`]: `ApiError`, the single error type, and the envelope shapes;
//! - [`extract`], [`auth`]: request extractors (query, form, cookie session,
//!   csrf, admin token), all rejecting with envelope errors;
//! - [`domain`]: validated domain types (`Mid`, `Uname`, `Profile`);
//! - one module per API family, each with `router()`: [`accounts`] (nav,
//!   myinfo, login), [`admin`] (`/admin/v1`), [`assets`] (hosted images);
//! - [`store`]: the storage traits and the SQLite backend.
//!
//! [`app`] builds the router from an [`AppState`]; [`run`] serves it on a
//! listener until a shutdown future resolves, so tests can bind port 0.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod extract;
pub mod messages;
pub mod passwords;
pub mod relations;
pub mod state;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sixin_api::Code;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use state::AppState;

use crate::error::error_response;
use crate::state::Secrets;
use crate::store::sqlite::Sqlite;

/// The whole HTTP surface: every API family on one router, routed by path.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(accounts::router())
        .merge(admin::router())
        .merge(relations::router())
        .merge(messages::router())
        .merge(assets::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            error_response(Code::ServerError)
        }))
        .layer(TraceLayer::new_for_http())
}

/// -404 in the envelope for unknown paths.
async fn not_found(method: Method, uri: Uri) -> Response {
    tracing::debug!(%method, %uri, "no such route");
    error_response(Code::NotFound)
}

/// -405 in the envelope for a known path with another method.
async fn method_not_allowed() -> Response {
    let mut response = error_response(Code::MethodNotAllowed);
    *response.status_mut() = StatusCode::OK;
    response.into_response()
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Store(#[from] store::StoreError),
}

/// Opens the data directory (creating it, its secrets and its database as
/// needed) and builds the state for a server reachable at `bound`.
pub fn open(config: Config, bound: SocketAddr) -> Result<AppState, StartError> {
    let dir = &config.data_dir;
    let dir_err = |source| StartError::DataDir {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(dir_err)?;
    let secrets = Secrets::load_or_create(dir, config.admin_token.as_deref()).map_err(dir_err)?;
    let store = Sqlite::open(&Sqlite::path_in(dir), config.readers)?;
    let public_url: Arc<str> = config.public_url(bound).into();
    Ok(AppState {
        store: Arc::new(store),
        config: Arc::new(config),
        secrets: Arc::new(secrets),
        public_url,
        messages: Arc::new(messages::Runtime::default()),
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
    let store = state.store.clone();
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    tokio::task::spawn_blocking(move || store.close())
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
