//! One connection: hyper's HTTP/1.1 on a socket whose reads and writes are
//! watched, so that the connection's task can tell an idle connection from
//! one sending headers, one busy with a request, and one whose answer the
//! client stopped reading, and close it when that phase lasts too long.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify, OwnedSemaphorePermit};
use tokio::time::Instant;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeout;

use crate::config::ConnectionLimits;
use crate::metrics::Metrics;

/// What a connection needs besides its socket.
pub(super) struct Connection {
    pub router: Router,
    pub limits: Arc<ConnectionLimits>,
    pub metrics: Arc<Metrics>,
    pub remote: SocketAddr,
}

/// The open connections, so that one waiting for nothing can make room
/// for a new one when the cap is reached.
#[derive(Default)]
pub(super) struct Registry {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
}

/// A connection's place among the open ones: registered with its
/// activity and holding its permit until dropped.
pub(super) struct Slot {
    activity: Arc<Activity>,
    registry: Arc<Registry>,
    id: u64,
    permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        // The slot is free before the connection stops being a candidate
        // to make room, never the other way round.
        drop(self.permit.take());
        self.registry
            .open
            .lock()
            .expect("registry")
            .remove(&self.id);
    }
}

impl Registry {
    /// Registers a new connection holding `permit`. Called where the
    /// connection is accepted (not in its task), so that a connection is a
    /// candidate to make room from the moment it takes a permit: a new
    /// connection over the cap never finds a permit taken by one it cannot
    /// see yet.
    pub fn add(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Slot {
        let activity = Arc::new(Activity::new());
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open
            .lock()
            .expect("registry")
            .insert(id, activity.clone());
        Slot {
            activity,
            registry: self.clone(),
            id,
            permit: Some(permit),
        }
    }

    /// Asks the connection that has waited longest for nothing (idle, or
    /// still sending its request's headers) to close; false when every
    /// connection is busy with a request.
    pub fn evict_one(&self) -> bool {
        let open = self.open.lock().expect("registry");
        let victim = open
            .values()
            .filter(|a| !a.is_busy() && !a.evicted.load(Ordering::SeqCst))
            .min_by_key(|a| a.waiting_since());
        match victim {
            Some(activity) => {
                activity.evicted.store(true, Ordering::SeqCst);
                activity.changed.notify_one();
                true
            }
            None => false,
        }
    }
}

impl Connection {
    /// Serves the connection until the client closes it, a timeout closes
    /// it, or shutdown does (`stopping` turning true).
    pub async fn serve(self, stream: TcpStream, mut stopping: watch::Receiver<bool>, slot: Slot) {
        let metrics = self.metrics.clone();
        metrics.connections_open.inc();
        let _open = on_drop(move || metrics.connections_open.dec());

        let activity = slot.activity.clone();
        let _slot = slot;
        let io = TokioIo::new(Watched {
            inner: stream,
            activity: activity.clone(),
        });
        let service = {
            let activity = activity.clone();
            let remote = self.remote;
            let routes = RequestBodyTimeout::new(self.router, self.limits.body_timeout_secs);
            hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                // Busy from now until the answer's body is dropped (sent,
                // or abandoned with the connection).
                let busy = activity.begin();
                let answer = routes.clone().oneshot(request);
                async move {
                    let response: Response<Body> = match answer.await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    Ok::<_, Infallible>(response.map(|body| {
                        Body::new(body.map_frame(move |frame| {
                            let _busy = &busy;
                            frame
                        }))
                    }))
                }
            })
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(io, service)
            .with_upgrades();
        tokio::pin!(connection);

