//! Sending automatic replies, driven by the domain events: a new
//! follower gets the followed user's reply (`msg_source` 8); a message a
//! user typed gets the receiver's keyword reply (10) or received-message
//! reply (9). The rules are [`crate::domain::message::auto_reply`]'s; an
//! automatic message is never answered, so replies never loop.

use std::sync::Arc;

use async_trait::async_trait;
use sixin_api::message::msg_source;

use super::messages::MessageService;
use crate::domain::message::auto_reply::{
    any_on, reply_to_follow, reply_to_message, typed_by_user,
};
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::relation::Attribute;
use crate::domain::Mid;
use crate::error::Error;
use crate::events::{Event, Subscriber};
use crate::store::messages::HistoryQuery;
use crate::store::Store;

/// How far back a conversation is read to tell whether the receiver
/// already answered automatically since they last wrote.
const LOOK_BACK: u64 = 20;

/// Sends automatic replies on [`Event::RelationChanged`] and
/// [`Event::MessageStored`].
pub struct AutoReplies {
    messages: Arc<MessageService>,
    store: Arc<dyn Store>,
}

impl AutoReplies {
    pub fn new(messages: Arc<MessageService>, store: Arc<dyn Store>) -> AutoReplies {
        AutoReplies { messages, store }
    }

    /// `followed`'s reply to their new follower `follower`.
    async fn on_follow(&self, follower: Mid, followed: Mid) -> Result<(), Error> {
        let settings = self.store.message_settings(followed).await?;
        if !any_on(&settings) {
            return Ok(());
        }
        let replies = self.store.auto_replies(followed).await?;
        if let Some((text, source)) = reply_to_follow(&settings, &replies) {
            self.messages
                .send_auto_reply(followed, follower, &text, source)
                .await?;
        }
        Ok(())
    }

    /// The receiver's reply to a message a user typed to them.
    async fn on_message(&self, message: &Message) -> Result<(), Error> {
        let (Some(sender), Some(receiver)) =
            (Mid::new(message.sender_uid), Mid::new(message.receiver_id))
        else {
            return Ok(());
        };
        let settings = self.store.message_settings(receiver).await?;
        if !any_on(&settings) {
            return Ok(());
        }
        let replies = self.store.auto_replies(receiver).await?;
        let text = (message.msg_type == sixin_api::message::msg_type::TEXT)
            .then(|| text_of(&message.content))
            .flatten();
        let replied = self.replied_since_own(receiver, sender).await?;
        if let Some((reply, source)) = reply_to_message(
            &settings,
            &replies,
            message.msg_type,
            text.as_deref(),
            replied,
        ) {
            self.messages
                .send_auto_reply(receiver, sender, &reply, source)
                .await?;
        }
        Ok(())
    }

    /// Whether `owner`'s newest messages to `talker`, back to the last one
    /// they typed, hold a received-message reply.
    async fn replied_since_own(&self, owner: Mid, talker: Mid) -> Result<bool, Error> {
        let query = HistoryQuery {
            after: crate::domain::Seqno::ZERO,
            before: crate::domain::Seqno(u64::MAX),
            size: LOOK_BACK,
            oldest_first: false,
        };
        let (recent, _) = self
            .store
            .history(owner, Talker::User(talker), query)
            .await?;
        for m in recent.iter().filter(|m| m.sender_uid == owner.get()) {
            if typed_by_user(m.msg_source) {
                return Ok(false);
            }
            if m.msg_source == msg_source::REPLY_RECEIVED {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The text of a text message's content.
fn text_of(content: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(content)
        .ok()?
        .get("content")?
        .as_str()
        .map(str::to_owned)
}

#[async_trait]
impl Subscriber for AutoReplies {
    async fn on_event(&self, event: &Event) {
        let outcome = match event {
            Event::RelationChanged {
                mid,
                fid,
                attribute: Some(Attribute::Following),
                ..
            } => self.on_follow(*mid, *fid).await,
            Event::MessageStored {
                message,
                visible_to: None,
            } if message.receiver_type == 1 && typed_by_user(message.msg_source) => {
                self.on_message(message).await
            }
            _ => Ok(()),
        };
        // The event's write is committed; a reply that fails is logged,
        // not reported as a failure of what caused it.
        if let Err(err) = outcome {
            tracing::warn!(error = ?err, "automatic reply not sent");
        }
    }
}
