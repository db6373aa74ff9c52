//! Customer service on a real `sixin serve` process: the server's memory
//! while an upload streams in (its RSS from /proc: a 300 MiB upload is
//! stored and a 301 MiB one refused with 1000011, and neither makes the
//! server hold the file in memory), and the `sixin system` commands.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

const TOKEN: &str = "memory-test-token";
const MIB: u64 = 1024 * 1024;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--admin-token",
            TOKEN,
            "--data-dir",
        ])
        .arg(data_dir)
        .env("SIXIN_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sixin serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("bound=").nth(1) {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server logs its address");
    Server { child, addr }
}

/// The resident set of process `pid`, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A plain HTTP/1.1 exchange; the answer's body as JSON.
fn exchange(addr: &str, head: &str, body: &[u8]) -> Value {
    let mut socket = TcpStream::connect(addr).unwrap();
    socket.write_all(head.as_bytes()).unwrap();
    socket.write_all(body).unwrap();
    read_answer(socket)
}

fn read_answer(mut socket: TcpStream) -> Value {
    socket
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

fn admin(addr: &str, path: &str, body: Value) -> Value {
    let body = body.to_string();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    exchange(addr, &head, body.as_bytes())
}

/// Streams a multipart upload of `size` bytes (generated, never held whole)
/// and returns the answer.
fn upload(addr: &str, cookie: &str, csrf: &str, mid: u64, size: u64) -> Value {
    let head_part =
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n";
    let tail_part = format!(
        "\r\n--B\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\nbig.bin\r\n\
         --B\r\nContent-Disposition: form-data; name=\"mid\"\r\n\r\n{mid}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--B--\r\n"
    );
    let length = head_part.len() as u64 + size + tail_part.len() as u64;
    let mut socket = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /x/custom/msg_svr/v1/upload HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {length}\r\n\
         Connection: close\r\n\r\n{head_part}"
    );
    socket.write_all(head.as_bytes()).unwrap();
    let chunk: Vec<u8> = (0..MIB).map(|i| (i * 31 % 251) as u8).collect();
    let mut sent = 0;
    while sent < size {
        let n = (size - sent).min(MIB) as usize;
        if socket.write_all(&chunk[..n]).is_err() {
            // The server answered early and stopped reading.
            return read_answer(socket);
        }
        sent += n as u64;
    }
    let _ = socket.write_all(tail_part.as_bytes());
    read_answer(socket)
}

/// Runs `work` while sampling the RSS of `pid`; the peak seen.
fn peak_rss_during<T>(pid: u32, work: impl FnOnce() -> T) -> (T, u64) {
    let peak = Arc::new(AtomicU64::new(rss(pid)));
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
    let result = work();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    (result, peak.load(Ordering::Relaxed))
}

fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            found.push((path, len));
        }
    }
    found
}

#[test]
fn memory_stays_flat_while_300_mib_streams_in_and_301_mib_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let addr = server.addr.clone();
    let pid = server.child.id();
    let mid = admin(&addr, "/admin/v1/users", json!({"uname": "uploader"}))["data"]["mid"]
        .as_u64()
        .unwrap();
    let cookies = admin(&addr, &format!("/admin/v1/users/{mid}/sessions"), json!({}));
    let (sessdata, csrf) = (
        cookies["data"]["SESSDATA"].as_str().unwrap().to_owned(),
        cookies["data"]["bili_jct"].as_str().unwrap().to_owned(),
    );
    let cookie = format!("SESSDATA={sessdata}; bili_jct={csrf}");

    // Warm up every path once so that what follows measures the upload.
    assert_eq!(upload(&addr, &cookie, &csrf, mid, 4 * MIB)["code"], 0);
    let baseline = rss(pid);

    let (stored, peak_stored) =
        peak_rss_during(pid, || upload(&addr, &cookie, &csrf, mid, 300 * MIB));
    assert_eq!(stored["code"], 0, "{stored}");
    let (refused, peak_refused) =
        peak_rss_during(pid, || upload(&addr, &cookie, &csrf, mid, 301 * MIB));
    assert_eq!(refused["code"], 1_000_011, "{refused}");
    assert_eq!(refused["message"], "仅支持上传300M内的文件");

    eprintln!(
        "server RSS: baseline {:.1} MiB; peak during the 300 MiB upload {:.1} MiB (+{:.1}); \
         during the refused 301 MiB upload {:.1} MiB (+{:.1})",
        baseline as f64 / MIB as f64,
        peak_stored as f64 / MIB as f64,
        peak_stored.saturating_sub(baseline) as f64 / MIB as f64,
        peak_refused as f64 / MIB as f64,
        peak_refused.saturating_sub(baseline) as f64 / MIB as f64,
    );
    let flat = 48 * MIB;
    assert!(
        peak_stored < baseline + flat,
        "RSS grew by {} bytes",
        peak_stored - baseline
    );
    assert!(
        peak_refused < baseline + flat,
        "RSS grew by {} bytes",
        peak_refused - baseline
    );

    // Only the two accepted files remain: nothing staged, nothing partial.
    let mut left = Vec::new();
    for _ in 0..200 {
        left = files_under(&dir.path().join("uploads"));
        if left.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let mut sizes: Vec<u64> = left.iter().map(|(_, len)| *len).collect();
    sizes.sort();
    assert_eq!(sizes, vec![4 * MIB, 300 * MIB], "{left:?}");
}

fn sixin(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .args(args)
        .output()
        .expect("run sixin");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn agents_are_created_and_listed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let base = format!("http://{}", server.addr);
    let remote = ["--server", base.as_str(), "--admin-token", TOKEN];
    let mut add = vec!["system", "add", "--uname", "kefu", "--name", "哔哩哔哩客服"];
    add.extend(remote);
    let (ok, out) = sixin(&add);
    assert!(ok, "{out}");
    let mid: u64 = out.trim().parse().expect("prints the mid");
    let mut list = vec!["system", "list", "--type", "8"];
    list.extend(remote);
    let (ok, out) = sixin(&list);
    assert!(ok);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["mid"], mid);
    assert_eq!(listed[0]["name"], "哔哩哔哩客服");
    assert_eq!(listed[0]["system_msg_type"], 8);
    let mut online = vec!["system", "online"];
    online.extend(remote);
    let (ok, out) = sixin(&online);
    assert!(ok);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), json!([]));
}
