//! Private messages: sending, sessions, history, read state, preferences.
//!
//! A message is stored once per conversation, so both participants see the
//! same seqno; each participant has a session (their view of it). A user
//! sees a message unless it is shown to the other side only, or was
//! recalled by the system. Fan groups (`crate::store::groups`) are
//! conversations too: the methods here that take a [`Talker`] read and
//! change a member's session of a group as they do a user session.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::group::Group;
use crate::domain::message::block::BlockWord;
use crate::domain::message::send::{Fingerprint, SendDecision, SendFacts};
use crate::domain::message::session::{SessionState, Talker};
use crate::domain::message::settings::MessageSettings;
use crate::domain::message::{Message, Sent};
use crate::domain::relation::Attribute;
use crate::domain::system::{SystemAccount, SystemKind};
use crate::domain::{Mid, MsgKey, Refusal, Seqno};

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
    /// Refused, with the send counted against the sender's rate.
    Refused(Refusal),
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
    /// When the talker is a system account: how it is shown.
    pub system: Option<SystemAccount>,
    /// When the talker is a fan group: the group.
    pub group: Option<Group>,
    /// The newest message the owner sees that the system did not recall.
    pub last_msg: Option<Message>,
}

/// Which sessions a list shows. Group sessions are listed only while the
/// owner is a member and the group is not dissolved; every other filter
/// than `All` and `Groups` shows user sessions only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFilter {
    /// Every user session that is not intercepted, and every group session.
    All,
    /// Every user session that is not intercepted.
    Users,
    /// Not intercepted, with users the owner follows (openly or quietly)
    /// or with system accounts.
    FollowedOrSystem,
    /// Not intercepted, with users the owner does not follow (system
    /// accounts included).
    Unfollowed,
    /// Not intercepted, with users the owner does not follow, not system
    /// accounts.
    Strangers,
    /// Not intercepted, with system accounts.
    System,
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

/// What [`MessageStore::withdraw`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// The message as it was before.
    pub message: Message,
    /// The system recall stored in its place, and who alone sees it
    /// (`None`: both sides); none in a fan group, or when nothing was
    /// withdrawn now.
    pub recall: Option<(Message, Option<Mid>)>,
}

/// A session with unread messages, for the unread totals (group sessions
/// only while the owner is a member of the group and it is not dissolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadSession {
    /// A fan-group session.
    pub group: bool,
    pub intercepted: bool,
    pub owner_to_talker: Option<Attribute>,
    /// The talker's kind, when it is a system account.
    pub system: Option<SystemKind>,
    pub unread: u64,
    /// Of `unread`, the pushes and the notifications.
    pub push: u64,
    pub biz: u64,
}

/// The versions of everything a user's unread totals are computed from
/// (migration `unread_versions`): the user's own and everyone's (system
/// accounts, dissolved groups). Equal versions, equal unread sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnreadVersion {
    pub own: u64,
    pub everyone: u64,
}

