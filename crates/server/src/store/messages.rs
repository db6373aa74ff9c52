//! Storage operations of the private-message family.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::Mid;

/// What kind of message is being written, which decides the rules applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Sent by a user through `send_msg`: every rule applies.
    User,
    /// Sent by the server on a user's behalf (the mutual-follow greeting):
    /// no stranger, privacy or retry rules.
    Automatic,
}

/// A message to write into a user-to-user conversation.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub origin: Origin,
    pub sender: Mid,
    pub receiver: Mid,
    pub msg_type: i64,
    /// The content object as JSON text, already validated and normalised.
    pub content: String,
    pub new_face_version: Option<i64>,
    pub msg_source: i64,
    /// For a recall (type 5): the key of the message to recall.
    pub recall_target: Option<u64>,
    /// Identifies a retried send (sender, receiver, dev_id, timestamp,
    /// content); `None` when the request carries no dev_id.
    pub fingerprint: Option<[u8; 32]>,
    /// Microseconds.
    pub now_us: i64,
    pub limits: SendLimits,
}

/// Time windows applied while writing a message.
#[derive(Debug, Clone, Copy)]
pub struct SendLimits {
    /// How long a message can be recalled, in microseconds.
    pub recall_window_us: i64,
    /// How long a retried send returns the first key, in seconds.
    pub retry_window_secs: i64,
}

/// The result of writing a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub msg_key: u64,
    pub msg_seqno: u64,
    /// True when this was a retry and nothing new was stored.
    pub retried: bool,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub sender_uid: u64,
    pub receiver_type: i64,
    pub receiver_id: u64,
    pub msg_type: i64,
    pub content: String,
    pub seqno: u64,
    pub ts_us: i64,
    pub at_uids: Option<String>,
    pub msg_key: u64,
    pub msg_status: i64,
    pub notify_code: String,
    pub new_face_version: Option<i64>,
    pub msg_source: i64,
}

/// One user's view of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub talker_id: u64,
    pub session_type: i64,
    pub top_ts: i64,
    pub is_follow: bool,
    pub is_dnd: bool,
    pub ack_seqno: u64,
    pub ack_ts: i64,
    pub session_ts: i64,
    pub unread_count: u64,
    pub last_msg: Option<StoredMessage>,
    pub max_seqno: u64,
    pub push_setting: i64,
    pub is_intercept: bool,
    pub is_trust: bool,
}

/// Which sessions a list shows (`get_sessions`' `session_type`, plus what
/// `new_sessions` shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFilter {
    /// Every session that is not intercepted.
    All,
    /// Sessions with users the owner follows.
    Followed,
    /// Sessions with users the owner does not follow.
    Unfollowed,
    /// Intercepted sessions (the dustbin).
    Intercepted,
    /// Fan-group sessions.
    Groups,
    /// Nothing (kinds of session sixin has none of, such as system ones).
    Nothing,
}

/// Ordering of a session list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOrder {
    /// Newest message first.
    SessionTime,
    /// Most recently read first.
    AckTime,
}

/// A page of a session list.
#[derive(Debug, Clone, Copy)]
pub struct SessionQuery {
    pub filter: SessionFilter,
    pub order: SessionOrder,
    /// Only sessions whose time is after this (microseconds), when given.
    pub after_ts: Option<i64>,
    /// Only sessions whose time is before this (microseconds), when given.
    pub before_ts: Option<i64>,
    pub size: u32,
}

/// A page of history: seqnos strictly between `after` and `before`. With
/// only `after`, the page holds the oldest messages above it; otherwise the
/// newest below `before`.
#[derive(Debug, Clone, Copy)]
pub struct HistoryQuery {
    pub after: Option<u64>,
    pub before: Option<u64>,
    pub size: u32,
}

/// Unread totals over a user's sessions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnreadTotals {
    pub follow: u64,
    pub unfollow: u64,
    pub dustbin: u64,
}

/// A per-session setting change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionChange {
    /// Pin at this time (microseconds), or unpin with 0.
    Top(i64),
    /// Do-not-disturb on or off.
    Dnd(bool),
    /// Push notifications: 0 receive, 1 do not receive.
    Push(i64),
    /// Intercept (move to the dustbin) or trust.
    Intercept(bool),
    /// Hide from the list (history kept) and mark read.
    Remove,
}

/// An uploaded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub owner: Mid,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub created_at: i64,
}

