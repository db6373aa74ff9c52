//! Password login under abuse, on a real `sixin serve` process: 48
//! concurrent wrong logins must not grow the server's memory by more than
//! the hashing pool's working memory (before the pool, they added ~900 MB),
//! and a run of wrong passwords shuts the account (-625) so that the right
//! one no longer gets in at once.

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use support::{admin_post, runtime, Server};

const MIB: u64 = 1024 * 1024;

/// The resident set of process `pid`, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// `n` password logins at once; their envelope codes.
async fn logins(base: &str, n: usize, password: impl Fn(usize) -> String) -> Vec<i64> {
    let client = reqwest::Client::new();
    let calls = (0..n).map(|i| {
        let request = client
            .post(format!("{base}/x/passport-login/web/login"))
            .form(&[("username", "alice".to_owned()), ("password", password(i))]);
        async move {
            let answer: Value = request.send().await.unwrap().json().await.unwrap();
            answer["code"].as_i64().unwrap()
        }
    });
    all_at_once(calls).await
}

/// Runs every call concurrently; their codes in order.
async fn all_at_once<F: std::future::Future<Output = i64> + Send + 'static>(
    calls: impl Iterator<Item = F>,
) -> Vec<i64> {
    let handles: Vec<_> = calls.map(tokio::spawn).collect();
    let mut codes = Vec::new();
    for handle in handles {
        codes.push(handle.await.unwrap());
    }
    codes
}

fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn concurrent_wrong_logins_stay_within_the_hashing_pool() {
    let dir = tempfile::tempdir().unwrap();
    // Throttles out of the way: this measures the hashing alone.
    let server = Server::start_with(
        dir.path(),
        &[
            "--login-failures",
            "1000",
            "--login-failures-per-address",
            "1000",
            "--hash-threads",
            "2",
        ],
    );
    let pid = server.child.id();
    let created = admin_post(
        &server.base,
        "/admin/v1/users",
        json!({"uname": "alice", "password": "correct horse"}),
    );
    assert_eq!(created["code"], 0, "{created}");
    let rt = multi_thread_runtime();
    // Warm up both hashing threads.
    let warm = rt.block_on(logins(&server.base, 2, |i| format!("warm-{i}")));
    assert_eq!(warm, [-629, -629]);
    let baseline = rss(pid);

    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let codes = rt.block_on(logins(&server.base, 48, |i| format!("wrong-{i}")));
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let peak = peak.load(Ordering::Relaxed);
    eprintln!(
        "48 concurrent wrong logins: codes {codes:?}; server RSS baseline {:.1} MiB, peak {:.1} MiB (+{:.1})",
        baseline as f64 / MIB as f64,
        peak as f64 / MIB as f64,
        peak.saturating_sub(baseline) as f64 / MIB as f64,
    );
    // Each is refused as a wrong password, or (queue full) as too frequent.
    assert!(codes.iter().all(|c| *c == -629 || *c == -799), "{codes:?}");
    assert!(codes.iter().filter(|c| **c == -629).count() >= 34);
    assert!(
        peak < baseline + 32 * MIB,
        "RSS grew by {:.1} MiB",
        peak.saturating_sub(baseline) as f64 / MIB as f64
    );
    // The server still answers a well-behaved client.
    let right = rt.block_on(logins(&server.base, 1, |_| "correct horse".into()));
    assert_eq!(right, [0]);
}

#[test]
fn a_run_of_wrong_passwords_shuts_the_account() {
    let dir = tempfile::tempdir().unwrap();
    // A first delay no loaded machine outruns between two requests (with
    // the default 1 s, a slow hash plus a round trip could let it pass):
    // the test does not race the clock.
    let server = Server::start_with(dir.path(), &["--login-delay-secs", "600"]);
    let created = admin_post(
        &server.base,
        "/admin/v1/users",
        json!({"uname": "alice", "password": "correct horse"}),
    );
    assert_eq!(created["code"], 0, "{created}");
    let rt = runtime();
    let mut codes = Vec::new();
    for i in 0..30 {
        codes.extend(rt.block_on(logins(&server.base, 1, |_| format!("wrong-{i}"))));
    }
    // Five free failures, a sixth that shuts the account, then -625 for
    // every further attempt while the delay runs.
    assert_eq!(codes[..6], [-629; 6], "{codes:?}");
    assert!(codes[6..].iter().all(|c| *c == -625), "{codes:?}");
    let right = rt.block_on(logins(&server.base, 1, |_| "correct horse".into()));
    assert_eq!(right, [-625], "the right password waits out the delay too");
}
