//! `sixin bench`: starts fresh servers (or targets a running one), provisions
//! users and relations, runs each scenario for a set time through the real
//! HTTP endpoints with cookies and csrf, and prints one table: requests per
//! second (also as a ratio to a hello-world server on the same HTTP stack
//! measured in the same run), latency percentiles, server CPU per request,
//! peak memory and data-directory bytes per stored message.
//!
//! Modules: `server` (the processes and `/proc`), `ceiling` (the
//! hello-world server), `load` (the load generator), `provision` (users
//! through the API), `bulk` (a community written straight into a fresh
//! database), `messages`, `lists`, `broadcast`, `push` (the scenarios),
//! `report` (rows and the table), `chart` (the SVG charts).

mod broadcast;
mod bulk;
pub mod ceiling;
mod chart;
mod lists;
mod load;
mod messages;
mod provision;
mod push;
mod report;
mod server;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use provision::{befriend, Provisioner, User};
use report::Row;
use server::{Ceiling, Launch, Target};

/// The scenarios, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Scenario {
    Send,
    Fetch,
    Sessions,
    Followers,
    Broadcast,
    Push,
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "send,fetch,sessions,followers,broadcast,push"
    )]
    pub scenarios: Vec<Scenario>,
    /// Seconds each load runs.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Connections of the loads (one task, one keep-alive connection each).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Connection counts for the throughput chart of send and fetch
    /// (e.g. `1,4,16,64`; each is one more load).
    #[arg(long, value_delimiter = ',')]
    pub sweep: Vec<usize>,
    /// Tiny data and short loads: every scenario in seconds (for tests).
    #[arg(long)]
    pub smoke: bool,
    /// Target this running server instead of starting one.
    #[arg(long)]
    pub url: Option<String>,
    /// The admin token of the server at `--url`.
    #[arg(long, env = "SIXIN_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// The process id of the server at `--url`, for its CPU and memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Run the servers on this PostgreSQL database, in a new schema of
    /// their own (dropped afterwards).
    #[arg(long, env = "SIXIN_BENCH_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Nodes to start (with PostgreSQL; more than one needs `--nats-url`).
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// The NATS server joining the nodes.
    #[arg(long)]
    pub nats_url: Option<String>,
    /// Sessions of the user of the `sessions` scenario.
    #[arg(long, default_value_t = 1000)]
    pub sessions: usize,
    /// Fans of the user of the `followers` scenario (bulk-loaded into a
    /// fresh SQLite database; made through the API otherwise).
    #[arg(long, default_value_t = 1_000_000)]
    pub fans: u64,
    /// Receivers of the `broadcast` push.
    #[arg(long, default_value_t = 100_000)]
    pub broadcast_users: usize,
    /// Idle connections of the `push` scenario.
    #[arg(long, default_value_t = 10_000)]
    pub push_idle: usize,
    /// Messages to bulk-load before the server starts (SQLite), spread over
    /// `--preload-users` users' conversations; `send` and `fetch` then run
    /// on them.
    #[arg(long, default_value_t = 0)]
    pub preload_messages: u64,
    /// Users of the preloaded community.
    #[arg(long, default_value_t = 100_000)]
    pub preload_users: u64,
    /// Skip the hello-world ceiling.
    #[arg(long)]
    pub no_ceiling: bool,
    /// Write the report (`report.md`) and the charts (SVG) here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The `sixin` binary to run as the server (this one by default).
    #[arg(long)]
    pub binary: Option<PathBuf>,
}

/// How much data the scenarios make.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub sessions: usize,
    pub fans: u64,
    pub broadcast: usize,
    pub push_idle: usize,
}

/// What the bulk loader put into the database.
#[derive(Debug, Clone, Default)]
pub struct Preloaded {
    /// Users made (mids 1..=n).
    pub users: Option<u64>,
    /// The star and their fans.
    pub star: Option<(u64, u64)>,
    /// Pairs with long conversations.
    pub pairs: Vec<(u64, u64)>,
    pub messages: u64,
}

/// A run: the servers, the scenarios' shared state, the rows so far.
pub struct Bench {
    pub target: Target,
    pub provisioner: Provisioner,
    pub duration: Duration,
    pub connections: usize,
    pub sizes: Sizes,
    /// Whether the bench started the servers (and may push to everyone).
    pub fresh: bool,
    pub preloaded: Preloaded,
    /// Makes each send load's contents its own.
    pub salt: usize,
    pairs: Option<Arc<Vec<(User, User)>>>,
    pub rows: Vec<Row>,
}

impl Bench {
    pub fn push(&mut self, row: Row) {
        eprintln!(
            "  {} / {}: {:.0} req/s, {} ok, {} errors",
            row.scenario, row.variant, row.per_second, row.ok, row.errors
        );
        self.rows.push(row);
    }

