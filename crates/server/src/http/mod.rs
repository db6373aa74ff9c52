//! HTTP: axum only. Extractors (which reject into the envelope), auth, one
//! handler per endpoint (with its `/// METHOD /path` line), mapping to the
//! wire types of `sixin_api`, and the envelope. Handlers are thin: extract,
//! parse into domain types, call a service, wrap the answer.

mod accounts;
mod admin;
pub mod assets;
pub mod auth;
pub mod client;
mod conversations;
mod custom;
mod directory;
pub mod error;
pub mod extract;
mod messages;
pub mod multipart;
pub mod observe;
pub mod openapi;
mod ops;
pub mod push;
mod qrlogin;
mod relations;
mod reply;
pub mod routes;
mod sessions;
mod startup;
pub mod state;
mod web;

use std::sync::Arc;

use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sixin_api::Code;
use tower_http::catch_panic::CatchPanicLayer;

use error::{error_response, Shape};
use routes::{Doc, Routes};
pub use state::AppState;
use utoipa::openapi::schema::Type;

/// Every endpoint, routed and documented: each API family, and the
/// document describing them all at `/openapi.json`.
pub fn routes() -> (Router<AppState>, Vec<routes::Endpoint>) {
    let (router, mut endpoints) = Routes::new(Shape::Plain)
        .merge(accounts::router())
        .merge(qrlogin::router())
        .merge(startup::router())
        .merge(admin::router())
        .merge(sessions::router())
        .merge(relations::router())
        .merge(messages::router())
        .merge(custom::router())
        .merge(assets::router())
        .merge(ops::router())
        .merge(push::router())
        .merge(directory::router())
        .merge(conversations::router())
        .merge(web::router())
        .into_parts();
    let reference = Doc::new("This API reference (OpenAPI 3.1)")
        .own_json_schema(routes::schema(Type::Object, "An OpenAPI 3.1 document"));
    endpoints.push(routes::Endpoint {
        path: "/openapi.json".into(),
        method: Method::GET,
        shape: Shape::Plain,
        doc: reference,
    });
    let document = Arc::new(
        serde_json::to_vec(&openapi::document(&endpoints)).expect("the document serialises"),
    );
    let router = router.route(
        "/openapi.json",
        axum::routing::get(move || async move {
            (
                [(header::CONTENT_TYPE, "application/json")],
                document.as_ref().clone(),
            )
        }),
    );
    (router, endpoints)
}

/// The whole HTTP surface: every API family on one router, routed by path,
/// each request logged and measured ([`observe`]).
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    routes()
        .0
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            error_response(Code::ServerError)
        }))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            observe::observe,
        ))
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
