//! The rules of sending, as pure functions of the facts a backend reads
//! inside its write transaction: retries, stops, the stranger rule, blocks
//! and privacy, the receiver's block words, and what gets written (recalls
//! are checked by [`super::recall`], block words are [`super::block`]).

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::block::{hides, BlockWord};
use super::rate::SendRate;
use super::recall::check_recall;
pub use super::recall::RecallTarget;
use super::{Content, Sent};
use crate::domain::account::AccountState;
use crate::domain::relation::{follows, Attribute};
use crate::domain::system::stranger_rule_applies;
use crate::domain::{Mid, MsgKey, Refusal, Seqno};

/// Who is sending, which decides the rules applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A user through `send_msg`: every rule applies.
    User,
    /// The server on a user's behalf (the mutual-follow greeting): only
    /// blocks apply.
    Automatic,
}

/// Identifies a retried send: everything the client chose (receiver,
/// dev_id, timestamp, type, content), hashed. Eight bytes of SHA-256: a
/// sender's sends within one retry window collide with a chance of about
/// n²/2^65, and a retry row (kept for every send for the window) is a
/// third of the size it would be with the whole hash.
pub type Fingerprint = [u8; 8];

/// A message a user or the server wants to send, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub origin: Origin,
    pub sender: Mid,
    pub receiver: Mid,
    pub content: Content,
    pub msg_source: i64,
    /// `None` when the request carries no dev_id (or for automatic messages).
    pub fingerprint: Option<Fingerprint>,
    /// Microseconds.
    pub now_us: i64,
}

/// What sending needs to know, read inside the write transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendFacts {
    /// What an identical send within the retry window stored.
    pub earlier: Option<Sent>,
    /// Until when (unix seconds) the sender may not send, if stopped.
    pub banned_until: Option<i64>,
    /// The receiver's state; `None`: no such user.
    pub receiver: Option<AccountState>,
    /// For an image on this server: whether it was uploaded.
    pub image_uploaded: Option<bool>,
    pub sender_to_receiver: Option<Attribute>,
    pub receiver_to_sender: Option<Attribute>,
    /// The receiver's "receive messages from people I don't follow" setting.
    pub receiver_accepts_strangers: bool,
    /// The receiver's one-key anti-harassment switch.
    pub receiver_intercepts_strangers: bool,
    /// The receiver took this conversation out of the dustbin before.
    pub receiver_trusts_sender: bool,
    /// The receiver's block words.
    pub receiver_block_words: Vec<BlockWord>,
    /// Whether each side is a system account (no stranger rule then).
    pub sender_is_system: bool,
    pub receiver_is_system: bool,
    /// Messages each side has sent in this conversation.
    pub sender_sent: u64,
    pub receiver_sent: u64,
    /// How far the receiver has read.
    pub receiver_ack: Seqno,
    /// For a recall: the message it points at, if it exists.
    pub recall_target: Option<RecallTarget>,
    /// The sender's recent sends, for the rate limit.
    pub sender_rate: SendRate,
}

/// What happens to a send before any limit is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// A retry: answer what the first send stored, store nothing.
    Answer(Sent),
    /// Go on to the rate limit and [`plan`].
    Proceed,
}

/// The checks that come before the rate limit: an image that was never
/// uploaded here (21037), a retry (answered with the first key, before any
/// limit is counted), a sender stopped for 24 hours (21046).
pub fn screen(message: &Outgoing, facts: &SendFacts) -> Result<Screen, Refusal> {
    screen_parts(
        message.origin,
        facts.image_uploaded,
        facts.earlier,
        facts.banned_until,
    )
}

/// [`screen`] on its facts one by one (fan-group sends have the same).
pub fn screen_parts(
    origin: Origin,
    image_uploaded: Option<bool>,
    earlier: Option<Sent>,
    banned_until: Option<i64>,
) -> Result<Screen, Refusal> {
    if image_uploaded == Some(false) {
        return Err(Refusal::new(Code::ImageInvalid, "image not uploaded here"));
    }
    if origin == Origin::Automatic {
        return Ok(Screen::Proceed);
    }
    if let Some(earlier) = earlier {
        return Ok(Screen::Answer(earlier));
    }
    if banned_until.is_some() {
        return Err(Code::SendBanned24h.into());
    }
    Ok(Screen::Proceed)
}