    /// The send pairs (one per connection), who follow each other: the
    /// preloaded conversations when there are, else new users.
    pub async fn pairs(&mut self) -> Result<Arc<Vec<(User, User)>>, String> {
        if let Some(pairs) = &self.pairs {
            return Ok(pairs.clone());
        }
        let n = self.connections.max(1);
        let pairs: Vec<(User, User)> = if self.preloaded.pairs.is_empty() {
            let senders = self.provisioner.users("sender", n).await?;
            let receivers = self.provisioner.users("receiver", n).await?;
            let pairs: Vec<_> = senders.into_iter().zip(receivers).collect();
            befriend(&pairs).await?;
            pairs
        } else {
            let mut pairs = Vec::new();
            for (a, b) in self.preloaded.pairs.iter().cycle().take(n) {
                pairs.push((
                    self.provisioner.login(*a).await?,
                    self.provisioner.login(*b).await?,
                ));
            }
            pairs
        };
        let pairs = Arc::new(pairs);
        self.pairs = Some(pairs.clone());
        Ok(pairs)
    }
}

pub async fn run(args: BenchArgs) -> Result<(), String> {
    let files = server::raise_file_limit();
    let binary = match &args.binary {
        Some(binary) => binary.clone(),
        None => std::env::current_exe().map_err(|e| e.to_string())?,
    };
    let (duration, connections, sizes) = if args.smoke {
        let sizes = Sizes {
            sessions: 20,
            fans: 320,
            broadcast: 250,
            push_idle: 40,
        };
        (Duration::from_millis(300), 4, sizes)
    } else {
        let sizes = Sizes {
            sessions: args.sessions,
            fans: args.fans,
            broadcast: args.broadcast_users,
            push_idle: args.push_idle,
        };
        (
            Duration::from_secs_f64(args.duration),
            args.connections,
            sizes,
        )
    };
    let mut scenarios = args.scenarios.clone();
    scenarios.sort();
    scenarios.dedup();

    let mut rows = Vec::new();
    let mut ceilings = BTreeMap::new();
    let mut counts: Vec<usize> = vec![1, 4, connections];
    counts.extend(&args.sweep);
    counts.sort_unstable();
    counts.dedup();
    if !args.no_ceiling {
        eprintln!("ceiling: a hello-world server on the same HTTP stack");
        let ceiling = Ceiling::start(&binary).await?;
        for &conns in &counts {
            let row = ceiling_load(&ceiling, conns, duration).await;
            ceilings.insert(conns, row.per_second);
            rows.push(row);
        }
    }

    let fresh = args.url.is_none();
    let preload = bulk::plan(&args, &sizes, &scenarios);
    // Dropped (with its schema) after the servers, which are declared later.
    let schema = match (&args.url, &args.database_url) {
        (None, Some(url)) => Some(
            sixin_server::store::postgres::TestDatabase::create(url)
                .await
                .map_err(|e| format!("a schema for the bench: {}", crate::explain(&e)))?,
        ),
        _ => None,
    };
    let database_url = schema.as_ref().map(|s| s.url());
    let mut preloaded = Preloaded::default();
    let target = match &args.url {
        Some(url) => {
            let token = args
                .admin_token
                .clone()
                .ok_or("--url needs --admin-token (or SIXIN_ADMIN_TOKEN)")?;
            Target::remote(url, token, args.server_pid)
        }
        None => {
            if args.nodes > 1 && args.nats_url.is_none() {
                return Err("--nodes above 1 needs --nats-url".into());
            }
            if args.nodes > 1 && args.database_url.is_none() {
                return Err("--nodes above 1 needs --database-url (PostgreSQL)".into());
            }
            let prepare: Option<server::Prepare> = match (&preload, &args.database_url) {
                (Some(plan), None) => {
                    let into = &mut preloaded;
                    Some(Box::new(move |dir: &std::path::Path| {
                        *into = bulk::load(dir, plan)?;
                        Ok(())
                    }))
                }
                _ => None,
            };
            eprintln!("starting {} server(s)", args.nodes.max(1));
            Target::start(Launch {
                binary: &binary,
                nodes: args.nodes,
                database_url: database_url.as_deref(),
                nats_url: args.nats_url.as_deref(),
                push_connections: sizes.push_idle,
                prepare,
            })
            .await?
        }
    };
    let provisioner = Provisioner::new(&target.urls[0], &target.admin_token);
    let mut bench = Bench {
        target,
        provisioner,
        duration,
        connections,
        sizes,
        fresh,
        preloaded,
        salt: 0,
        pairs: None,
        rows,
    };
    let mut failures = Vec::new();
    for scenario in scenarios {
        eprintln!("{scenario:?}");
        let result = match scenario {
            Scenario::Send => messages::send(&mut bench).await,
            Scenario::Fetch => messages::fetch(&mut bench).await,
            Scenario::Sessions => lists::sessions(&mut bench).await,
            Scenario::Followers => lists::followers(&mut bench).await,
            Scenario::Broadcast => broadcast::broadcast(&mut bench).await,
            Scenario::Push => push::push(&mut bench).await,
        };
        if let Err(err) = result {
            eprintln!("  {scenario:?} failed: {err}");
            failures.push(format!("{scenario:?}: {err}"));
        }
    }
    for &conns in &args.sweep {
        for scenario in [Scenario::Send, Scenario::Fetch] {
            if !bench.rows.iter().any(|r| r.scenario == name(scenario)) {
                continue;
            }
            let result = match scenario {
                Scenario::Send => sweep_send(&mut bench, conns).await,
                _ => sweep_fetch(&mut bench, conns).await,
            };
            if let Err(err) = result {
                failures.push(format!("sweep {conns}: {err}"));
            }
        }
    }

    let setting = setting(&args, &bench, files);
    let report = report::markdown("sixin bench", &setting, &bench.rows, &ceilings);
    println!("{report}");
    for failure in &failures {
        println!("FAILED {failure}");
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::write(dir.join("report.md"), &report).map_err(|e| e.to_string())?;
        chart::draw(dir, &bench.rows).map_err(|e| format!("charts: {e}"))?;
    }
    let errors: u64 = bench.rows.iter().map(|r| r.errors).sum();
    if !failures.is_empty() || errors > 0 {
        return Err(format!(
            "{} scenario(s) failed, {errors} request(s) in error",
            failures.len()
        ));
    }
    Ok(())
}

