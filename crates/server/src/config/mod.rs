//! Server configuration: one clap struct, every flag also read from `SIXIN_<FLAG>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::relation::RelationLimits;
use crate::push::PushLimits;
use crate::service::messages::RateLimits;
use crate::service::{CustomerLimits, MessageLimits};

mod limits;
mod listen;
mod nodes;
mod storage;

pub use limits::{ConnectionLimits, GuardConfig};
pub use listen::Listen;
pub use nodes::ResumeLogConfig;
pub use storage::StorageConfig;

/// How `sixin serve` is configured. Each flag can also be given as an
/// environment variable named `SIXIN_` plus the flag in upper case.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on, `host:port`: an IP address (`127.0.0.1:8080`,
    /// `[::1]:8080`) or a name (`localhost:8080`). A wildcard address
    /// (`0.0.0.0`, `[::]`) needs `--public-url`.
    #[arg(long, env = "SIXIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: Listen,

    /// Directory holding the database, uploaded images and the server's secrets.
    #[arg(long, env = "SIXIN_DATA_DIR", default_value = "./sixin-data")]
    pub data_dir: PathBuf,

    /// Bearer token for `/admin/v1` (prefer the environment or
    /// `--admin-token-file`: a command line is visible to every local user).
    /// When no token is configured, one is generated at first start. The
    /// token in force is always the one in `<data-dir>/admin_token` (mode
    /// 0600), which the CLI reads.
    #[arg(long, env = "SIXIN_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// File holding the bearer token for `/admin/v1` (surrounding
    /// whitespace ignored).
    #[arg(long, env = "SIXIN_ADMIN_TOKEN_FILE", conflicts_with = "admin_token")]
    pub admin_token_file: Option<PathBuf>,

    /// Base URL under which clients reach this server, used in the links it
    /// hands out (avatars, uploaded images, WBI key images). Defaults to
    /// `http://<listen>`; required when listening on a wildcard address.
    /// With an `https://` URL, cookies are marked `Secure`.
    #[arg(long, env = "SIXIN_PUBLIC_URL")]
    pub public_url: Option<String>,

    #[command(flatten)]
    pub connections: ConnectionLimits,

    /// How long a login session (SESSDATA) stays valid, in days.
    #[arg(long, env = "SIXIN_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// Most QR logins (generated, not yet redeemed, not expired) outstanding
    /// at once; generating another is -799. Expired ones are forgotten at
    /// every generate, so this bounds what unauthenticated callers can store.
    #[arg(long, env = "SIXIN_MAX_PENDING_QR_LOGINS", default_value_t = 10_000)]
    pub max_pending_qr_logins: u64,

    /// Number of read-only database connections (SQLite).
    #[arg(long, env = "SIXIN_READERS", default_value_t = 4)]
    pub readers: usize,

    /// Store everything in this PostgreSQL database
    /// (`postgres://user@host:port/db`) instead of SQLite in the data
    /// directory; any number of nodes may share it.
    #[arg(long, env = "SIXIN_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Most PostgreSQL connections this node opens.
    #[arg(long, env = "SIXIN_DATABASE_CONNECTIONS", default_value_t = 16)]
    pub database_connections: usize,

    /// Join the other nodes of this community through the NATS server at
    /// this URL (`nats://host:4222`): the events that must reach every
    /// node (cache changes, realtime push) cross it.
    #[arg(long, env = "SIXIN_NATS_URL")]
    pub nats_url: Option<String>,

    /// First part of this community's NATS subjects
    /// (`<prefix>.events.<kind>`): communities sharing a NATS server need
    /// different ones.
    #[arg(long, env = "SIXIN_NATS_SUBJECT_PREFIX", default_value = "sixin")]
    pub nats_subject_prefix: String,

    #[command(flatten)]
    pub resume_log: ResumeLogConfig,

    /// Longest `msg[content]` accepted by send_msg, in bytes (21007 beyond;
    /// the documents give 2000).
    #[arg(long, env = "SIXIN_MAX_MSG_BYTES", default_value_t = 2000)]
    pub max_msg_bytes: usize,

    /// How long after sending a message can be recalled, in seconds (21041 after).
    #[arg(long, env = "SIXIN_RECALL_WINDOW_SECS", default_value_t = 120)]
    pub recall_window_secs: u64,

    /// How long image messages are kept, in days: older ones show as
    /// expired (`msg_status` 50). 0 keeps them for ever.
    #[arg(long, env = "SIXIN_IMAGE_RETENTION_DAYS", default_value_t = 0)]
    pub image_retention_days: u64,

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
    pub max_upload_bytes: u64,

    /// Most pixels (width × height) of an uploaded image (21037 beyond).
    #[arg(long, env = "SIXIN_MAX_IMAGE_PIXELS", default_value_t = 40_000_000)]
    pub max_image_pixels: u64,

    /// Largest file accepted by the customer-service upload, in bytes
    /// (1000011 beyond; the documents say 300M).
    #[arg(long, env = "SIXIN_MAX_FILE_BYTES", default_value_t = 300 * 1024 * 1024)]
    pub max_file_bytes: u64,

    /// How long a customer-service file link stays valid, in seconds
    /// (downloads answer HTTP 403 after; the documents say 15 minutes; at
    /// most 7 days, as S3 allows).
    #[arg(
        long,
        env = "SIXIN_LINK_EXPIRY_SECS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(1..=604_800)
    )]
    pub link_expiry_secs: u64,

    /// How long after their last customer-service heartbeat someone still
    /// counts as online, in seconds.
    #[arg(long, env = "SIXIN_PRESENCE_WINDOW_SECS", default_value_t = 60)]
    pub presence_window_secs: u64,

    #[command(flatten)]
    pub storage: StorageConfig,

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

    /// Most realtime-push connections (`/sixin/v1/events`) this node holds
    /// at once (-799 beyond).
    #[arg(long, env = "SIXIN_PUSH_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub push_max_connections: usize,

    /// Most realtime-push connections of one user on this node (-799 beyond).
    #[arg(long, env = "SIXIN_PUSH_MAX_PER_USER", default_value_t = 8)]
    pub push_max_per_user: usize,

    /// Events waiting for one connection before it is dropped as too slow.
    #[arg(long, env = "SIXIN_PUSH_QUEUE", default_value_t = 256)]
    pub push_queue: usize,

    /// Events kept per user for connections that resume (each holds its
    /// message: at most this many times `--max-msg-bytes` per user).
    #[arg(long, env = "SIXIN_PUSH_REPLAY", default_value_t = 256)]
    pub push_replay: usize,

    /// How long after their last connection ends a user can still resume.
    #[arg(long, env = "SIXIN_PUSH_RESUME_SECS", default_value_t = 120)]
    pub push_resume_secs: u64,

    /// Seconds between the pings that find dead push connections (one
    /// without an answer for two intervals is closed).
    #[arg(long, env = "SIXIN_PUSH_HEARTBEAT_SECS", default_value_t = 30)]
    pub push_heartbeat_secs: u64,

    /// Origins besides `--public-url`'s (and the request's own host) whose
    /// pages may open the push WebSocket, e.g. `https://chat.example.com`;
    /// repeat or separate with commas.
    #[arg(long, env = "SIXIN_PUSH_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub push_allowed_origins: Vec<String>,

    #[command(flatten)]
    pub guard: GuardConfig,
}

