//! Server configuration: one clap struct, every flag also read from `SIXIN_<FLAG>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::relation::RelationLimits;
use crate::service::messages::RateLimits;
use crate::service::MessageLimits;

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

    /// Longest `msg[content]` accepted by send_msg, in bytes (21007 beyond;
    /// the documents give 2000).
    #[arg(long, env = "SIXIN_MAX_MSG_BYTES", default_value_t = 2000)]
    pub max_msg_bytes: usize,

    /// How long after sending a message can be recalled, in seconds (21041 after).
    #[arg(long, env = "SIXIN_RECALL_WINDOW_SECS", default_value_t = 120)]
    pub recall_window_secs: u64,

    /// How long a repeated send (same receiver, dev_id, timestamp and
    /// content) returns the first msg_key instead of storing a copy, in seconds.
    #[arg(long, env = "SIXIN_RETRY_WINDOW_SECS", default_value_t = 600)]
    pub retry_window_secs: u64,

    /// Messages one user may send per burst window before 21020.
    #[arg(long, env = "SIXIN_SEND_BURST", default_value_t = 30)]
    pub send_burst: u32,

    /// Length of the burst window, in seconds.
    #[arg(long, env = "SIXIN_SEND_BURST_SECS", default_value_t = 10)]
    pub send_burst_secs: u64,

    /// Burst refusals (21020) within an hour after which a user may not send
    /// for 24 hours (21046); 0 never stops anyone.
    #[arg(long, env = "SIXIN_SEND_BAN_STRIKES", default_value_t = 20)]
    pub send_ban_strikes: u32,

    /// Largest image accepted by upload_bfs, in bytes.
    #[arg(long, env = "SIXIN_MAX_UPLOAD_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_upload_bytes: usize,

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
            max_msg_bytes: 2000,
            recall_window_secs: 120,
            retry_window_secs: 600,
            send_burst: 30,
            send_burst_secs: 10,
            send_ban_strikes: 20,
            max_upload_bytes: 10 * 1024 * 1024,
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

    /// The relation limits.
    pub fn relation_limits(&self) -> RelationLimits {
        RelationLimits {
            max_followings: self.max_followings,
            max_blacklist: self.max_blacklist,
            max_tags: self.max_tags,
        }
    }

    /// The message limits.
    pub fn message_limits(&self) -> MessageLimits {
        MessageLimits {
            max_msg_bytes: self.max_msg_bytes,
            recall_window_secs: self.recall_window_secs,
            retry_window_secs: self.retry_window_secs,
            rate: RateLimits {
                burst: self.send_burst,
                window_secs: self.send_burst_secs as i64,
                ban_strikes: self.send_ban_strikes,
            },
        }
    }
}
