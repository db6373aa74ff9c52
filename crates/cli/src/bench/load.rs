//! The load generator: one task per connection, each with its own HTTP/1.1
//! keep-alive connection (hyper's client, no pool), sending requests back to
//! back until the time is up and recording every latency in an HDR
//! histogram. Requests still in flight at the deadline are waited for and
//! counted, so every acknowledged send is in the totals.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, HOST};
use hyper::{Method, Request as HttpRequest};
use hyper_util::rt::TokioIo;

/// One request of a load.
pub struct Request {
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// The `Cookie` header, if any.
    pub cookie: Option<Arc<str>>,
    /// A url-encoded form body (POST).
    pub form: Option<String>,
}

impl Request {
    pub fn get(path: String, cookie: Option<Arc<str>>) -> Request {
        Request {
            method: Method::GET,
            path,
            cookie,
            form: None,
        }
    }

    pub fn post(path: String, cookie: Option<Arc<str>>, form: String) -> Request {
        Request {
            method: Method::POST,
            path,
            cookie,
            form: Some(form),
        }
    }
}

/// Makes the `n`-th request of connection `conn`.
pub type Maker = Arc<dyn Fn(usize, u64) -> Request + Send + Sync>;

/// What a load did.
pub struct Outcome {
    /// Answers with HTTP 200 and envelope code 0.
    pub ok: u64,
    /// Everything else, by envelope code (HTTP status as `http NNN`,
    /// transport failures as `io`).
    pub errors: BTreeMap<String, u64>,
    /// Latency of every answered request, in microseconds.
    pub latency: Histogram<u64>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A fresh latency histogram (1 µs to 10 minutes, 3 significant digits).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// Runs `connections` connections for `duration` (or until `stop` is set),
/// connection `i` talking to `urls[i % urls.len()]`.
pub async fn run(
    urls: &[String],
    connections: usize,
    duration: Duration,
    make: Maker,
    stop: Option<Arc<AtomicBool>>,
) -> Outcome {
    let stop = stop.unwrap_or_default();
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for conn in 0..connections.max(1) {
        let addr = urls[conn % urls.len()]
            .trim_start_matches("http://")
            .to_owned();
        let (make, stop) = (make.clone(), stop.clone());
        tasks.spawn(connection(addr, conn, deadline, stop, make));
    }
    let mut outcome = Outcome {
        ok: 0,
        errors: BTreeMap::new(),
        latency: histogram(),
        elapsed: Duration::ZERO,
    };
    while let Some(joined) = tasks.join_next().await {
        let Ok(one) = joined else {
            *outcome.errors.entry("panic".into()).or_default() += 1;
            continue;
        };
        outcome.ok += one.ok;
        for (code, n) in one.errors {
            *outcome.errors.entry(code).or_default() += n;
        }
        let _ = outcome.latency.add(&one.latency);
    }
    outcome.elapsed = started.elapsed();
    outcome
}

struct One {
    ok: u64,
    errors: BTreeMap<String, u64>,
    latency: Histogram<u64>,
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: &str) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn connection(
    addr: String,
    conn: usize,
    deadline: Instant,
    stop: Arc<AtomicBool>,
    make: Maker,
) -> One {
    let mut one = One {
        ok: 0,
        errors: BTreeMap::new(),
        latency: histogram(),
    };
    let host = HeaderValue::from_str(&addr).expect("an address is a header value");
    let form_type = HeaderValue::from_static("application/x-www-form-urlencoded");
    let mut sender: Option<Sender> = None;
    let mut n = 0u64;
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        let current = match sender.as_mut() {
            Some(current) => current,
            None => match connect(&addr).await {
                Ok(fresh) => sender.insert(fresh),
                Err(_) => {
                    *one.errors.entry("io".into()).or_default() += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let request = make(conn, n);
        n += 1;
        let mut builder = HttpRequest::builder()
            .method(request.method)
            .uri(request.path)
            .header(HOST, host.clone());
        if let Some(cookie) = &request.cookie {
            builder = builder.header(COOKIE, cookie.as_ref());
        }
        let body = match request.form {
            Some(form) => {
                builder = builder.header(CONTENT_TYPE, form_type.clone());
                Full::new(Bytes::from(form))
            }
            None => Full::new(Bytes::new()),
        };
        let Ok(http) = builder.body(body) else {
            *one.errors.entry("bad request".into()).or_default() += 1;
            continue;
        };
        let start = Instant::now();
        let answer = match current.send_request(http).await {
            Ok(response) => {
                let status = response.status();
                match response.into_body().collect().await {
                    Ok(body) => Ok((status, body.to_bytes())),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        let micros = start.elapsed().as_micros() as u64;
        match answer {
            Ok((status, body)) => {
                let _ = one.latency.record(micros.max(1));
                match (status.as_u16(), envelope_code(&body)) {
                    (200, Some(0)) => one.ok += 1,
                    (200, Some(code)) => *one.errors.entry(code.to_string()).or_default() += 1,
                    (200, None) => *one.errors.entry("no envelope".into()).or_default() += 1,
                    (status, _) => *one.errors.entry(format!("http {status}")).or_default() += 1,
                }
            }
            Err(_) => {
                *one.errors.entry("io".into()).or_default() += 1;
                sender = None;
            }
        }
    }
    one
}

/// The envelope's `code`, read without parsing the rest of the body (the
/// generator shares the machine with the server: its own CPU counts).
pub fn envelope_code(body: &[u8]) -> Option<i64> {
    const KEY: &[u8] = b"\"code\":";
    let at = body.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &body[at..];
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'-' || *b == b' '))
        .unwrap_or(rest.len());
    std::str::from_utf8(&rest[..end]).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::envelope_code;

    #[test]
    fn reads_the_code_of_an_envelope() {
        assert_eq!(envelope_code(br#"{"code":0,"message":"0"}"#), Some(0));
        assert_eq!(envelope_code(br#"{"code":-101,"message":"x"}"#), Some(-101));
        assert_eq!(envelope_code(br#"{"code": 21047}"#), Some(21047));
        assert_eq!(envelope_code(b"<html>"), None);
    }
}
