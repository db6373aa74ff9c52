//! The ceiling: a hello-world server on sixin's own HTTP stack (the same
//! accept loop, connection watching and hyper/axum layers as `sixin serve`,
//! through `sixin_server::serve::serve`), answering every `GET` or `POST /`
//! with a small success envelope and touching nothing else. Run as its own
//! process (`sixin bench-ceiling`), so that the bench measures it exactly
//! as it measures the server: what is left between the two is sixin's work.

use std::sync::Arc;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use sixin_server::config::{ConnectionLimits, Listen};

/// The answer to every request: an envelope as small as sixin's smallest.
const HELLO: &str = r#"{"code":0,"message":"0","ttl":1}"#;

async fn hello() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    ([(CONTENT_TYPE, "application/json; charset=utf-8")], HELLO)
}

/// Serves the hello-world answer on `listen` until SIGINT or SIGTERM.
pub async fn serve(listen: Listen) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind((listen.host.as_str(), listen.port))
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let router = Router::new().route("/", get(hello).post(hello));
    let limits = ConnectionLimits {
        max_connections: 100_000,
        ..ConnectionLimits::default()
    };
    let metrics = Arc::new(sixin_server::metrics::Metrics::new());
    sixin_server::serve::serve(
        listener,
        router,
        limits,
        metrics,
        sixin_server::shutdown_signal(),
    )
    .await;
    Ok(())
}