fn name(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Send => "send",
        Scenario::Fetch => "fetch",
        Scenario::Sessions => "sessions",
        Scenario::Followers => "followers",
        Scenario::Broadcast => "broadcast",
        Scenario::Push => "push",
    }
}

async fn sweep_send(bench: &mut Bench, conns: usize) -> Result<(), String> {
    let pairs = bench.pairs().await?;
    let row = messages::send_load(bench, "sweep", &pairs, conns, bench.duration).await?;
    bench.push(row);
    Ok(())
}

async fn sweep_fetch(bench: &mut Bench, conns: usize) -> Result<(), String> {
    let pairs = bench.pairs().await?;
    messages::fetch_load(bench, &pairs, conns, "sweep").await
}

async fn ceiling_load(ceiling: &Ceiling, conns: usize, duration: Duration) -> Row {
    let make: load::Maker = Arc::new(|_, _| load::Request::get("/".into(), None));
    let pids = [ceiling.pid];
    let cpu = server::cpu_micros(ceiling.pid);
    server::reset_peak(ceiling.pid);
    let outcome = load::run(
        std::slice::from_ref(&ceiling.url),
        conns,
        duration,
        make,
        None,
    )
    .await;
    let mut row = Row::new("ceiling", "hello world", conns, &outcome);
    if let (Some(before), Some(after)) = (cpu, server::cpu_micros(ceiling.pid)) {
        if row.ok > 0 {
            row.cpu_per_request = Some((after - before) as f64 / row.ok as f64);
        }
    }
    row.peak_rss = report::peak_rss(&pids);
    eprintln!("  ceiling / {conns}: {:.0} req/s", row.per_second);
    row
}

/// The lines saying what was measured where.
fn setting(args: &BenchArgs, bench: &Bench, files: Option<u64>) -> Vec<String> {
    let backend = match (&args.url, &args.database_url) {
        (Some(url), _) => format!("the running server at {url}"),
        (None, Some(_)) => format!(
            "PostgreSQL (a schema of its own), {} node(s); CPU µs/req counts the sixin processes, not PostgreSQL's",
            args.nodes.max(1)
        ),
        (None, None) => "SQLite, a fresh data directory".into(),
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mut lines = vec![
        format!("server: {backend}"),
        format!(
            "loads of {:.1} s, {} connections; {cores} cores seen; open-file limit {}",
            bench.duration.as_secs_f64(),
            bench.connections,
            files.map(|f| f.to_string()).unwrap_or_else(|| "?".into())
        ),
        format!(
            "data: {} sessions, {} fans, {} broadcast receivers, {} idle push connections",
            bench.sizes.sessions, bench.sizes.fans, bench.sizes.broadcast, bench.sizes.push_idle
        ),
    ];
    if bench.preloaded.messages > 0 {
        lines.push(format!(
            "preloaded: {} messages among {} users",
            bench.preloaded.messages,
            bench.preloaded.users.unwrap_or(0)
        ));
    }
    lines.push(
        "CPU µs/req: utime+stime of every server thread over the load, per successful request; \
         × ceiling: req/s over the hello-world server's at the same connection count"
            .into(),
    );
    lines
}
