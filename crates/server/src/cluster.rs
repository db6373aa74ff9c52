//! Several nodes: the domain events that cross them, over NATS.
//!
//! Every event published on this node's bus is also published on NATS,
//! on its subject (`<prefix>.events.<kind>`, see [`Event::kind`]; the
//! prefix is `sixin` unless `--nats-subject-prefix` says otherwise, so
//! that communities can share a NATS server), as
//! `{"node": "<this node>", "event": {...}}`. Every node subscribes to
//! `<prefix>.events.>` and hands what the others published to its own bus
//! ([`EventBus::publish_from_elsewhere`]), where the subscribers that hear
//! other nodes get it (the catalogue cache, realtime push).
//!
//! Core NATS is at most once: an event lost while NATS is unreachable is
//! logged, never turned into a failed request (its write is committed),
//! and the database stays the source of truth (clients resync from
//! history). The client reconnects by itself.

use std::sync::Arc;

use async_trait::async_trait;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::events::{Event, EventBus, Subscriber};

/// The subject prefix of a community that names none.
pub const DEFAULT_PREFIX: &str = "sixin";

/// What crosses NATS: an event and the node it happened on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub node: String,
    pub event: Event,
}

/// Why this node could not join the others.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("cannot connect to NATS at {url}")]
    Connect {
        url: String,
        #[source]
        source: async_nats::ConnectError,
    },
    #[error("cannot subscribe to {subjects}")]
    Subscribe {
        subjects: String,
        #[source]
        source: async_nats::SubscribeError,
    },
}

/// This node's link to the others.
pub struct Cluster {
    client: async_nats::Client,
    node: String,
    listener: tokio::task::JoinHandle<()>,
    forwarder: Arc<dyn Subscriber>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("node", &self.node).finish()
    }
}

impl Cluster {
    /// Connects to NATS at `url`, forwards what `bus` publishes to the
    /// other nodes of the community whose subjects start with `prefix`,
    /// and hands theirs to `bus`. Keep the result: dropping it stops both.
    pub async fn join(
        url: &str,
        prefix: &str,
        bus: Arc<EventBus>,
    ) -> Result<Cluster, ClusterError> {
        let node = crate::secrets::random_hex(8);
        let client = async_nats::ConnectOptions::new()
            .name(format!("sixin {node}"))
            .connect(url)
            .await
            .map_err(|source| ClusterError::Connect {
                url: url.to_owned(),
                source,
            })?;
        let subjects = format!("{prefix}.events.>");
        let mut events = client
            .subscribe(subjects.clone())
            .await
            .map_err(|source| ClusterError::Subscribe { subjects, source })?;
        // The subscription is registered before anything is forwarded.
        let _ = client.flush().await;
        let me = node.clone();
        let listener = tokio::spawn(async move {
            while let Some(message) = events.next().await {
                match serde_json::from_slice::<Envelope>(&message.payload) {
                    Ok(envelope) if envelope.node == me => {}
                    Ok(envelope) => bus.publish_from_elsewhere(envelope.event).await,
                    Err(err) => {
                        tracing::warn!(subject = %message.subject, %err, "unreadable event from NATS")
                    }
                }
            }
        });
        let forwarder: Arc<dyn Subscriber> = Arc::new(Forwarder {
            client: client.clone(),
            node: node.clone(),
            prefix: prefix.to_owned(),
        });
        tracing::info!(%node, url, "joined the other nodes over NATS");
        Ok(Cluster {
            client,
            node,
            listener,
            forwarder,
        })
    }

    /// The subscriber that forwards this node's events: subscribe it to
    /// the bus (and keep it, as the bus holds subscribers weakly).
    pub fn forwarder(&self) -> Arc<dyn Subscriber> {
        self.forwarder.clone()
    }

    /// This node's name on NATS (random per start).
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Sends what is buffered (at shutdown).
    pub async fn flush(&self) {
        if let Err(err) = self.client.flush().await {
            tracing::warn!(%err, "NATS flush at shutdown failed");
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Publishes this node's events on NATS.
struct Forwarder {
    client: async_nats::Client,
    node: String,
    prefix: String,
}

#[async_trait]
impl Subscriber for Forwarder {
    async fn on_event(&self, event: &Event) {
        let envelope = Envelope {
            node: self.node.clone(),
            event: event.clone(),
        };
        let payload = match serde_json::to_vec(&envelope) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(%err, "an event could not be encoded");
                return;
            }
        };
        let subject = format!("{}.events.{}", self.prefix, event.kind());
        if let Err(err) = self.client.publish(subject.clone(), payload.into()).await {
            tracing::warn!(%subject, %err, "event not sent to the other nodes");
        }
    }
}
