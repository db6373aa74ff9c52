//! Domain events: what services announce after a write is committed, and
//! the in-process bus that hands them to subscribers (the mutual-follow
//! greeting, the catalogue cache and realtime push, `crate::push`).
//!
//! With several nodes (`--nats-url`), `crate::cluster` forwards every
//! event published here to the other nodes, and hands theirs to this bus
//! with [`EventBus::publish_from_elsewhere`]: only subscribers that
//! [`hear other nodes`](Subscriber::hears_other_nodes) get those (a cache
//! to invalidate, a push to deliver), so an effect that must happen once
//! (the greeting) happens on the node that made the change.
//!
//! [`EventBus::publish`] runs every subscriber to completion before it
//! returns, so the effects of an event (the greeting) are visible by the
//! time the request that caused it answers. A subscriber with slow work
//! hands it to a task of its own. The bus holds subscribers weakly: whoever
//! registers one keeps it alive (the application state does), so a
//! subscriber may hold the services that publish to the bus without a cycle.

use std::sync::{Arc, RwLock, Weak};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
pub use sixin_api::push::SettingsPart;

use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::relation::Attribute;
use crate::domain::{Mid, MsgKey, Seqno};

/// Something that happened, after its write was committed (or, for
/// [`Event::Typing`], as it happens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A message was stored; `visible_to` is `None` when both sides see it.
    MessageStored {
        message: Message,
        visible_to: Option<Mid>,
    },
    /// `sender` recalled their message `msg_key` to `receiver` (a user or
    /// a fan group).
    MessageRecalled {
        msg_key: MsgKey,
        sender: Mid,
        receiver: Talker,
    },
    /// The message `msg_key` was recalled by the system (`msg_status` 2).
    MessageWithdrawn { msg_key: MsgKey },
    /// `owner` read their session with `talker` up to `seqno`.
    SessionRead {
        owner: Mid,
        talker: Talker,
        seqno: Seqno,
    },
    /// `mid`'s relation to `fid` is now `attribute`; `seen_by_fid` when
    /// `fid` can tell (see `ModifyPlan::seen_by_target`).
    RelationChanged {
        mid: Mid,
        fid: Mid,
        attribute: Option<Attribute>,
        seen_by_fid: bool,
    },
    /// `mid` followed `fid` back: they follow each other now.
    BecameMutual { mid: Mid, fid: Mid },
    /// `owner` changed their session with `talker` (pinned, do not
    /// disturb, intercepted, removed); `None`: several sessions at once
    /// (the intercepted folder read or cleared).
    SessionChanged { owner: Mid, talker: Option<Talker> },
    /// `owner` changed their message settings (`what` of them).
    SettingsChanged { owner: Mid, what: SettingsPart },
    /// `from` is typing a message to `to` (not a write; never stored).
    Typing { from: Mid, to: Mid },
    /// The emoji catalogue or the keyword rules changed.
    CatalogueChanged,
    /// Login sessions ended (a logout, a revocation, a new password, a
    /// disabled or deleted account): no request may use them any more.
    LoginsEnded { ended: EndedLogins },
}

/// Which login sessions ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "which", rename_all = "snake_case")]
pub enum EndedLogins {
    /// The session whose token has this SHA-256.
    One { token_hash: [u8; 32] },
    /// Every session of `mid` but the one whose token has the SHA-256
    /// `but` (`None`: every one).
    AllOf { mid: Mid, but: Option<[u8; 32]> },
}

impl Event {
    /// The kind of event, as the tail of the NATS subject it crosses
    /// nodes on (`<prefix>.events.<kind>`, see `crate::cluster`).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::MessageStored { .. } => "message.stored",
            Event::MessageRecalled { .. } => "message.recalled",
            Event::MessageWithdrawn { .. } => "message.withdrawn",
            Event::SessionRead { .. } => "session.read",
            Event::RelationChanged { .. } => "relation.changed",
            Event::BecameMutual { .. } => "relation.mutual",
            Event::SessionChanged { .. } => "session.changed",
            Event::SettingsChanged { .. } => "settings.changed",
            Event::Typing { .. } => "typing",
            Event::CatalogueChanged => "catalogue.changed",
            Event::LoginsEnded { .. } => "logins.ended",
        }
    }
}

