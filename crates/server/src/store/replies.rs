//! Automatic replies: the texts and keyword rules users set.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::message::auto_reply::{AutoReply, ReplyWrite};
use crate::domain::Mid;

#[async_trait]
pub trait AutoReplyStore: Send + Sync {
    /// `mid`'s automatic replies, newest first.
    async fn auto_replies(&self, mid: Mid) -> Result<Vec<AutoReply>, StoreError>;

    /// Writes what `decide` makes of `mid`'s replies (newest first): a new
    /// reply (`id` `None`, numbered after every reply there is) or a
    /// replacement of `mid`'s reply with that id, at `now` (unix seconds).
    /// Returns its id.
    async fn set_auto_reply(
        &self,
        mid: Mid,
        now: i64,
        decide: Decide<Vec<AutoReply>, ReplyWrite>,
    ) -> Result<u64, StoreError>;

    /// Deletes the reply `id` if `decide`, shown it (whoever's it is, or
    /// `None`), says so.
    async fn delete_auto_reply(
        &self,
        id: u64,
        decide: Decide<Option<AutoReply>, bool>,
    ) -> Result<(), StoreError>;
}