/// An entry of the emoji catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emote {
    /// With brackets, e.g. `[tv_doge]`.
    pub text: String,
    /// Absolute URL, or a path on this server.
    pub uri: String,
    pub size: i64,
    pub gif_url: Option<String>,
}

/// A keyword rule attaching `key_hit_infos` to text messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordRule {
    pub rule_id: i64,
    pub keywords: Vec<String>,
    pub toast: String,
}

/// Private messages, sessions, read state, message settings and uploads.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Writes a message after applying every rule atomically (blocks,
    /// privacy, the stranger limit, recalls, retries).
    async fn send_message(&self, message: Outgoing) -> Result<Sent, StoreError>;

    /// The message an earlier identical send stored, if it was within the
    /// retry window (`since`, unix seconds).
    async fn find_retry(
        &self,
        sender: Mid,
        fingerprint: [u8; 32],
        since: i64,
    ) -> Result<Option<Sent>, StoreError>;

    /// A page of `owner`'s sessions, and whether more follow.
    async fn sessions(
        &self,
        owner: Mid,
        query: SessionQuery,
    ) -> Result<(Vec<SessionRecord>, bool), StoreError>;

    /// One session, if the two ever talked.
    async fn session(&self, owner: Mid, talker: Mid) -> Result<Option<SessionRecord>, StoreError>;

    /// A page of the history between `owner` and `talker`, newest first, and
    /// whether older messages remain in the range.
    async fn history(
        &self,
        owner: Mid,
        talker: Mid,
        query: HistoryQuery,
    ) -> Result<(Vec<StoredMessage>, bool), StoreError>;

    /// Marks messages up to `seqno` (the newest when `None`) read. The read
    /// position never moves backwards.
    async fn ack(
        &self,
        owner: Mid,
        talker: Mid,
        seqno: Option<u64>,
        now_us: i64,
    ) -> Result<(), StoreError>;

    /// Changes a per-session setting, creating the session if needed.
    async fn change_session(
        &self,
        owner: Mid,
        talker: Mid,
        change: SessionChange,
    ) -> Result<(), StoreError>;

    /// Do-not-disturb and push settings of a session: `(is_dnd, push_setting)`.
    async fn session_settings(&self, owner: Mid, talker: Mid) -> Result<(bool, i64), StoreError>;

    /// How `talker` relates to `owner` as `get_session_ss` shows it: the
    /// talker's attribute towards the owner (6 when mutual) and whether the
    /// owner specially follows the talker.
    async fn follow_status(&self, owner: Mid, talker: Mid) -> Result<(i64, bool), StoreError>;

    /// Marks every intercepted session read.
    async fn ack_dustbin(&self, owner: Mid, now_us: i64) -> Result<(), StoreError>;

    /// Removes every intercepted session from the list.
    async fn clear_dustbin(&self, owner: Mid) -> Result<(), StoreError>;

    /// Unread totals, split by whether the owner follows the talker.
    async fn unread_totals(&self, owner: Mid) -> Result<UnreadTotals, StoreError>;

    /// The fields of a user's message settings that differ from the defaults.
    async fn message_settings(
        &self,
        mid: Mid,
    ) -> Result<serde_json::Map<String, serde_json::Value>, StoreError>;

    /// Merges `changes` into a user's message settings.
    async fn update_message_settings(
        &self,
        mid: Mid,
        changes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError>;

    /// Records an uploaded image (the bytes are already on disk).
    async fn record_upload(&self, upload: Upload) -> Result<(), StoreError>;

    /// An uploaded image by file name.
    async fn upload(&self, name: String) -> Result<Option<Upload>, StoreError>;

    /// The emoji catalogue.
    async fn emotes(&self) -> Result<Vec<Emote>, StoreError>;

    /// Adds or replaces an emoji.
    async fn put_emote(&self, emote: Emote) -> Result<(), StoreError>;

    /// Removes an emoji; `false` when there was none.
    async fn delete_emote(&self, text: String) -> Result<bool, StoreError>;

    /// The keyword rules.
    async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, StoreError>;

    /// Adds or replaces a keyword rule.
    async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), StoreError>;

    /// Removes a keyword rule; `false` when there was none.
    async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, StoreError>;

    /// Until when (unix seconds) `mid` may not send, if banned.
    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError>;

    /// Stops `mid` from sending until `until` (unix seconds).
    async fn ban_sender(&self, mid: Mid, until: i64) -> Result<(), StoreError>;
}
