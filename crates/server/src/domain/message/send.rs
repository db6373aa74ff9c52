//! The rules of sending, as pure functions of the facts a backend reads
//! inside its write transaction: retries, stops, the stranger rule, blocks
//! and privacy, and what gets written (recalls are checked by
//! [`super::recall`]).

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::recall::check_recall;
pub use super::recall::RecallTarget;
use super::{Content, Sent};
use crate::domain::relation::{follows, Attribute};
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
/// dev_id, timestamp, type, content), hashed.
pub type Fingerprint = [u8; 32];

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
    pub receiver_exists: bool,
    /// For an image on this server: whether it was uploaded.
    pub image_uploaded: Option<bool>,
    pub sender_to_receiver: Option<Attribute>,
    pub receiver_to_sender: Option<Attribute>,
    /// The receiver's "receive messages from people I don't follow" setting.
    pub receiver_accepts_strangers: bool,
    /// Messages each side has sent in this conversation.
    pub sender_sent: u64,
    pub receiver_sent: u64,
    /// How far the receiver has read.
    pub receiver_ack: Seqno,
    /// For a recall: the message it points at, if it exists.
    pub recall_target: Option<RecallTarget>,
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
    if facts.image_uploaded == Some(false) {
        return Err(Refusal::new(Code::ImageInvalid, "image not uploaded here"));
    }
    if message.origin == Origin::Automatic {
        return Ok(Screen::Proceed);
    }
    if let Some(earlier) = facts.earlier {
        return Ok(Screen::Answer(earlier));
    }
    if facts.banned_until.is_some() {
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
    if origin == Origin::Automatic || is_recall || facts.receiver_sent > 0 {
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
    /// `None`: both sides see it, and it counts as sent by its sender (the
    /// stranger rule counts those). Else only this user sees it, and only
    /// their session moves (a system tip).
    pub visible_to: Option<Mid>,
    /// Whether it adds one to the receiver's unread count.
    pub counts_unread: bool,
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
    Store(MessagePlan),
}

/// Content of the tip shown to a sender after a first message to a stranger.
pub const STRANGER_TIP: &str = r##"{"content":"[{\"text\":\"对方主动回复或关注你前，最多发送1条消息\",\"color_day\":\"#9499A0\",\"color_nig\":\"#9499A0\"}]"}"##;

/// Content of the automatic message sent when two users follow each other.
pub const MUTUAL_GREETING: &str = r#"{"content":"我们已互相关注，开始聊天吧~"}"#;

/// The rules after the rate limit: an unknown receiver (-400), [`admit`],
/// [`check_recall`]; and what to write.
pub fn plan(
    message: &Outgoing,
    facts: &SendFacts,
    recall_window_us: i64,
) -> Result<MessagePlan, Refusal> {
    if !facts.receiver_exists {
        return Err(Refusal::bad_request("receiver does not exist"));
    }
    let recall_target = match &message.content {
        Content::Recall { target, .. } => Some(*target),
        _ => None,
    };
    let admission = admit(message.origin, recall_target.is_some(), facts)?;
    let recall = match recall_target {
        Some(target) => {
            check_recall(facts.recall_target, message.now_us, recall_window_us)?;
            let seqno = facts.recall_target.map_or(Seqno::ZERO, |t| t.seqno);
            Some(RecallWrite {
                target,
                drops_unread: seqno > facts.receiver_ack,
            })
        }
        None => None,
    };
    let by_user = message.origin == Origin::User;
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
        visible_to: None,
        counts_unread: recall.is_none(),
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
        });
    }
    Ok(MessagePlan {
        drafts,
        recall,
        remember: message.fingerprint.filter(|_| by_user),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strangers() -> SendFacts {
        SendFacts {
            receiver_exists: true,
            receiver_accepts_strangers: true,
            ..SendFacts::default()
        }
    }

    fn text(origin: Origin) -> Outgoing {
        Outgoing {
            origin,
            sender: Mid::new(1).unwrap(),
            receiver: Mid::new(2).unwrap(),
            content: Content::Text {
                json: r#"{"content":"hi"}"#.into(),
                text: "hi".into(),
            },
            msg_source: msg_source::WEB,
            fingerprint: Some([7; 32]),
            now_us: 1_000_000_000,
        }
    }

    #[test]
    fn blocks_come_first() {
        let facts = SendFacts {
            sender_to_receiver: Some(Attribute::Blocked),
            receiver_to_sender: Some(Attribute::Blocked),
            ..strangers()
        };
        assert_eq!(
            admit(Origin::User, false, &facts),
            Err(Code::ReceiverBlocked)
        );
        let facts = SendFacts {
            receiver_to_sender: Some(Attribute::Blocked),
            ..strangers()
        };
        assert_eq!(
            admit(Origin::User, false, &facts),
            Err(Code::ReceiverPrivacy)
        );
        assert_eq!(
            admit(Origin::Automatic, false, &facts),
            Err(Code::ReceiverPrivacy)
        );
    }

    #[test]
    fn a_stranger_gets_one_message_and_a_tip_only_the_sender_sees() {
        let plan = plan(&text(Origin::User), &strangers(), 0).unwrap();
        assert_eq!(plan.drafts.len(), 2);
        assert_eq!(plan.drafts[0].at_uids, Some(vec![0]));
        assert!(plan.drafts[0].counts_unread);
        let tip = &plan.drafts[1];
        assert_eq!(tip.msg_type, msg_type::SYSTEM_TIP);
        assert_eq!(tip.visible_to, Some(Mid::new(1).unwrap()));
        assert!(!tip.counts_unread);
        assert_eq!(plan.remember, Some([7; 32]));
        let again = SendFacts {
            sender_sent: 1,
            ..strangers()
        };
        assert_eq!(admit(Origin::User, false, &again), Err(Code::StrangerLimit));
        assert_eq!(admit(Origin::User, true, &again), Ok(Admission::Plain));
    }

    #[test]
    fn following_or_replying_lifts_the_limit() {
        for attribute in [Attribute::Quiet, Attribute::Following] {
            let facts = SendFacts {
                receiver_to_sender: Some(attribute),
                sender_sent: 5,
                ..strangers()
            };
            assert_eq!(admit(Origin::User, false, &facts), Ok(Admission::Plain));
        }
        let replied = SendFacts {
            receiver_sent: 1,
            sender_sent: 5,
            ..strangers()
        };
        assert_eq!(admit(Origin::User, false, &replied), Ok(Admission::Plain));
    }

    #[test]
    fn replies_and_recalls_pass_a_closed_privacy_setting() {
        let closed = SendFacts {
            receiver_accepts_strangers: false,
            ..SendFacts::default()
        };
        let reply = SendFacts {
            receiver_sent: 1,
            ..closed.clone()
        };
        assert_eq!(admit(Origin::User, false, &reply), Ok(Admission::Plain));
        assert_eq!(admit(Origin::User, true, &closed), Ok(Admission::Plain));
        assert_eq!(
            admit(Origin::User, false, &closed),
            Err(Code::ReceiverPrivacy)
        );
        let followed = SendFacts {
            receiver_to_sender: Some(Attribute::Following),
            ..closed.clone()
        };
        assert_eq!(admit(Origin::User, false, &followed), Ok(Admission::Plain));
        assert_eq!(
            admit(Origin::Automatic, false, &closed),
            Ok(Admission::Plain)
        );
    }

    #[test]
    fn retries_are_answered_before_a_stop_and_automatic_sends_skip_both() {
        let earlier = Sent {
            msg_key: MsgKey(9),
            msg_seqno: Seqno(3),
        };
        let facts = SendFacts {
            earlier: Some(earlier),
            banned_until: Some(5),
            ..strangers()
        };
        assert_eq!(
            screen(&text(Origin::User), &facts),
            Ok(Screen::Answer(earlier))
        );
        let stopped = SendFacts {
            earlier: None,
            ..facts.clone()
        };
        assert_eq!(
            screen(&text(Origin::User), &stopped).unwrap_err().code,
            Code::SendBanned24h
        );
        assert_eq!(
            screen(&text(Origin::Automatic), &facts),
            Ok(Screen::Proceed)
        );
        let unknown_image = SendFacts {
            image_uploaded: Some(false),
            ..facts
        };
        assert_eq!(
            screen(&text(Origin::User), &unknown_image)
                .unwrap_err()
                .code,
            Code::ImageInvalid
        );
    }

    #[test]
    fn automatic_messages_carry_no_at_uids_and_are_not_remembered() {
        let plan = plan(&text(Origin::Automatic), &strangers(), 0).unwrap();
        assert_eq!(plan.drafts.len(), 1);
        assert_eq!(plan.drafts[0].at_uids, None);
        assert_eq!(plan.remember, None);
        let nobody = SendFacts {
            receiver_exists: false,
            ..strangers()
        };
        assert_eq!(
            super::plan(&text(Origin::User), &nobody, 0)
                .unwrap_err()
                .code,
            Code::BadRequest
        );
    }

    #[test]
    fn a_recall_of_an_unread_message_drops_it_from_the_unread_count() {
        let recall = Outgoing {
            content: Content::Recall {
                json: "9".into(),
                target: MsgKey(9),
            },
            ..text(Origin::User)
        };
        let facts = SendFacts {
            receiver_ack: Seqno(3),
            recall_target: Some(RecallTarget {
                seqno: Seqno(4),
                same_conversation: true,
                visible_to_both: true,
                sent_by_caller: true,
                msg_status: 0,
                msg_type: 1,
                ts_us: 1_000_000_000,
            }),
            ..strangers()
        };
        let plan = plan(&recall, &facts, 1).unwrap();
        assert_eq!(
            plan.recall,
            Some(RecallWrite {
                target: MsgKey(9),
                drops_unread: true
            })
        );
        assert_eq!(plan.drafts.len(), 1, "a recall is never followed by a tip");
        assert_eq!(plan.drafts[0].new_face_version, None);
        assert!(!plan.drafts[0].counts_unread);
    }

    #[test]
    fn automatic_contents_are_valid_json() {
        let tip: serde_json::Value = serde_json::from_str(STRANGER_TIP).unwrap();
        let inner: serde_json::Value =
            serde_json::from_str(tip["content"].as_str().unwrap()).unwrap();
        assert_eq!(inner[0]["text"], "对方主动回复或关注你前，最多发送1条消息");
        let greeting: serde_json::Value = serde_json::from_str(MUTUAL_GREETING).unwrap();
        assert_eq!(greeting["content"], "我们已互相关注，开始聊天吧~");
    }
}
