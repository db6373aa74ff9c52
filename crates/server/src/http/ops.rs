//! Operations: `/health` for load balancers and supervisors, `/metrics` for
//! Prometheus. Both are public, as probes and scrapers carry no token; a
//! reverse proxy in front can keep them internal (`docs/operations.md`).

use crate::http::reply::Json;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sixin_api::ops::Health;

use super::error::Shape;
use super::routes::{Doc, Routes};
use super::state::AppState;
use crate::metrics::CONTENT_TYPE;
use crate::store::health::{Database, WritePath};

pub fn router() -> Routes {
    Routes::new(Shape::Plain)
        .get(
            "/health",
            get_health,
            Doc::new("Liveness and readiness")
                .describe(
                    "sixin's own. HTTP 200 when the server is ready (a probe write was \
                     committed, within 5 s), HTTP 503 when it is not; the body says what \
                     was found of the database and of what carries writes: the writer \
                     thread on SQLite (`writer`), a pooled connection on PostgreSQL \
                     (`pool`). An answer at all means the process is live.",
                )
                .own_json::<Health>(),
        )
        .get(
            "/metrics",
            get_metrics,
            Doc::new("Metrics in the Prometheus text format")
                .describe(
                    "sixin's own. Requests by method, matched route and API code, their \
                     latency, open and refused connections, the database writer's batch \
                     sizes and commit latency.",
                )
                .file("text/plain"),
        )
}

/// GET /health
async fn get_health(State(state): State<AppState>) -> Response {
    let found = state.services.readiness().await;
    let ready = found.is_ready();
    let database = match found.database {
        Database::Writable => "writable",
        Database::NotWritable => "not writable",
        Database::Unknown => "unknown",
    };
    let (backend, writer, pool) = match found.path {
        WritePath::Writer(writer) => ("sqlite", Some(writer.into()), None),
        WritePath::Pool(pool) => ("postgresql", None, Some(pool.into())),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        live: true,
        ready,
        backend: backend.into(),
        database: database.into(),
        writer,
        pool,
    };
    (status, Json(body)).into_response()
}

/// GET /metrics
async fn get_metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        state.metrics.render(),
    )
        .into_response()
}
