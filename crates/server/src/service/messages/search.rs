//! Searching one's own conversations (sixin's own; Bilibili's clients
//! have no such call).

use super::MessageService;
use crate::domain::message::search::{session_of, SearchText};
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey};
use crate::error::Error;
use crate::store::search::SearchQuery;

/// Most messages one page of a search holds.
pub const MAX_FOUND: u64 = 50;

impl MessageService {
    /// `owner`'s text messages containing `keyword`, newest first, below
    /// `before` when given: at most `size` (1 to [`MAX_FOUND`]), each with
    /// the session it is in, and whether more follow. -400 for an empty or
    /// too long keyword.
    pub async fn search(
        &self,
        owner: Mid,
        keyword: &str,
        before: Option<MsgKey>,
        size: u64,
    ) -> Result<(Vec<(Talker, Message)>, bool), Error> {
        let query = SearchQuery {
            text: SearchText::parse(keyword)?,
            before,
            size: size.clamp(1, MAX_FOUND),
        };
        let (messages, more) = self.store.search_messages(owner, query).await?;
        let found = messages
            .into_iter()
            .filter_map(|m| Some((session_of(owner, &m)?, self.shown(m))))
            .collect();
        Ok((found, more))
    }
}