/// What [`MessageStore::unread_if_changed`] read, in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadRead {
    pub version: UnreadVersion,
    /// The unread sessions at `version`; `None` when it is the version the
    /// caller knew.
    pub sessions: Option<Vec<UnreadSession>>,
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
    /// For a user: whether they exist. For a group: whether the owner is a
    /// member of it and it is not dissolved.
    pub talker_exists: bool,
    /// The session as it is (defaults when there is none yet).
    pub state: SessionState,
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Reads the facts of a send, runs `decide`, and applies its decision:
    /// stores the plan's messages (each taking the next seqno of the
    /// conversation and a new key; the conversation and both sessions are
    /// created as needed), marks a recalled message, remembers the retry
    /// and the sender's rate; or stores a sender's stop, or the rate of a
    /// refused sender.
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

    /// One session with a message in it (a group's only while the owner is
    /// a member).
    async fn session(
        &self,
        owner: Mid,
        talker: Talker,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// A page of what `owner` sees of the history with `talker`, in the
    /// query's order, and whether the range holds more. A group's history
    /// is every message of the group the system did not recall (membership
    /// is the caller's to check).
    async fn history(
        &self,
        owner: Mid,
        talker: Talker,
        query: HistoryQuery,
    ) -> Result<(Vec<Message>, bool), StoreError>;

    /// Moves `owner`'s read position with `talker` to where `decide` says
    /// (nothing when `None` or when there is no session), at `now_us`; the
    /// unread count becomes the messages after it that count as unread for
    /// the owner: the talker's (in a group, everyone else's, system
    /// messages included) that the owner sees, not recalled and not
    /// recalls; the push and notification counts those of them stored as
    /// such. `at_seqno` becomes 0 when the position reaches it. Returns
    /// the new position.
    async fn read(
        &self,
        owner: Mid,
        talker: Talker,
        now_us: i64,
        decide: Decide<ReadFacts, Option<Seqno>>,
    ) -> Result<Option<Seqno>, StoreError>;

    /// Sets `owner`'s session with `talker` to what `decide` makes of it,
    /// creating the session if needed (a group session exists from when
    /// its owner joined; if the decision agrees to change a group session
    /// that does not exist, nothing is written).
    async fn change_session(
        &self,
        owner: Mid,
        talker: Talker,
        decide: Decide<SessionFacts, SessionState>,
    ) -> Result<(), StoreError>;

    /// Applies `change` to each of `owner`'s intercepted sessions.
    async fn change_intercepted(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<(), StoreError>;

    /// Applies `change` to each of `owner`'s listed sessions with unread
    /// messages (with a user, not intercepted; of a group they are a member
    /// of, not dissolved); the sessions it changed, with their state after.
    async fn change_unread(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<Vec<(Talker, SessionState)>, StoreError>;

    /// `owner`'s session with `talker` (defaults when there is none).
    async fn session_state(&self, owner: Mid, talker: Talker) -> Result<SessionState, StoreError>;

    /// `owner`'s sessions with unread messages.
    async fn unread_sessions(&self, owner: Mid) -> Result<Vec<UnreadSession>, StoreError>;

    /// The version of `owner`'s unread sessions and, unless it is `known`,
    /// the sessions themselves, read at that version.
    async fn unread_if_changed(
        &self,
        owner: Mid,
        known: Option<UnreadVersion>,
    ) -> Result<UnreadRead, StoreError>;

    /// Recalls a message for the system (`msg_status` 2): the sessions
    /// that counted it unread (every one of its conversation whose owner is
    /// not its sender, sees it and had not read it, while it was neither
    /// recalled nor a recall) count it no more, as a message, push or
    /// notification as it was stored. In a user conversation the system
    /// recall `domain::message::recall::system_recall` makes of it is
    /// stored at `now_us` as the conversation's newest message, moving the
    /// sessions of those who see it (`last_seqno`, `session_ts`; neither
    /// unread nor read position). Returns the message as it was with that
    /// system recall, or `None` for no such key; a message already
    /// recalled by the system, or a system recall, is left as it is.
    async fn withdraw(
        &self,
        msg_key: MsgKey,
        now_us: i64,
    ) -> Result<Option<Withdrawal>, StoreError>;

    /// A user's message preferences.
    async fn message_settings(&self, mid: Mid) -> Result<MessageSettings, StoreError>;

    /// Sets a user's message preferences to what `decide` makes of them.
    async fn update_message_settings(
        &self,
        mid: Mid,
        decide: Decide<MessageSettings, MessageSettings>,
    ) -> Result<(), StoreError>;

    /// `mid`'s block words in the order they were added, each with when
    /// (unix seconds).
    async fn block_words(&self, mid: Mid) -> Result<Vec<(BlockWord, i64)>, StoreError>;

    /// Adds `word` to `mid`'s block words at `now` if `decide` allows it
    /// given the words `mid` has.
    async fn add_block_word(
        &self,
        mid: Mid,
        word: BlockWord,
        now: i64,
        decide: Decide<Vec<BlockWord>, ()>,
    ) -> Result<(), StoreError>;

    /// Removes `mid`'s block word whose key ([`BlockWord::key`]) is `key`,
    /// if there is one.
    async fn delete_block_word(&self, mid: Mid, key: String) -> Result<(), StoreError>;

    /// Until when (unix seconds) `mid` may not send, if stopped at `now`.
    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError>;
}
