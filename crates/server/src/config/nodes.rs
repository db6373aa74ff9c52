//! How several nodes keep the resume log of realtime push (with
//! `--nats-url`), as `sixin serve` flags (flattened into [`super::Config`]).

use std::time::Duration;

use crate::cluster::LogLimits;

/// The resume log: a JetStream stream of every event that crosses nodes,
/// from which a push client resumes on any node. Give every node the
/// same values (the last node to start sets them).
#[derive(Debug, Clone, clap::Args)]
pub struct ResumeLogConfig {
    /// With `--nats-url`: how long the resume log keeps an event, in
    /// seconds. A push client reconnecting to any node within this resumes
    /// its events; later it is told to re-sync over HTTP.
    #[arg(
        long = "nats-resume-log-secs",
        env = "SIXIN_NATS_RESUME_LOG_SECS",
        default_value_t = 600
    )]
    pub max_age_secs: u64,

    /// With `--nats-url`: most bytes the resume log keeps (the oldest
    /// events go first).
    #[arg(
        long = "nats-resume-log-bytes",
        env = "SIXIN_NATS_RESUME_LOG_BYTES",
        default_value_t = 256 * 1024 * 1024
    )]
    pub max_bytes: i64,

    /// With `--nats-url`: copies of the resume log a NATS cluster keeps
    /// (1, 3 or 5).
    #[arg(
        long = "nats-resume-log-replicas",
        env = "SIXIN_NATS_RESUME_LOG_REPLICAS",
        default_value_t = 1
    )]
    pub replicas: usize,
}

impl Default for ResumeLogConfig {
    fn default() -> Self {
        ResumeLogConfig {
            max_age_secs: 600,
            max_bytes: 256 * 1024 * 1024,
            replicas: 1,
        }
    }
}

impl ResumeLogConfig {
    /// The limits the stream is made with.
    pub fn limits(&self) -> LogLimits {
        LogLimits {
            max_age: Duration::from_secs(self.max_age_secs.max(1)),
            max_bytes: self.max_bytes,
            replicas: self.replicas,
        }
    }
}
