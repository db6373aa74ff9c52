//! Private messages: sending, sessions, history, read state, preferences.
//!
//! A message is stored once per conversation, so both participants see the
//! same seqno; each participant has a session (their view of it). A user
//! sees a message unless it is shown to the other side only, or was
//! recalled by the system.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::message::send::{Fingerprint, SendDecision, SendFacts};
use crate::domain::message::session::SessionState;
use crate::domain::message::settings::MessageSettings;
use crate::domain::message::{Message, Sent};
use crate::domain::relation::Attribute;
use crate::domain::{Mid, MsgKey, Seqno};

/// What a send's facts are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendContext {
    pub sender: Mid,
    pub receiver: Mid,
    /// Microseconds: the time of the send and of what it stores.
    pub now_us: i64,
    /// Look for an identical send stored at or after `since` (unix seconds).
    pub retry: Option<(Fingerprint, i64)>,
    /// An image (upload name) to look for among the uploads.
    pub image: Option<String>,
    /// The message a recall points at.
    pub recall: Option<MsgKey>,
}

/// What a send did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// A retry: what the first send stored.
    Retried(Sent),
    /// The sender was stopped (and the stop is stored).
    SenderStopped { until: i64 },
    /// The messages stored, in order, each with whom alone it is shown to
    /// (`None`: both sides), and the message recalled, if any.
    Stored {
        messages: Vec<(Message, Option<Mid>)>,
        recalled: Option<MsgKey>,
    },
}

/// One user's view of a conversation, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub talker_id: u64,
    /// 1 user, 2 fan group.
    pub session_type: i64,
    pub state: SessionState,
    /// Microseconds; orders lists.
    pub session_ts: i64,
    /// The owner's relation to the talker.
    pub owner_to_talker: Option<Attribute>,
    pub last_msg: Option<Message>,
}

/// Which sessions a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFilter {
    /// Every session that is not intercepted.
    All,
    /// Not intercepted, with users the owner follows (openly or quietly).
    Followed,
    /// Not intercepted, with users the owner does not follow.
    Unfollowed,
    /// Intercepted sessions (the dustbin).
    Intercepted,
    /// Fan-group sessions.
    Groups,
}

/// Ordering of a session list, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOrder {
    /// By the time of the last message.
    SessionTime,
    /// By the time of the last read.
    AckTime,
}

/// A page of a session list: sessions with a message, not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionQuery {
    pub filter: SessionFilter,
    pub order: SessionOrder,
    /// Only sessions whose time is after this (microseconds).
    pub after_ts: Option<i64>,
    /// Only sessions whose time is before this (microseconds).
    pub before_ts: Option<i64>,
    pub size: u64,
}

/// A page of history: seqnos strictly between `after` and `before`, the
/// `size` nearest to `before` (newest first), or with `oldest_first` the
/// `size` nearest to `after` (oldest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryQuery {
    pub after: Seqno,
    pub before: Seqno,
    pub size: u64,
    pub oldest_first: bool,
}

/// A session with unread messages, for the unread totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadSession {
    pub intercepted: bool,
    pub owner_to_talker: Option<Attribute>,
    pub unread: u64,
}

/// A session's read position and newest message, for `update_ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadFacts {
    pub ack: Seqno,
    pub last: Seqno,
}

/// What changing a session's settings needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFacts {
    pub talker_exists: bool,
    /// The session as it is (defaults when there is none yet).
    pub state: SessionState,
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Reads the facts of a send, runs `decide`, and applies its decision:
    /// stores the plan's messages (each taking the next seqno of the
    /// conversation and a new key; the conversation and both sessions are
    /// created as needed), marks a recalled message, remembers the retry,
    /// or stores a sender's stop.
    async fn send(
        &self,
        context: SendContext,
        decide: Decide<SendFacts, SendDecision>,
    ) -> Result<SendOutcome, StoreError>;

    /// A page of `owner`'s sessions, and whether more follow.
    async fn sessions(
        &self,
        owner: Mid,
        query: SessionQuery,
    ) -> Result<(Vec<SessionRecord>, bool), StoreError>;

    /// One session with a message in it.
    async fn session(&self, owner: Mid, talker: Mid) -> Result<Option<SessionRecord>, StoreError>;

    /// A page of what `owner` sees of the history with `talker`, in the
    /// query's order, and whether the range holds more.
    async fn history(
        &self,
        owner: Mid,
        talker: Mid,
        query: HistoryQuery,
    ) -> Result<(Vec<Message>, bool), StoreError>;

    /// Moves `owner`'s read position with `talker` to where `decide` says
    /// (nothing when `None` or when there is no session), at `now_us`; the
    /// unread count becomes the talker's messages after it that the owner
    /// sees, not recalled and not recalls. Returns the new position.
    async fn read(
        &self,
        owner: Mid,
        talker: Mid,
        now_us: i64,
        decide: Decide<ReadFacts, Option<Seqno>>,
    ) -> Result<Option<Seqno>, StoreError>;

    /// Sets `owner`'s session with `talker` to what `decide` makes of it,
    /// creating the session if needed.
    async fn change_session(
        &self,
        owner: Mid,
        talker: Mid,
        decide: Decide<SessionFacts, SessionState>,
    ) -> Result<(), StoreError>;

    /// Applies `change` to each of `owner`'s intercepted sessions.
    async fn change_intercepted(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<(), StoreError>;

    /// `owner`'s session with `talker` (defaults when there is none).
    async fn session_state(&self, owner: Mid, talker: Mid) -> Result<SessionState, StoreError>;

    /// `owner`'s sessions with unread messages.
    async fn unread_sessions(&self, owner: Mid) -> Result<Vec<UnreadSession>, StoreError>;

    /// A user's message preferences.
    async fn message_settings(&self, mid: Mid) -> Result<MessageSettings, StoreError>;

    /// Sets a user's message preferences to what `decide` makes of them.
    async fn update_message_settings(
        &self,
        mid: Mid,
        decide: Decide<MessageSettings, MessageSettings>,
    ) -> Result<(), StoreError>;

    /// Until when (unix seconds) `mid` may not send, if stopped at `now`.
    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError>;
}
