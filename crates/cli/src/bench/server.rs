//! The processes under test: fresh `sixin serve` children (one or several
//! nodes) with the limits that would distort a load lifted, the hello-world
//! ceiling, or a server already running elsewhere; and what `/proc` says
//! about them (CPU time of every thread, peak memory) and how big their data
//! directories grow.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The admin token of the servers the bench starts.
pub const ADMIN_TOKEN: &str = "bench-token";

/// Servers the bench talks to.
pub struct Target {
    /// Base URLs (`http://127.0.0.1:port`), one per node.
    pub urls: Vec<String>,
    pub admin_token: String,
    /// The processes whose CPU and memory are measured (empty when unknown).
    pub pids: Vec<u32>,
    /// SQLite data directories whose growth is measured (empty on
    /// PostgreSQL or a remote server).
    pub data_dirs: Vec<PathBuf>,
    children: Vec<Child>,
    _dir: Option<tempfile::TempDir>,
    /// The NATS server and subject prefix of these nodes: their resume log
    /// is deleted after them.
    nats: Option<(String, String)>,
}

/// Work done on the first node's data directory before its server starts.
pub type Prepare<'a> = Box<dyn FnOnce(&Path) -> Result<(), String> + 'a>;

/// How to start fresh servers.
pub struct Launch<'a> {
    pub binary: &'a Path,
    pub nodes: usize,
    pub database_url: Option<&'a str>,
    pub nats_url: Option<&'a str>,
    /// Push connections the servers must hold (their caps are raised to it).
    pub push_connections: usize,
    /// Runs before the servers start, on the first node's data directory
    /// (the bulk loader).
    pub prepare: Option<Prepare<'a>>,
}

impl Target {
    /// A server already running at `url`; `pid`, when given, is measured.
    pub fn remote(url: &str, admin_token: String, pid: Option<u32>) -> Target {
        Target {
            urls: vec![url.trim_end_matches('/').to_owned()],
            admin_token,
            pids: pid.into_iter().collect(),
            data_dirs: Vec::new(),
            children: Vec::new(),
            _dir: None,
            nats: None,
        }
    }

    /// Starts `launch.nodes` fresh servers, each with its own data directory
    /// in a new temporary directory, and waits until they answer.
    pub async fn start(launch: Launch<'_>) -> Result<Target, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let mut target = Target {
            urls: Vec::new(),
            admin_token: ADMIN_TOKEN.to_owned(),
            pids: Vec::new(),
            data_dirs: Vec::new(),
            children: Vec::new(),
            _dir: None,
            // A prefix of their own: the NATS server may serve others.
            nats: launch.nats_url.map(|url| {
                let prefix = format!("sixin-bench-{}", sixin_server::secrets::random_hex(4));
                (url.to_owned(), prefix)
            }),
        };
        let mut prepare = launch.prepare;
        for node in 0..launch.nodes.max(1) {
            // Nodes on one PostgreSQL database share one data directory (its
            // server key signs the sessions every node must accept).
            let shared = launch.database_url.is_some();
            let data_dir = dir
                .path()
                .join(format!("node{}", if shared { 0 } else { node }));
            std::fs::create_dir_all(&data_dir).map_err(|e| e.to_string())?;
            if let Some(prepare) = prepare.take() {
                prepare(&data_dir)?;
            }
            let port = free_port()?;
            let conns = (launch.push_connections + 4096).to_string();
            let push = (launch.push_connections + 1024).to_string();
            let mut command = Command::new(launch.binary);
            command
                .arg("serve")
                .args(["--listen", &format!("127.0.0.1:{port}")])
                .arg("--data-dir")
                .arg(&data_dir)
                .args(["--admin-token", ADMIN_TOKEN])
                // Rate limits, bans and caps would refuse the load, not measure it.
                .args(["--send-burst", "1000000000", "--send-burst-secs", "1"])
                .args(["--send-ban-strikes", "0"])
                .args(["--max-followings", "100000000"])
                .args(["--max-connections", &conns])
                .args(["--push-max-connections", &push])
                .args(["--push-max-per-user", &push])
                .env("SIXIN_LOG", "error")
                .stdin(Stdio::null())
                .stdout(Stdio::null());
            if let Some(url) = launch.database_url {
                command.args(["--database-url", url]);
            }
            if let Some((url, prefix)) = &target.nats {
                command.args(["--nats-url", url, "--nats-subject-prefix", prefix]);
            }
            let child = command
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", launch.binary.display()))?;
            let url = format!("http://127.0.0.1:{port}");
            target.pids.push(child.id());
            target.children.push(child);
            // One at a time: the first makes the server key the others read.
            let child = target.children.last_mut().expect("just pushed");
            wait_until_up(&url, "/x/frontend/finger/spi", child).await?;
            target.urls.push(url);
            if !shared {
                target.data_dirs.push(data_dir);
            }
        }
        target._dir = Some(dir);
        Ok(target)
    }

    /// Bytes in the data directories (database, WAL, everything).
    pub fn disk_bytes(&self) -> Option<u64> {
        if self.data_dirs.is_empty() {
            return None;
        }
        Some(self.data_dirs.iter().map(|d| dir_bytes(d)).sum())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        for child in &mut self.children {
            stop(child);
        }
        if let Some((url, prefix)) = self.nats.take() {
            // A thread of its own: this may be dropped inside an async runtime.
            let deleted = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime
                    .block_on(sixin_server::cluster::log::delete(&url, &prefix))
                    .ok()
            })
            .join();
            if !matches!(deleted, Ok(Some(()))) {
                eprintln!("note: the bench's resume log on NATS could not be deleted");
            }
        }
    }
}

