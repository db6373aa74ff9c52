//! Several nodes: the domain events that cross them, over NATS.
//!
//! Every event published on this node's bus is also published on NATS
//! JetStream, on its subject (`<prefix>.events.<kind>`, see
//! [`Event::kind`]; the prefix is `sixin` unless `--nats-subject-prefix`
//! says otherwise, so that communities can share a NATS server), as
//! `{"node": "<this node>", "event": {...}}`, into the community's resume
//! log ([`log`]: a stream with bounded retention). Every node reads that
//! stream in order from where it stood when the node started: the other
//! nodes' events go to its own bus ([`EventBus::publish_from_elsewhere`]),
//! where the subscribers that hear other nodes get them (the catalogue
//! cache), and every event, its own too, goes to realtime push numbered by
//! its place in the stream ([`Hub::on_sequenced`]), so that a push client
//! resumes on any node.
//!
//! A node waits for the stream's acknowledgement before the request that
//! caused the event answers (typing aside): an answered write's event is
//! in the log even if the node is killed right after. Failing to publish
//! is logged, never turned into a failed request (the write is committed),
//! and the database stays the source of truth (clients re-sync from
//! history). While NATS is unreachable nothing waits for it; the client
//! reconnects by itself.

pub mod log;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use async_trait::async_trait;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

pub use log::LogLimits;

use crate::events::{Event, EventBus, Subscriber};
use crate::push::{Backlog, Hub};

/// The subject prefix of a community that names none.
pub const DEFAULT_PREFIX: &str = "sixin";

/// Longest wait for the resume log to acknowledge an event.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);

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
    #[error("cannot open the resume log (JetStream stream {name}); is JetStream enabled?")]
    Stream {
        name: String,
        #[source]
        source: async_nats::Error,
    },
}

/// This node's link to the others.
pub struct Cluster {
    client: async_nats::Client,
    js: jetstream::Context,
    node: String,
    bus: Arc<EventBus>,
    stream: String,
    /// The stream's last sequence when this node joined: it reads on from
    /// the next.
    joined_at: u64,
    backlog: Arc<log::StreamBacklog>,
    listener: Mutex<Option<tokio::task::JoinHandle<()>>>,
    forwarder: Arc<dyn Subscriber>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("node", &self.node).finish()
    }
}

impl Cluster {
    /// Connects to NATS at `url` and opens the resume log of the
    /// community whose subjects start with `prefix` (kept as `limits`
    /// say). Events flow once [`Cluster::start`] is given the push hub and
    /// the [`Cluster::forwarder`] is subscribed. Keep the result: dropping
    /// it stops both.
    pub async fn join(
        url: &str,
        prefix: &str,
        limits: LogLimits,
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
        let mut js = jetstream::new(client.clone());
        js.set_timeout(ACK_TIMEOUT);
        let info = log::open(&js, prefix, limits).await?;
        let stream = info.config.name.clone();
        let backlog = Arc::new(log::StreamBacklog {
            js: js.clone(),
            stream: stream.clone(),
            epoch: log::epoch(&info),
        });
        let forwarder: Arc<dyn Subscriber> = Arc::new(Forwarder {
            client: client.clone(),
            js: js.clone(),
            node: node.clone(),
            prefix: prefix.to_owned(),
        });
        tracing::info!(%node, url, %stream, at = info.state.last_sequence, "joined the other nodes over NATS");
        Ok(Cluster {
            client,
            js,
            node,
            bus,
            stream,
            joined_at: info.state.last_sequence,
            backlog,
            listener: Mutex::new(None),
            forwarder,
        })
    }

    /// The resume log, as push reads it, and its last sequence when this
    /// node joined.
    pub fn backlog(&self) -> (Arc<dyn Backlog>, u64) {
        (self.backlog.clone(), self.joined_at)
    }

    /// Reads the resume log from where it stood at [`Cluster::join`]: the
    /// other nodes' events to the bus, every event to `hub`.
    pub fn start(&self, hub: Arc<Hub>) {
        let (js, stream, bus) = (self.js.clone(), self.stream.clone(), self.bus.clone());
        let (me, inbox, from) = (
            self.node.clone(),
            self.client.new_inbox(),
            self.joined_at + 1,
        );
        let listener = tokio::spawn(async move {
            let messages = async {
                js.get_stream(&stream)
                    .await?
                    .create_consumer(consumer::push::OrderedConfig {
                        deliver_subject: inbox,
                        deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                            start_sequence: from,
                        },
                        ..Default::default()
                    })
                    .await?
                    .messages()
                    .await
                    .map_err(async_nats::Error::from)
            };
            let mut messages = match messages.await {
                Ok(messages) => messages,
                Err(err) => {
                    tracing::error!(%err, %stream, "cannot read the resume log: no events from other nodes, no push");
                    return;
                }
            };
            while let Some(message) = messages.next().await {
                let message = match message {
                    Ok(message) => message,
                    Err(err) => {
                        tracing::warn!(%err, "reading the resume log");
                        continue;
                    }
                };
                let Ok(seq) = message.info().map(|info| info.stream_sequence) else {
                    continue;
                };
                match serde_json::from_slice::<Envelope>(&message.payload) {
                    Ok(envelope) => {
                        if envelope.node != me {
                            bus.publish_from_elsewhere(envelope.event.clone()).await;
                        }
                        hub.on_sequenced(seq, &envelope.event).await;
                    }
                    Err(err) => {
                        tracing::warn!(subject = %message.subject, %err, "unreadable event from NATS");
                        hub.on_sequenced(seq, &Event::CatalogueChanged).await;
                    }
                }
            }
            tracing::error!(%stream, "the resume log ended: no events from other nodes, no push");
        });
        if let Some(old) = self.listener.lock().expect("listener").replace(listener) {
            old.abort();
        }
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
        if let Some(listener) = self.listener.lock().expect("listener").take() {
            listener.abort();
        }
    }
}

/// Publishes this node's events into the resume log.
struct Forwarder {
    client: async_nats::Client,
    js: jetstream::Context,
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
        let ack = match self.js.publish(subject.clone(), payload.into()).await {
            Ok(ack) => ack,
            Err(err) => {
                tracing::warn!(%subject, %err, "event not sent to the other nodes");
                return;
            }
        };
        let wait = !matches!(event, Event::Typing { .. })
            && self.client.connection_state() == async_nats::connection::State::Connected;
        let acknowledged = async move {
            if let Err(err) = ack.await {
                tracing::warn!(%subject, %err, "event not stored in the resume log");
            }
        };
        if wait {
            acknowledged.await;
        } else {
            tokio::spawn(acknowledged);
        }
    }
}
