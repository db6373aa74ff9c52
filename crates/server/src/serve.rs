//! Accepting connections and keeping them honest.
//!
//! - At most `--max-connections` are served at once. At the cap, a new
//!   connection takes the place of the one that has waited longest for
//!   nothing (idle, or still sending headers), which is closed; only when
//!   every connection is busy with a request is the new one answered `503`
//!   with the envelope `-799` and closed. While a few new connections wait
//!   for room, accepting pauses (the kernel's backlog holds the next). So a
//!   flood of idle or half-open sockets can neither exhaust the file
//!   descriptors nor keep a well-behaved client out.
//! - HTTP/1.1 (hyper) with three timeouts watched per connection
//!   ([`conn`]): a connection silent for the idle timeout (before its first
//!   request or between two) is closed; so is one whose request headers,
//!   from their first byte, take longer than the header timeout; and a
//!   request body or an answer that makes no progress for the body timeout
//!   ends the connection (`tower_http`'s body timeout for requests).
//! - Shutdown stops accepting, closes idle connections and those still
//!   sending headers, lets requests in flight finish for the grace period,
//!   then closes whatever is left.
//!
//! HTTP/2 is left to a reverse proxy in front (see `docs/operations.md`).

mod conn;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::Router;
use hyper_util::rt::TokioIo;
use sixin_api::{Code, Envelope};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use crate::config::ConnectionLimits;
use crate::metrics::Metrics;

/// New connections past the cap waiting for room at once; accepting pauses
/// while this many wait.
const OVER_CAP_AT_ONCE: usize = 64;

/// How long a new connection waits for an evicted one to make room.
const EVICTION_WAIT: Duration = Duration::from_secs(1);

/// How long one connection asked to close is waited for before another is.
const EVICTION_ROUND: Duration = Duration::from_millis(100);

/// How long a refused connection may take to send its request.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(2);

/// Serves `router` on `listener` until `shutdown` resolves, then shuts
/// down gracefully (see the module documentation).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let limits = Arc::new(limits);
    let permits = Arc::new(Semaphore::new(limits.max_connections as usize));
    let over_cap = Arc::new(Semaphore::new(OVER_CAP_AT_ONCE));
    let registry = Arc::new(conn::Registry::default());
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // Out of file descriptors, or a connection that
                        // failed before it was accepted: wait a little
                        // rather than spin.
                        tracing::warn!(%err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let connection = conn::Connection {
                    router: router.clone(),
                    limits: limits.clone(),
                    metrics: metrics.clone(),
                    remote,
                };
                match permits.clone().try_acquire_owned() {
                    Ok(permit) => {
                        let slot = registry.add(permit);
                        tasks.spawn(connection.serve(stream, stopping.clone(), slot));
                    }
                    Err(_) => {
                        // At the cap: a connection waiting for nothing is
                        // asked to make room, and the new one waits for its
                        // slot (off this loop), or is refused when every
                        // connection is busy. A few wait at a time; while
                        // they do, accepting pauses (the kernel's backlog
                        // holds the next ones).
                        let Ok(turn) = over_cap.clone().acquire_owned().await else {
                            continue;
                        };
                        let (permits, metrics, registry) =
                            (permits.clone(), metrics.clone(), registry.clone());
                        let mut stopping = stopping.clone();
                        tasks.spawn(async move {
                            let waited = tokio::select! {
                                permit = make_room(&registry, permits) => permit,
                                _ = stopping.changed() => return,
                            };
                            drop(turn);
                            match waited {
                                Some(permit) => {
                                    let slot = registry.add(permit);
                                    connection.serve(stream, stopping, slot).await
                                }
                                None => {
                                    metrics.connections_refused.inc();
                                    tokio::select! {
                                        () = refuse(stream, remote) => {}
                                        _ = stopping.changed() => {}
                                    }
                                }
                            }
                        });
                    }
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let open = tasks.len();
    if open > 0 {
        tracing::info!(connections = open, grace = ?limits.shutdown_grace_secs, "waiting for requests in flight");
    }
    let drained = tokio::time::timeout(limits.shutdown_grace_secs, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = tasks.len(),
            "the shutdown grace period is over: closing the connections still open"
        );
        tasks.shutdown().await;
    }
}

/// A slot for a connection over the cap: connections waiting for nothing
/// are asked to close, one at a time, until a slot is free (another new
/// connection may take the slot one of them frees); none when every
/// connection is busy, or after [`EVICTION_WAIT`].
async fn make_room(
    registry: &conn::Registry,
    permits: Arc<Semaphore>,
) -> Option<OwnedSemaphorePermit> {
    let deadline = tokio::time::Instant::now() + EVICTION_WAIT;
    while registry.evict_one() {
        let round = (tokio::time::Instant::now() + EVICTION_ROUND).min(deadline);
        if let Ok(Ok(permit)) =
            tokio::time::timeout_at(round, permits.clone().acquire_owned()).await
        {
            return Some(permit);
        }
        if round >= deadline {
            break;
        }
    }
    None
}

/// Answers a connection over the cap with `503`, `Retry-After` and the
/// envelope `-799`, then closes it.
async fn refuse(stream: TcpStream, remote: SocketAddr) {
    tracing::debug!(%remote, "too many connections: refusing one");
    let service =
        hyper::service::service_fn(|_request| async { Ok::<_, Infallible>(overloaded()) });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT, connection).await;
}

/// The answer to a connection over the cap.
fn overloaded() -> Response<Body> {
    let body = serde_json::to_vec(&Envelope::<()>::error(Code::TooFrequent))
        .expect("the envelope serialises");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
