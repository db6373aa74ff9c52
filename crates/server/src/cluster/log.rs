//! The resume log: a JetStream stream holding every event that crosses
//! nodes, so that a push client can resume its event stream on any node.
//!
//! The stream (`<prefix>-events`, named after the subject prefix, see
//! [`stream_name`]) captures `<prefix>.events.>`, on file, with bounded
//! retention (`--nats-resume-log-secs` and `--nats-resume-log-bytes`, the
//! oldest events go first). Its sequence numbers every event once for the
//! whole community: every node reads the stream in that order, so an id
//! made of the sequence means the same on every node. The stream's
//! creation time names it (the ids' epoch): a stream made anew (deleted,
//! or lost with a NATS server's storage) starts a new epoch, and ids of
//! the old one are not resumed from.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use async_trait::async_trait;
use futures_util::StreamExt;

use super::{ClusterError, Envelope};
use crate::events::Event;
use crate::push::{Backlog, BacklogError};

/// How the resume log is kept (the same on every node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// How long an event is kept.
    pub max_age: Duration,
    /// Most bytes kept (the oldest go first).
    pub max_bytes: i64,
    /// Copies a NATS cluster keeps.
    pub replicas: usize,
}

/// Longest wait for the next event of a backlog being read.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The stream of the community whose subjects start with `prefix`: the
/// prefix itself when it is a valid stream name, otherwise its characters
/// that are not, replaced, and a hash of the whole (so that prefixes that
/// differ only there do not share a stream).
pub fn stream_name(prefix: &str) -> String {
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if prefix.chars().all(valid) {
        return format!("{prefix}-events");
    }
    let cleaned: String = prefix
        .chars()
        .map(|c| if valid(c) { c } else { '_' })
        .collect();
    let hash = prefix.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{cleaned}-{:08x}-events", hash as u32)
}

/// The stream of `prefix`'s events, made if missing, its limits set to
/// `limits` if they differ.
pub(super) async fn open(
    js: &jetstream::Context,
    prefix: &str,
    limits: LogLimits,
) -> Result<stream::Info, ClusterError> {
    let config = stream::Config {
        name: stream_name(prefix),
        description: Some("sixin: events crossing nodes, for push clients to resume".into()),
        subjects: vec![format!("{prefix}.events.>")],
        retention: stream::RetentionPolicy::Limits,
        discard: stream::DiscardPolicy::Old,
        storage: stream::StorageType::File,
        max_age: limits.max_age,
        max_bytes: limits.max_bytes,
        num_replicas: limits.replicas.max(1),
        // Not used (events carry no ids), but never longer than the log.
        duplicate_window: limits.max_age.min(Duration::from_secs(120)),
        allow_direct: true,
        ..Default::default()
    };
    let failed = |source: async_nats::Error| ClusterError::Stream {
        name: config.name.clone(),
        source,
    };
    let mut stream = js
        .get_or_create_stream(config.clone())
        .await
        .map_err(|e| failed(e.into()))?;
    let info = stream.info().await.map_err(|e| failed(e.into()))?.clone();
    let kept = &info.config;
    if (kept.max_age, kept.max_bytes, kept.num_replicas)
        != (config.max_age, config.max_bytes, config.num_replicas)
    {
        tracing::info!(stream = %config.name, "resume log limits changed");
        return js
            .update_stream(config.clone())
            .await
            .map_err(|e| failed(e.into()));
    }
    Ok(info)
}

/// The ids' epoch of the stream `info` describes: its creation time.
pub(super) fn epoch(info: &stream::Info) -> String {
    let nanos = info.created.unix_timestamp_nanos() as u128;
    format!("{:08x}", (nanos ^ (nanos >> 32)) as u32)
}

/// Deletes the stream of `prefix` (tests clean up with it).
pub async fn delete(url: &str, prefix: &str) -> Result<(), async_nats::Error> {
    let client = async_nats::connect(url).await?;
    jetstream::new(client)
        .delete_stream(stream_name(prefix))
        .await?;
    Ok(())
}

/// The events of the stream, read by a node resuming a client.
pub(super) struct StreamBacklog {
    pub(super) js: jetstream::Context,
    pub(super) stream: String,
    pub(super) epoch: String,
}

#[async_trait]
impl Backlog for StreamBacklog {
    fn epoch(&self) -> &str {
        &self.epoch
    }

    async fn read(
        &self,
        after: u64,
        upto: u64,
        keep: &(dyn for<'e> Fn(&'e Event) -> bool + Send + Sync),
    ) -> Result<Option<Vec<(u64, Event)>>, BacklogError> {
        if upto <= after {
            return Ok(Some(Vec::new()));
        }
        let stream = self.js.get_stream(&self.stream).await?;
        let state = stream.get_info().await?.state;
        if state.first_sequence > after + 1 || state.last_sequence < upto {
            // Gone already (or the stream was made anew: a new epoch).
            return Ok(None);
        }
        let reader = stream
            .create_consumer(consumer::pull::OrderedConfig {
                deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                    start_sequence: after + 1,
                },
                ..Default::default()
            })
            .await?;
        let mut messages = reader.messages().await?;
        let mut expected = after + 1;
        let mut kept = Vec::new();
        while expected <= upto {
            let message = tokio::time::timeout(READ_TIMEOUT, messages.next())
                .await
                .map_err(|_| "the resume log stopped answering")?
                .ok_or("the resume log ended early")??;
            let seq = message.info()?.stream_sequence;
            if seq != expected {
                // Some expired while being read.
                return Ok(None);
            }
            expected += 1;
            let envelope: Envelope = serde_json::from_slice(&message.payload)?;
            if keep(&envelope.event) {
                kept.push((seq, envelope.event));
            }
        }
        Ok(Some(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::stream_name;

    #[test]
    fn every_prefix_names_a_valid_stream_of_its_own() {
        assert_eq!(stream_name("sixin"), "sixin-events");
        assert_eq!(stream_name("sixin-test-ab12"), "sixin-test-ab12-events");
        let dotted = stream_name("a.b");
        assert!(dotted.starts_with("a_b-") && dotted.ends_with("-events"));
        assert_ne!(dotted, stream_name("a_b"));
        assert_ne!(dotted, stream_name("a*b"));
    }
}
