//! Fan groups: the group, its members, and sends to it.
//!
//! A group's messages live in one conversation (kind 2) with seqnos of its
//! own; each member has a session (`session_type` 2, `talker_id` the group
//! id) that every post moves (fan-out on write: a post touches one session
//! row per member). A member's session leaves the lists when they leave or
//! the group is dissolved; the messages stay.

use async_trait::async_trait;

use super::messages::SendOutcome;
use super::{Decide, StoreError};
use crate::domain::group::{Group, GroupFacts, GroupId, GroupStep};
use crate::domain::message::group_send::{GroupSendDecision, GroupSendFacts};
use crate::domain::message::send::Fingerprint;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey};

/// A group to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    /// Wanted id; the store picks the next free one when absent.
    pub id: Option<GroupId>,
    pub owner: Mid,
    pub name: String,
    pub cover: Option<String>,
    pub group_type: i64,
}

/// What a send to a group's facts are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSendContext {
    pub sender: Mid,
    pub group: GroupId,
    /// Microseconds: the time of the send and of what it stores.
    pub now_us: i64,
    /// Look for an identical send stored at or after `since` (unix seconds).
    pub retry: Option<(Fingerprint, i64)>,
    /// An image (upload name) to look for among the uploads.
    pub image: Option<String>,
    /// The message a recall points at.
    pub recall: Option<MsgKey>,
    /// The users the message mentions (whose membership the facts tell).
    pub mentioned: Vec<Mid>,
}

#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Creates a group: reads the facts (`id` is `new.id` or the next free
    /// id; `group` is the group already holding a wanted id, else `None`;
    /// `members` empty; `users` the owner with their name), runs `decide`,
    /// and if it agrees writes the group (not frozen, not dissolved) and
    /// applies its steps as [`GroupStore::change_group`] does, at `now_us`.
    /// Returns the id and the messages posted, in order.
    async fn create_group(
        &self,
        new: NewGroup,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<(GroupId, Vec<Message>), StoreError>;

    /// Changes a group: reads the facts (the group, its members in the
    /// order they joined, and each of `users` with their name, `None` for
    /// no such user), runs `decide`, and applies the steps in order at
    /// `now_us`: [`GroupStep::Set`] writes name, cover and states; `Join`
    /// makes a member (their session, created or taken back into the
    /// lists, reads up to the newest message, nothing unread, no mention);
    /// `Leave` ends a membership; `Post` appends a message with the next
    /// seqno of the group and a new key, and moves every current member's
    /// session to it (time, newest message, not removed): the sender's read
    /// position, one more unread for the others when the draft counts, and
    /// `at_seqno` for each member it mentions other than the sender.
    /// Returns the messages posted, in order.
    async fn change_group(
        &self,
        id: GroupId,
        users: Vec<Mid>,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<Vec<Message>, StoreError>;

    /// A member's send: reads the facts (retry hit, stop, image, the group,
    /// the sender's membership, which of `mentioned` are members, the recall
    /// target as for one-to-one sends, `same_conversation` meaning this
    /// group's, and the sender's rate, the one their one-to-one sends
    /// count against), runs `decide`, and applies its decision: a recall
    /// marks the target recalled and takes one from the unread count of
    /// every session of the group whose owner is not the target's sender
    /// and had not read it; the draft is posted as [`GroupStep::Post`]
    /// posts; the retry and the sender's rate are remembered; or a stop is
    /// stored, or (`Refuse`) only the sender's rate. `Stored` messages are
    /// shown to all (`None`). Concurrent sends to one group take gap-free
    /// seqnos.
    async fn send_to_group(
        &self,
        context: GroupSendContext,
        decide: Decide<GroupSendFacts, GroupSendDecision>,
    ) -> Result<SendOutcome, StoreError>;

    /// A group and its members in the order they joined (a dissolved group
    /// keeps the members it had).
    async fn group(&self, id: GroupId) -> Result<Option<(Group, Vec<Mid>)>, StoreError>;

    /// Whether `mid` is a member of the group (of a dissolved one too).
    async fn is_group_member(&self, id: GroupId, mid: Mid) -> Result<bool, StoreError>;
}