/// The hello-world server on the same HTTP stack (`sixin bench-ceiling`).
pub struct Ceiling {
    pub url: String,
    pub pid: u32,
    child: Child,
}

impl Ceiling {
    pub async fn start(binary: &Path) -> Result<Ceiling, String> {
        let port = free_port()?;
        let mut child = Command::new(binary)
            .arg("bench-ceiling")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the ceiling server: {e}"))?;
        let url = format!("http://127.0.0.1:{port}");
        wait_until_up(&url, "/", &mut child).await?;
        Ok(Ceiling {
            url,
            pid: child.id(),
            child,
        })
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Asks a child to stop (SIGTERM: it shuts down gracefully), kills it
/// if it has not after a few seconds.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        if let Some(pid) = rustix::process::Pid::from_raw(child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

async fn wait_until_up(url: &str, path: &str, child: &mut Child) -> Result<(), String> {
    let probe = Probe {
        addr: url.trim_start_matches("http://").to_owned(),
        path: path.to_owned(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if probe.answers().await {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server at {url} exited at start: {status}"));
        }
        if Instant::now() > deadline {
            return Err(format!("the server at {url} did not answer within 60 s"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A plain `GET` over one short connection, for readiness.
struct Probe {
    addr: String,
    path: String,
}

impl Probe {
    async fn answers(&self) -> bool {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let Ok(mut stream) = tokio::net::TcpStream::connect(&self.addr).await else {
            return false;
        };
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.path, self.addr
        );
        if stream.write_all(request.as_bytes()).await.is_err() {
            return false;
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        answer.starts_with(b"HTTP/1.1 200")
    }
}

/// Bytes of every file under `dir`.
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// CPU time of a process, every thread (user + system), in microseconds.
pub fn cpu_micros(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: fields count from its closing ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 1_000_000 / ticks_per_second())
}

fn ticks_per_second() -> u64 {
    #[cfg(unix)]
    {
        rustix::param::clock_ticks_per_second().max(1)
    }
    #[cfg(not(unix))]
    100
}

/// A line of `/proc/<pid>/status` in kB (`VmHWM`, `VmRSS`).
pub fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets the peak-memory mark (`VmHWM`) of a process to its current size,
/// so that the next reading is the peak of what follows. Not every kernel
/// allows it; the peak is then the process's lifetime peak.
pub fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// Raises this process's open-file limit to its hard limit (the servers it
/// starts inherit it): the push scenario holds thousands of sockets.
pub fn raise_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.maximum.is_some() {
            limit.current = limit.maximum;
        } else {
            limit.current = Some(1 << 20);
        }
        let _ = setrlimit(Resource::Nofile, limit);
        getrlimit(Resource::Nofile).current
    }
    #[cfg(not(unix))]
    None
}
