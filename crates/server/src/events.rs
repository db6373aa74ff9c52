//! Domain events: what services announce after a write is committed, and
//! the in-process bus that hands them to subscribers (the mutual-follow
//! greeting now; realtime push and automatic messages later).
//!
//! [`EventBus::publish`] runs every subscriber to completion before it
//! returns, so the effects of an event (the greeting) are visible by the
//! time the request that caused it answers. A subscriber with slow work
//! hands it to a task of its own. The bus holds subscribers weakly: whoever
//! registers one keeps it alive (the application state does), so a
//! subscriber may hold the services that publish to the bus without a cycle.

use std::sync::{Arc, RwLock, Weak};

use async_trait::async_trait;

use crate::domain::message::Message;
use crate::domain::relation::Attribute;
use crate::domain::{Mid, MsgKey, Seqno};

/// Something that happened, after its write was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message was stored; `visible_to` is `None` when both sides see it.
    MessageStored {
        message: Message,
        visible_to: Option<Mid>,
    },
    /// `sender` recalled their message `msg_key` to `receiver`.
    MessageRecalled {
        msg_key: MsgKey,
        sender: Mid,
        receiver: Mid,
    },
    /// `owner` read their session with `talker` up to `seqno`.
    SessionRead {
        owner: Mid,
        talker: Mid,
        seqno: Seqno,
    },
    /// `mid`'s relation to `fid` is now `attribute`.
    RelationChanged {
        mid: Mid,
        fid: Mid,
        attribute: Option<Attribute>,
    },
    /// `mid` followed `fid` back: they follow each other now.
    BecameMutual { mid: Mid, fid: Mid },
}

/// Reacts to events.
#[async_trait]
pub trait Subscriber: Send + Sync {
    async fn on_event(&self, event: &Event);
}

/// The in-process event bus.
#[derive(Default)]
pub struct EventBus {
    subscribers: RwLock<Vec<Weak<dyn Subscriber>>>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventBus { .. }")
    }
}

impl EventBus {
    /// Hands every later event to `subscriber` while the caller keeps it.
    pub fn subscribe(&self, subscriber: &Arc<dyn Subscriber>) {
        let mut subscribers = self.subscribers.write().expect("subscribers lock");
        subscribers.retain(|s| s.strong_count() > 0);
        subscribers.push(Arc::downgrade(subscriber));
    }

    /// Runs every live subscriber on `event`, in the order they subscribed.
    pub async fn publish(&self, event: Event) {
        let live: Vec<Arc<dyn Subscriber>> = self
            .subscribers
            .read()
            .expect("subscribers lock")
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for subscriber in live {
            subscriber.on_event(&event).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Arc<Mutex<Vec<Event>>>);

    #[async_trait]
    impl Subscriber for Recorder {
        async fn on_event(&self, event: &Event) {
            self.0.lock().unwrap().push(event.clone());
        }
    }

    #[tokio::test]
    async fn subscribers_hear_events_while_someone_keeps_them() {
        let bus = EventBus::default();
        let recorder = Recorder::default();
        let seen = recorder.0.clone();
        let subscriber: Arc<dyn Subscriber> = Arc::new(recorder);
        bus.subscribe(&subscriber);
        let event = Event::BecameMutual {
            mid: Mid::new(1).unwrap(),
            fid: Mid::new(2).unwrap(),
        };
        bus.publish(event.clone()).await;
        assert_eq!(*seen.lock().unwrap(), vec![event.clone()]);
        drop(subscriber);
        bus.publish(event).await;
        assert_eq!(
            seen.lock().unwrap().len(),
            1,
            "no longer kept, no longer told"
        );
    }
}