/// How an admitted message is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Plain,
    /// The sender's first message to someone who neither follows them nor
    /// has replied: it is followed by the type-18 tip only the sender sees.
    FirstToStranger,
}

/// Decides whether a message may be sent.
///
/// Order: the sender's own block (25005), the receiver's block or privacy
/// setting (25003), then the one-message limit towards strangers (21047).
/// A recall, or a reply in a conversation the receiver took part in, is
/// never held back by the stranger rules.
pub fn admit(origin: Origin, is_recall: bool, facts: &SendFacts) -> Result<Admission, Code> {
    if facts.sender_to_receiver == Some(Attribute::Blocked) {
        return Err(Code::ReceiverBlocked);
    }
    if facts.receiver_to_sender == Some(Attribute::Blocked) {
        return Err(Code::ReceiverPrivacy);
    }
    if origin == Origin::Automatic
        || is_recall
        || facts.receiver_sent > 0
        || !stranger_rule_applies(facts.sender_is_system, facts.receiver_is_system)
    {
        return Ok(Admission::Plain);
    }
    let followed_by_receiver = follows(facts.receiver_to_sender);
    if !followed_by_receiver && !facts.receiver_accepts_strangers {
        return Err(Code::ReceiverPrivacy);
    }
    if followed_by_receiver {
        return Ok(Admission::Plain);
    }
    if facts.sender_sent >= 1 {
        return Err(Code::StrangerLimit);
    }
    Ok(Admission::FirstToStranger)
}

/// A message to append to the conversation; the backend gives it the next
/// seqno, a new key and the time of the send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub sender: Mid,
    pub receiver: Mid,
    pub msg_type: i64,
    pub content: String,
    pub new_face_version: Option<i64>,
    pub msg_source: i64,
    pub at_uids: Option<Vec<u64>>,
    /// `None`: both sides see it. Else only this user sees it, and only
    /// their session moves (a system tip, or a message the receiver's
    /// block words hide).
    pub visible_to: Option<Mid>,
    /// Whether it adds one to the receiver's unread count.
    pub counts_unread: bool,
    /// Whether it counts as a message its sender sent in the conversation
    /// (the stranger rule counts those): everything but system tips.
    pub counts_as_sent: bool,
}

/// Marks an earlier message recalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecallWrite {
    pub target: MsgKey,
    /// The receiver had not read it, so it no longer waits to be read.
    pub drops_unread: bool,
}

/// What a successful send writes, in one transaction.
///
/// Each draft advances the session of each side that sees it: the sender's
/// read position moves with its own messages; the receiver's unread count
/// grows by the drafts that count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePlan {
    pub drafts: Vec<Draft>,
    pub recall: Option<RecallWrite>,
    /// Remember the send for retry detection.
    pub remember: Option<Fingerprint>,
    /// The receiver's session goes to the dustbin (is intercepted).
    pub intercept: bool,
    /// The sender's rate-limit state after this send (`None`: unchanged).
    pub rate: Option<SendRate>,
}

/// What the backend does with a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendDecision {
    /// A retry: nothing is written.
    Retried(Sent),
    /// Sustained abuse: stop the sender until then (unix seconds) and refuse.
    StopSender {
        until: i64,
    },
    /// A refusal that still counts against the sender's rate limit (too
    /// fast, or refused after the send was counted): store the sender's
    /// rate, write nothing else, and refuse.
    Refuse {
        refusal: Refusal,
        rate: SendRate,
    },
    Store(MessagePlan),
}

