//! One log line and one set of metrics per request.
//!
//! The line (target `sixin::request`, level info) carries the method, the
//! matched route (the path template, never the query string, which may
//! hold a csrf token), the HTTP status, the envelope's code (the error
//! layer leaves it on the response), the caller's mid when a session was
//! presented, and the latency. Cookies, tokens and parameters are never
//! logged. Probes of `/health` and `/metrics` are logged at debug level
//! only. The same request counts in `sixin_http_requests_total` and
//! `sixin_http_request_duration_seconds`.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::error::api_code;
use crate::domain::Mid;
use crate::metrics::Metrics;

/// Who the caller turned out to be; the auth extractor fills it in.
#[derive(Clone, Default)]
pub struct Caller(Arc<OnceLock<Mid>>);

impl Caller {
    /// Records the caller's mid (the first one recorded wins).
    pub fn set(&self, mid: Mid) {
        let _ = self.0.set(mid);
    }
}

/// Routes polled by probes and scrapers, logged at debug level only (they
/// are still counted).
const PROBES: &[&str] = &["/health", "/metrics"];

/// The route label of requests no route matched (their paths are not
/// labels: anyone could make up any number of them).
const UNMATCHED: &str = "unmatched";

/// Logs and measures the request; for `axum::middleware::from_fn_with_state`.
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let caller = Caller::default();
    request.extensions_mut().insert(caller.clone());
    let unmatched_path = route.is_none().then(|| request.uri().path().to_owned());

    let response = next.run(request).await;

    let elapsed = started.elapsed();
    let code = api_code(&response);
    let code_label = code.map_or_else(|| "none".to_owned(), |c| c.to_string());
    let route_label = route.as_deref().unwrap_or(UNMATCHED);
    metrics
        .requests
        .with_label_values(&[method.as_str(), route_label, &code_label])
        .inc();
    metrics
        .request_seconds
        .with_label_values(&[method.as_str(), route_label])
        .observe(elapsed.as_secs_f64());
    let mid = caller.0.get().map(|mid| mid.get());
    let latency_ms = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let status = response.status().as_u16();
    macro_rules! line {
        ($level:ident) => {
            tracing::$level!(
                target: "sixin::request",
                method = %method,
                route = route_label,
                path = unmatched_path.as_deref(),
                status,
                code,
                mid,
                latency_ms,
                "request"
            )
        };
    }
    if PROBES.contains(&route_label) {
        line!(debug);
    } else {
        line!(info);
    }
    response
}
