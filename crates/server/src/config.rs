//! Server configuration: one clap struct, every flag also read from `SIXIN_<FLAG>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How `sixin serve` is configured. Each flag can also be given as an
/// environment variable named `SIXIN_` plus the flag in upper case.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SIXIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory holding the database, uploaded images and the server's secrets.
    #[arg(long, env = "SIXIN_DATA_DIR", default_value = "./sixin-data")]
    pub data_dir: PathBuf,

    /// Bearer token for `/admin/v1`. When absent, one is generated at first
    /// start and kept in `<data-dir>/admin_token` (mode 0600).
    #[arg(long, env = "SIXIN_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Base URL under which clients reach this server, used in the links it
    /// hands out (avatars, uploaded images, WBI key images). Defaults to
    /// `http://<listen>`.
    #[arg(long, env = "SIXIN_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How long a login session (SESSDATA) stays valid, in days.
    #[arg(long, env = "SIXIN_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// Number of read-only database connections.
    #[arg(long, env = "SIXIN_READERS", default_value_t = 4)]
    pub readers: usize,

    /// Most users one user may follow, quiet follows included (22009 beyond).
    #[arg(long, env = "SIXIN_MAX_FOLLOWINGS", default_value_t = 2000)]
    pub max_followings: u64,

    /// Most users one user may block (22008 beyond).
    #[arg(long, env = "SIXIN_MAX_BLACKLIST", default_value_t = 5000)]
    pub max_blacklist: u64,

    /// Most follow groups one user may create, besides the special and the
    /// default group (22102 beyond).
    #[arg(long, env = "SIXIN_MAX_TAGS", default_value_t = 20)]
    pub max_tags: u64,
}

impl Config {
    /// A configuration with every default, for tests and embedding.
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Config {
            listen,
            data_dir,
            admin_token: None,
            public_url: None,
            session_days: 30,
            readers: 4,
            max_followings: 2000,
            max_blacklist: 5000,
            max_tags: 20,
        }
    }

    /// The base URL for links, without a trailing slash.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }

    /// Lifetime of a login session.
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_days) * 86_400)
    }
}