/// Content of the tip shown to a sender after a first message to a stranger.
pub const STRANGER_TIP: &str = r##"{"content":"[{\"text\":\"对方主动回复或关注你前，最多发送1条消息\",\"color_day\":\"#9499A0\",\"color_nig\":\"#9499A0\"}]"}"##;

/// Content of the automatic message sent when two users follow each other.
pub const MUTUAL_GREETING: &str = r#"{"content":"我们已互相关注，开始聊天吧~"}"#;

/// The rules after the rate limit: an unknown receiver (-400), [`admit`],
/// [`check_recall`]; and what to write.
///
/// A text a user sends that contains one of the receiver's block words is
/// stored for the sender only: the sender's answer, history and stranger
/// limit are as for any message, the receiver sees nothing of it. A recall
/// of such a message is hidden from the receiver in the same way.
pub fn plan(
    message: &Outgoing,
    facts: &SendFacts,
    recall_window_us: i64,
) -> Result<MessagePlan, Refusal> {
    let recall_target = match &message.content {
        Content::Recall { target, .. } => Some(*target),
        _ => None,
    };
    match facts.receiver {
        None => return Err(Refusal::bad_request("msg[receiver_id] is not a user")),
        // Messages already exchanged stay (and may be recalled); nothing new
        // reaches a deleted account.
        Some(AccountState::Deleted) if recall_target.is_none() => {
            return Err(Refusal::new(Code::AccountDeleted, "receiver deleted"))
        }
        Some(_) => {}
    }
    let admission = admit(message.origin, recall_target.is_some(), facts)?;
    let mut hidden = false;
    let recall = match recall_target {
        Some(target) => {
            check_recall(facts.recall_target, message.now_us, recall_window_us)?;
            let (seqno, shown_to_other) = facts
                .recall_target
                .map_or((Seqno::ZERO, true), |t| (t.seqno, t.shown_to_other));
            hidden = !shown_to_other;
            Some(RecallWrite {
                target,
                drops_unread: shown_to_other && seqno > facts.receiver_ack,
            })
        }
        None => None,
    };
    let by_user = message.origin == Origin::User;
    if let (true, Content::Text { text, .. }) = (by_user, &message.content) {
        hidden = hides(text, &facts.receiver_block_words);
    }
    let mut drafts = vec![Draft {
        sender: message.sender,
        receiver: message.receiver,
        msg_type: message.content.msg_type(),
        content: message.content.json().to_owned(),
        // Old emoji names were converted, so what is stored is new-style;
        // recalls carry no emoji version, as in the documents' examples.
        new_face_version: recall.is_none().then_some(1),
        msg_source: message.msg_source,
        at_uids: by_user.then(|| vec![0]),
        visible_to: hidden.then_some(message.sender),
        counts_unread: recall.is_none() && !hidden,
        counts_as_sent: true,
    }];
    if admission == Admission::FirstToStranger {
        drafts.push(Draft {
            sender: message.sender,
            receiver: message.receiver,
            msg_type: msg_type::SYSTEM_TIP,
            content: STRANGER_TIP.to_owned(),
            new_face_version: None,
            msg_source: msg_source::SYSTEM_TIP,
            at_uids: None,
            visible_to: Some(message.sender),
            counts_unread: false,
            counts_as_sent: false,
        });
    }
    Ok(MessagePlan {
        intercept: by_user && !hidden && intercepts(facts),
        drafts,
        recall,
        remember: message.fingerprint.filter(|_| by_user),
        rate: None,
    })
}

/// Whether a user's message lands in the receiver's dustbin: the receiver
/// turned the one-key anti-harassment switch on, and the sender is a
/// stranger to them (not followed, no system account on either side, the
/// receiver never wrote in the conversation, and never trusted it).
pub fn intercepts(facts: &SendFacts) -> bool {
    facts.receiver_intercepts_strangers
        && !follows(facts.receiver_to_sender)
        && stranger_rule_applies(facts.sender_is_system, facts.receiver_is_system)
        && facts.receiver_sent == 0
        && !facts.receiver_trusts_sender
}

#[cfg(test)]
mod tests;
