//! Searching the text of one's own conversations.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::message::search::SearchText;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey};

/// A page of a search, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: SearchText,
    /// Only messages whose key is below this one (the last of the page
    /// before); `None` from the newest.
    pub before: Option<MsgKey>,
    pub size: u64,
}

#[async_trait]
pub trait SearchStore: Send + Sync {
    /// `owner`'s text messages (`msg_type` 1, sent with their own content)
    /// whose text contains `query.text` (letters of the Latin alphabet in
    /// either case), in conversations that are `owner`'s: with a user
    /// they have a session with, or of a fan group they are a member of.
    /// Only messages `owner` sees (`visible_to`) and neither recalled nor
    /// withdrawn (`msg_status` 0). Newest (largest key) first, at most
    /// `size`, and whether more follow.
    async fn search_messages(
        &self,
        owner: Mid,
        query: SearchQuery,
    ) -> Result<(Vec<Message>, bool), StoreError>;
}
