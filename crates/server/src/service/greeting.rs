//! The mutual-follow greeting: when a follow makes two users follow each
//! other, the one who completed the pair sends "我们已互相关注，开始聊天吧~".

use std::sync::Arc;

use async_trait::async_trait;

use super::messages::MessageService;
use crate::events::{Event, Subscriber};

/// Sends the greeting on [`Event::BecameMutual`].
pub struct Greeting {
    messages: Arc<MessageService>,
}

impl Greeting {
    pub fn new(messages: Arc<MessageService>) -> Greeting {
        Greeting { messages }
    }
}

#[async_trait]
impl Subscriber for Greeting {
    async fn on_event(&self, event: &Event) {
        let Event::BecameMutual { mid, fid } = *event else {
            return;
        };
        // The follow is committed; a failed greeting is logged, not
        // reported as a failed follow.
        if let Err(err) = self.messages.send_mutual_greeting(mid, fid).await {
            tracing::warn!(%mid, %fid, error = ?err, "mutual-follow greeting not sent");
        }
    }
}
