//! HTTP: axum only. Extractors (which reject into the envelope), auth, one
//! handler per endpoint (with its `/// METHOD /path` line), mapping to the
//! wire types of `sixin_api`, and the envelope. Handlers are thin: extract,
//! parse into domain types, call a service, wrap the answer.

mod accounts;
mod admin;
pub mod assets;
pub mod auth;
pub mod error;
pub mod extract;
mod messages;
mod relations;
pub mod state;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sixin_api::Code;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use error::error_response;
pub use state::AppState;

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