        let limits = &self.limits;
        let mut shutting_down = false;
        loop {
            let deadline = activity.deadline(limits);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(remote = %self.remote, %err, "connection ended");
                    }
                    return;
                }
                () = activity.changed.notified() => {
                    if activity.evicted.load(Ordering::SeqCst) && !activity.is_busy() {
                        tracing::debug!(remote = %self.remote, "closing a waiting connection to make room");
                        self.metrics.connections_evicted.inc();
                        return;
                    }
                }
                () = sleep_until(deadline) => {
                    // The deadline may have moved since it was computed.
                    let now = Instant::now();
                    let current = activity.deadline(limits);
                    if let Some((phase, _)) = current.filter(|(_, at)| *at <= now) {
                        tracing::debug!(remote = %self.remote, phase, "connection timed out");
                        self.metrics
                            .connections_timed_out
                            .with_label_values(&[phase])
                            .inc();
                        return;
                    }
                }
                _ = stopping.changed(), if !shutting_down => {
                    shutting_down = true;
                    if !activity.is_busy() {
                        // Idle or still sending headers: nothing was
                        // accepted from this connection, close it now.
                        return;
                    }
                    // Let the request in flight finish, then close.
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<(&'static str, Instant)>) {
    match deadline {
        Some((_, at)) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Runs `f` when dropped.
fn on_drop(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// What a connection is doing, as its socket and its requests tell.
/// Times are milliseconds since `epoch`; 0 means "not now".
pub(super) struct Activity {
    epoch: Instant,
    /// Requests whose answers are not yet sent.
    busy: AtomicUsize,
    /// Since when nothing was asked (opened, or the last answer sent).
    idle_since: AtomicU64,
    /// When the first byte of the next request arrived while idle.
    head_since: AtomicU64,
    /// Since when a write has been waiting for the client to read.
    write_blocked_since: AtomicU64,
    /// Asked to close to make room for a new connection.
    evicted: AtomicBool,
    /// Wakes the connection's task when a deadline may have moved closer
    /// or it is asked to close.
    changed: Notify,
}

/// Marks a connection busy while alive.
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        let activity = &self.0;
        if activity.busy.fetch_sub(1, Ordering::SeqCst) == 1 {
            activity.head_since.store(0, Ordering::SeqCst);
            activity.idle_since.store(activity.now(), Ordering::SeqCst);
            activity.changed.notify_one();
        }
    }
}

impl Activity {
    fn new() -> Activity {
        Activity {
            epoch: Instant::now(),
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            write_blocked_since: AtomicU64::new(0),
            evicted: AtomicBool::new(false),
            changed: Notify::new(),
        }
    }

    /// Milliseconds since `epoch`, at least 1 (0 means "not now").
    fn now(&self) -> u64 {
        (self.epoch.elapsed().as_millis() as u64).max(1)
    }

    fn at(&self, millis: u64) -> Instant {
        self.epoch + std::time::Duration::from_millis(millis)
    }

    fn begin(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::SeqCst);
        // Serving a request again: no longer the one to make room.
        self.evicted.store(false, Ordering::SeqCst);
        Busy(self.clone())
    }

    fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst) > 0
    }

    /// Since when the connection has been waiting for nothing: since it
    /// opened or its last exchange ended, whether or not it has started
    /// sending the next request's headers since. (Counting from the
    /// headers' first byte would let a client that idles and then sends
    /// one byte look newer than well-behaved idle clients, and have them
    /// closed in its place.)
    fn waiting_since(&self) -> Instant {
        self.at(self.idle_since.load(Ordering::SeqCst))
    }

    fn read_some(&self) {
        if !self.is_busy()
            && self
                .head_since
                .compare_exchange(0, self.now(), Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            self.changed.notify_one();
        }
    }

    fn write_blocked(&self) {
        if self
            .write_blocked_since
            .compare_exchange(0, self.now(), Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.changed.notify_one();
        }
    }

    fn wrote(&self) {
        self.write_blocked_since.store(0, Ordering::SeqCst);
    }

    /// The phase the connection is in and when it must have left it; none
    /// while a request is being handled (its body has its own timeout).
    fn deadline(&self, limits: &ConnectionLimits) -> Option<(&'static str, Instant)> {
        let blocked = self.write_blocked_since.load(Ordering::SeqCst);
        if blocked != 0 {
            return Some(("body", self.at(blocked) + limits.body_timeout_secs));
        }
        if self.is_busy() {
            return None;
        }
        let head = self.head_since.load(Ordering::SeqCst);
        if head != 0 {
            return Some(("header", self.at(head) + limits.header_timeout_secs));
        }
        let idle = self.idle_since.load(Ordering::SeqCst);
        Some(("idle", self.at(idle) + limits.idle_timeout_secs))
    }
}

/// A socket that reports its reads and stalled writes to its [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl Watched {
    fn track_write<T>(&self, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match &poll {
            Poll::Pending => self.activity.write_blocked(),
            Poll::Ready(_) => self.activity.wrote(),
        }
        poll
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read_some();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.track_write(poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.track_write(poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.track_write(poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