impl Config {
    /// A configuration with every default, for tests and embedding.
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Config {
            listen: listen.into(),
            data_dir,
            admin_token: None,
            admin_token_file: None,
            public_url: None,
            connections: ConnectionLimits::default(),
            session_days: 30,
            max_pending_qr_logins: 10_000,
            readers: 4,
            database_url: None,
            database_connections: 16,
            nats_url: None,
            nats_subject_prefix: crate::cluster::DEFAULT_PREFIX.into(),
            resume_log: ResumeLogConfig::default(),
            max_msg_bytes: 2000,
            recall_window_secs: 120,
            image_retention_days: 0,
            retry_window_secs: 600,
            send_burst: 30,
            send_burst_secs: 10,
            send_ban_strikes: 20,
            max_upload_bytes: 10 * 1024 * 1024,
            max_image_pixels: 40_000_000,
            max_file_bytes: 300 * 1024 * 1024,
            link_expiry_secs: 900,
            presence_window_secs: 60,
            storage: StorageConfig::default(),
            max_followings: 2000,
            max_blacklist: 5000,
            max_tags: 20,
            push_max_connections: 10_000,
            push_max_per_user: 8,
            push_queue: 256,
            push_replay: 256,
            push_resume_secs: 120,
            push_heartbeat_secs: 30,
            push_allowed_origins: Vec::new(),

            guard: GuardConfig::default(),
        }
    }

    /// The base URL for links, without a trailing slash: the configured
    /// one, else `http://` and the listening address (the name, when a name
    /// was given, with the port actually bound).
    pub fn public_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if self.listen.ip().is_none() => {
                format!("http://{}:{}", self.listen.host, bound.port())
            }
            None => format!("http://{bound}"),
        }
    }

    /// Whether cookies must be marked `Secure`: clients reach the server
    /// over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.len() >= 8 && url[..8].eq_ignore_ascii_case("https://"))
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
            image_retention_secs: (self.image_retention_days > 0)
                .then(|| self.image_retention_days.saturating_mul(86_400)),
            retry_window_secs: self.retry_window_secs,
            rate: RateLimits {
                burst: self.send_burst,
                window_secs: self.send_burst_secs as i64,
                ban_strikes: self.send_ban_strikes,
            },
            max_image_pixels: self.max_image_pixels,
        }
    }

    /// What the realtime-push hub holds.
    pub fn push_limits(&self) -> PushLimits {
        PushLimits {
            max_connections: self.push_max_connections,
            max_per_user: self.push_max_per_user,
            queue: self.push_queue,
            replay: self.push_replay,
            resume: Duration::from_secs(self.push_resume_secs),
        }
    }

    /// The customer-service limits.
    pub fn customer_limits(&self) -> CustomerLimits {
        CustomerLimits {
            link_expiry_secs: self.link_expiry_secs,
            presence_window_secs: self.presence_window_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::limits::secs;
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn the_defaults_of_new_are_the_flags_defaults() {
        let parsed = Cli::try_parse_from(["sixin", "--data-dir", "d"]).unwrap();
        let mut made = Config::new("127.0.0.1:8080".parse().unwrap(), "d".into());
        // The environment of the test run may set these.
        made.admin_token = parsed.config.admin_token.clone();
        made.admin_token_file = parsed.config.admin_token_file.clone();
        assert_eq!(format!("{:?}", parsed.config), format!("{made:?}"));
    }

    #[test]
    fn listen_takes_addresses_and_names() {
        let cases = [
            ("127.0.0.1:8080", "127.0.0.1", 8080),
            ("[::1]:80", "::1", 80),
            ("localhost:8080", "localhost", 8080),
            ("chat.example.com:443", "chat.example.com", 443),
        ];
        for (text, host, port) in cases {
            let listen: Listen = text.parse().unwrap();
            assert_eq!((listen.host.as_str(), listen.port), (host, port), "{text}");
            assert_eq!(listen.to_string(), text);
        }
        for bad in [
            "localhost",
            "localhost:http",
            ":8080",
            "a b:80",
            "::1:80",
            "host:70000",
        ] {
            assert!(bad.parse::<Listen>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_name_stays_in_the_default_public_url_and_https_makes_cookies_secure() {
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), "d".into());
        config.listen = "localhost:0".parse().unwrap();
        let bound: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        assert_eq!(config.public_url(bound), "http://localhost:4321");
        assert!(!config.secure_cookies());
        config.public_url = Some("HTTPS://chat.example.com/".into());
        assert_eq!(config.public_url(bound), "HTTPS://chat.example.com");
        assert!(config.secure_cookies());
    }

    #[test]
    fn seconds_may_be_fractions_but_not_zero() {
        assert_eq!(secs("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(secs("10"), Ok(Duration::from_secs(10)));
        for bad in ["0", "-1", "x", "NaN", "inf"] {
            assert!(secs(bad).is_err(), "{bad}");
        }
    }
}
