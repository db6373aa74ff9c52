//! Deliveries from the admin API (pushes): a job holds the content once
//! and who is to receive it (a list, or everyone at the time it was made),
//! and is delivered in batches.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::message::push::{PushFacts, UnreadKind};
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey};

/// A delivery to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPush {
    pub sender: Mid,
    /// `None`: everyone but the sender (the users there are when the job is
    /// made).
    pub receivers: Option<Vec<Mid>>,
    pub msg_type: i64,
    /// The content object as JSON text.
    pub content: String,
    pub msg_source: i64,
    pub notify_code: String,
    pub unread_kind: UnreadKind,
}

/// A delivery job and its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushJob {
    pub id: u64,
    pub sender: Mid,
    pub msg_type: i64,
    pub msg_source: i64,
    /// Delivered to everyone (not a list).
    pub to_everyone: bool,
    /// Receivers to go through.
    pub total: u64,
    /// Messages stored so far.
    pub delivered: u64,
    /// Receivers passed over (no such user, the sender, or a block).
    pub skipped: u64,
    /// The key of the first message stored.
    pub first_key: Option<MsgKey>,
    /// Microseconds.
    pub created_at: i64,
    /// Microseconds; `None` while receivers remain.
    pub finished_at: Option<i64>,
}

/// Whether a receiver gets the delivery, given what the store read.
pub type Admit = Box<dyn Fn(Mid, &PushFacts) -> bool + Send>;

#[async_trait]
pub trait PushStore: Send + Sync {
    /// Stores a job at `now_us`: the content once, the receivers (a list,
    /// or everyone but the sender up to the newest mid there is now) and
    /// `total` (the list's length, or how many users that is).
    async fn create_push(&self, push: NewPush, now_us: i64) -> Result<PushJob, StoreError>;

    /// Delivers an unfinished job to its next receivers, at most `batch`
    /// of them (in the list's order, or by mid), in one transaction: each
    /// admitted by `admit` (given whether they exist and how they relate to
    /// the sender) gets a message in their conversation with the sender
    /// (next seqno, a new key, `now_us`, the job's type, shared content,
    /// source, notify code and unread kind, `new_face_version` 1 and `at_uids`
    /// null, as the documents' examples of pushes show them; shown to both),
    /// their session (created as needed) moves to it with one more unread
    /// (push or notification as the kind says) and is no longer removed;
    /// the sender's session moves as for their own message only if it
    /// exists. The others are skipped. When no receiver remains, the job
    /// is finished at `now_us`. Returns the job after, and the messages
    /// stored. A finished or unknown job delivers nothing.
    async fn deliver_push(
        &self,
        id: u64,
        batch: usize,
        now_us: i64,
        admit: Admit,
    ) -> Result<(Option<PushJob>, Vec<Message>), StoreError>;

    /// A job and its progress.
    async fn push_job(&self, id: u64) -> Result<Option<PushJob>, StoreError>;

    /// The jobs not finished, oldest first.
    async fn unfinished_pushes(&self) -> Result<Vec<u64>, StoreError>;
}
