//! The defences against guessing and the limits on connections, as
//! `sixin serve` flags (flattened into [`super::Config`]).

use std::time::Duration;

use crate::domain::client::AddrRange;
use crate::service::GuardLimits;

/// Defences against guessing: throttles, password hashing, and which
/// proxies may say who the client is.
#[derive(Debug, Clone, clap::Args)]
pub struct GuardConfig {
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses
    /// or ranges, comma-separated: `127.0.0.1,10.0.0.0/8`). From anyone
    /// else the header is ignored. Throttles count per client address.
    #[arg(long, env = "SIXIN_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<AddrRange>,

    /// Failed password logins to one account before each further one
    /// shuts it for a doubling delay (`--login-delay-secs` up to 15 min;
    /// -625).
    #[arg(long, env = "SIXIN_LOGIN_FAILURES", default_value_t = 5)]
    pub login_failures: u32,

    /// Failed password logins from one client address (IPv6: one /64)
    /// before each further one shuts it for a doubling delay (-625).
    #[arg(long, env = "SIXIN_LOGIN_FAILURES_PER_ADDRESS", default_value_t = 20)]
    pub login_failures_per_address: u32,

    /// The first delay a failed password login past the free ones shuts
    /// its account or address for, in seconds; each further one doubles
    /// it, up to 15 minutes.
    #[arg(long, env = "SIXIN_LOGIN_DELAY_SECS", default_value = "1", value_parser = secs)]
    pub login_delay_secs: Duration,

    /// Threads hashing passwords (Argon2id, 19 MiB each); 0: one per core.
    #[arg(long, env = "SIXIN_HASH_THREADS", default_value_t = 0)]
    pub hash_threads: usize,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            trusted_proxies: Vec::new(),
            login_failures: 5,
            login_failures_per_address: 20,
            login_delay_secs: Duration::from_secs(1),
            hash_threads: 0,
        }
    }
}

impl GuardConfig {
    /// The throttles' rules.
    pub fn limits(&self) -> GuardLimits {
        let mut limits =
            GuardLimits::with_login_failures(self.login_failures, self.login_failures_per_address);
        let delay_ms = i64::try_from(self.login_delay_secs.as_millis()).unwrap_or(i64::MAX);
        limits.login_account.base_delay_ms = delay_ms;
        limits.login_address.base_delay_ms = delay_ms;
        limits
    }
}

/// How connections are limited: how many at once, how long each phase of
/// a request may take, and how long shutdown waits for requests in flight.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectionLimits {
    /// Most connections open at once. At the cap, the connection that has
    /// waited longest for nothing (idle, or still sending headers) makes
    /// room for a new one; when every one is busy with a request, the new
    /// one is answered HTTP 503 (`-799`) and closed. Keep it below the
    /// process's open-file limit.
    #[arg(long, env = "SIXIN_MAX_CONNECTIONS", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// How long a connection may stay silent between requests (and after
    /// opening) before it is closed, in seconds.
    #[arg(long, env = "SIXIN_IDLE_TIMEOUT_SECS", default_value = "60", value_parser = secs)]
    pub idle_timeout_secs: Duration,

    /// How long a request's headers may take to arrive, from their first
    /// byte, in seconds.
    #[arg(long, env = "SIXIN_HEADER_TIMEOUT_SECS", default_value = "10", value_parser = secs)]
    pub header_timeout_secs: Duration,

    /// Longest pause while a request body is read or an answer is written,
    /// in seconds.
    #[arg(long, env = "SIXIN_BODY_TIMEOUT_SECS", default_value = "30", value_parser = secs)]
    pub body_timeout_secs: Duration,

    /// At shutdown (SIGTERM, SIGINT), how long requests in flight may take
    /// to finish before the remaining connections are closed, in seconds.
    #[arg(long, env = "SIXIN_SHUTDOWN_GRACE_SECS", default_value = "10", value_parser = secs)]
    pub shutdown_grace_secs: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 512,
            idle_timeout_secs: Duration::from_secs(60),
            header_timeout_secs: Duration::from_secs(10),
            body_timeout_secs: Duration::from_secs(30),
            shutdown_grace_secs: Duration::from_secs(10),
        }
    }
}

/// A positive number of seconds, fractions allowed (`0.5`).
pub(super) fn secs(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0 * 365.0) {
        return Err(format!("`{text}`: give a number of seconds above 0"));
    }
    Ok(Duration::from_secs_f64(secs))
}