/// Reacts to events.
#[async_trait]
pub trait Subscriber: Send + Sync {
    async fn on_event(&self, event: &Event);

    /// Whether this also hears what happened on other nodes; by default
    /// only what happened on this one.
    fn hears_other_nodes(&self) -> bool {
        false
    }
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

    /// Runs every live subscriber on `event`, which happened on this
    /// node, in the order they subscribed.
    pub async fn publish(&self, event: Event) {
        for subscriber in self.live() {
            subscriber.on_event(&event).await;
        }
    }

    /// Runs the subscribers that hear other nodes on `event`, which
    /// happened on another node.
    pub async fn publish_from_elsewhere(&self, event: Event) {
        for subscriber in self.live() {
            if subscriber.hears_other_nodes() {
                subscriber.on_event(&event).await;
            }
        }
    }

    fn live(&self) -> Vec<Arc<dyn Subscriber>> {
        self.subscribers
            .read()
            .expect("subscribers lock")
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
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

    #[tokio::test]
    async fn events_of_other_nodes_reach_only_who_hears_them() {
        struct Listener(Arc<Mutex<Vec<Event>>>);
        #[async_trait]
        impl Subscriber for Listener {
            async fn on_event(&self, event: &Event) {
                self.0.lock().unwrap().push(event.clone());
            }
            fn hears_other_nodes(&self) -> bool {
                true
            }
        }
        let bus = EventBus::default();
        let local = Recorder::default();
        let local_seen = local.0.clone();
        let local: Arc<dyn Subscriber> = Arc::new(local);
        let everywhere_seen = Arc::new(Mutex::new(Vec::new()));
        let everywhere: Arc<dyn Subscriber> = Arc::new(Listener(everywhere_seen.clone()));
        bus.subscribe(&local);
        bus.subscribe(&everywhere);
        bus.publish_from_elsewhere(Event::CatalogueChanged).await;
        bus.publish(Event::CatalogueChanged).await;
        assert_eq!(local_seen.lock().unwrap().len(), 1, "its own node's only");
        assert_eq!(everywhere_seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn events_cross_nodes_as_json_and_come_back_equal() {
        let event = Event::RelationChanged {
            mid: Mid::new(7).unwrap(),
            fid: Mid::new(9).unwrap(),
            attribute: Some(Attribute::Following),
            seen_by_fid: true,
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"event":"relation_changed","mid":7,"fid":9,"attribute":2,"seen_by_fid":true}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        assert!(
            serde_json::from_str::<Event>(r#"{"event":"became_mutual","mid":0,"fid":1}"#).is_err()
        );
    }

    #[test]
    fn group_talkers_and_withdrawals_cross_nodes_too() {
        let event = Event::MessageRecalled {
            msg_key: MsgKey(5),
            sender: Mid::new(7).unwrap(),
            receiver: Talker::Group(crate::domain::group::GroupId::new(3).unwrap()),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"event":"message_recalled","msg_key":5,"sender":7,"receiver":{"group":3}}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        let settings = Event::SettingsChanged {
            owner: Mid::new(7).unwrap(),
            what: SettingsPart::AutoReplies,
        };
        assert_eq!(
            serde_json::to_string(&settings).unwrap(),
            r#"{"event":"settings_changed","owner":7,"what":"auto_replies"}"#
        );
        assert_eq!(settings.kind(), "settings.changed");
        let withdrawn = Event::MessageWithdrawn { msg_key: MsgKey(9) };
        assert_eq!(withdrawn.kind(), "message.withdrawn");
        let json = serde_json::to_string(&withdrawn).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), withdrawn);
        assert!(serde_json::from_str::<Event>(
            r#"{"event":"session_read","owner":1,"talker":{"group":0},"seqno":1}"#
        )
        .is_err());
    }
}
