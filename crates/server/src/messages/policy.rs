//! The rules deciding whether a message may be written, as pure functions of
//! facts a backend gathers inside its write transaction. Keeping them here
//! means every storage backend applies the same rules.

use sixin_api::Code;

use crate::store::messages::Origin;

/// Relation attribute values as stored (see the relations migration).
pub const QUIET_FOLLOW: i64 = 1;
pub const FOLLOW: i64 = 2;
pub const BLOCKED: i64 = 128;

/// Whether a stored attribute means "follows" (openly or quietly).
pub fn is_following(attribute: Option<i64>) -> bool {
    matches!(attribute, Some(QUIET_FOLLOW) | Some(FOLLOW))
}

/// What the backend knows about a sender and receiver when a message arrives.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendFacts {
    /// The sender's stored relation to the receiver.
    pub sender_to_receiver: Option<i64>,
    /// The receiver's stored relation to the sender.
    pub receiver_to_sender: Option<i64>,
    /// The receiver's "receive messages from people I don't follow" setting.
    pub receiver_accepts_strangers: bool,
    /// Messages the receiver has sent in this conversation.
    pub receiver_sent: u64,
    /// Messages the sender has sent in this conversation.
    pub sender_sent: u64,
    /// Whether the message is a recall (type 5).
    pub is_recall: bool,
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
/// Recalls of one's own messages are never held back by the stranger limit.
pub fn admit(origin: Origin, facts: SendFacts) -> Result<Admission, Code> {
    if facts.sender_to_receiver == Some(BLOCKED) {
        return Err(Code::ReceiverBlocked);
    }
    if facts.receiver_to_sender == Some(BLOCKED) {
        return Err(Code::ReceiverPrivacy);
    }
    if origin == Origin::Automatic {
        return Ok(Admission::Plain);
    }
    // A recall, or a reply in a conversation the receiver took part in, is
    // never held back by the stranger rules.
    if facts.is_recall || facts.receiver_sent > 0 {
        return Ok(Admission::Plain);
    }
    let followed_by_receiver = is_following(facts.receiver_to_sender);
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

/// What the backend knows about the message a recall points at.
#[derive(Debug, Clone, Copy)]
pub struct RecallTarget {
    pub same_conversation: bool,
    /// Shown to both sides (system tips are shown to one side only).
    pub visible_to_both: bool,
    pub sent_by_caller: bool,
    pub msg_status: i64,
    pub msg_type: i64,
    /// Microseconds.
    pub ts_us: i64,
}

/// Decides whether a recall may happen: 10005 for a key that is not a
/// message of this conversation (or not one that can be recalled), -400 for
/// someone else's message, 21042 when already recalled, 21041 past the window.
pub fn check_recall(target: Option<RecallTarget>, now_us: i64, window_us: i64) -> Result<(), Code> {
    let target = match target {
        Some(t)
            if t.same_conversation && t.visible_to_both && t.msg_type != 5 && t.msg_status != 2 =>
        {
            t
        }
        _ => return Err(Code::MsgKeyNotFound),
    };
    if !target.sent_by_caller {
        return Err(Code::BadRequest);
    }
    if target.msg_status == 1 {
        return Err(Code::AlreadyRecalled);
    }
    if now_us.saturating_sub(target.ts_us) > window_us {
        return Err(Code::RecallExpired);
    }
    Ok(())
}

/// Content of the tip shown to a sender after a first message to a stranger.
pub const STRANGER_TIP: &str = r##"{"content":"[{\"text\":\"对方主动回复或关注你前，最多发送1条消息\",\"color_day\":\"#9499A0\",\"color_nig\":\"#9499A0\"}]"}"##;

/// Content of the automatic message sent when two users follow each other.
pub const MUTUAL_GREETING: &str = r#"{"content":"我们已互相关注，开始聊天吧~"}"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn strangers() -> SendFacts {
        SendFacts {
            receiver_accepts_strangers: true,
            ..SendFacts::default()
        }
    }

    #[test]
    fn blocks_come_first() {
        let facts = SendFacts {
            sender_to_receiver: Some(BLOCKED),
            receiver_to_sender: Some(BLOCKED),
            ..strangers()
        };
        assert_eq!(admit(Origin::User, facts), Err(Code::ReceiverBlocked));
        let facts = SendFacts {
            receiver_to_sender: Some(BLOCKED),
            ..strangers()
        };
        assert_eq!(admit(Origin::User, facts), Err(Code::ReceiverPrivacy));
    }

    #[test]
    fn a_stranger_gets_one_message_and_a_tip() {
        assert_eq!(
            admit(Origin::User, strangers()),
            Ok(Admission::FirstToStranger)
        );
        let again = SendFacts {
            sender_sent: 1,
            ..strangers()
        };
        assert_eq!(admit(Origin::User, again), Err(Code::StrangerLimit));
        let recall = SendFacts {
            is_recall: true,
            ..again
        };
        assert_eq!(admit(Origin::User, recall), Ok(Admission::Plain));
    }

    #[test]
    fn following_or_replying_lifts_the_limit() {
        for attribute in [QUIET_FOLLOW, FOLLOW] {
            let facts = SendFacts {
                receiver_to_sender: Some(attribute),
                sender_sent: 5,
                ..strangers()
            };
            assert_eq!(admit(Origin::User, facts), Ok(Admission::Plain));
        }
        let replied = SendFacts {
            receiver_sent: 1,
            sender_sent: 5,
            ..strangers()
        };
        assert_eq!(admit(Origin::User, replied), Ok(Admission::Plain));
    }

    #[test]
    fn replies_and_recalls_pass_a_closed_privacy_setting() {
        let closed = SendFacts {
            receiver_accepts_strangers: false,
            ..SendFacts::default()
        };
        let reply = SendFacts {
            receiver_sent: 1,
            ..closed
        };
        assert_eq!(admit(Origin::User, reply), Ok(Admission::Plain));
        let recall = SendFacts {
            is_recall: true,
            sender_sent: 1,
            ..closed
        };
        assert_eq!(admit(Origin::User, recall), Ok(Admission::Plain));
    }

    #[test]
    fn privacy_setting_refuses_strangers_only() {
        let closed = SendFacts {
            receiver_accepts_strangers: false,
            ..SendFacts::default()
        };
        assert_eq!(admit(Origin::User, closed), Err(Code::ReceiverPrivacy));
        let followed = SendFacts {
            receiver_to_sender: Some(FOLLOW),
            ..closed
        };
        assert_eq!(admit(Origin::User, followed), Ok(Admission::Plain));
        assert_eq!(admit(Origin::Automatic, closed), Ok(Admission::Plain));
    }

    #[test]
    fn recalls_follow_the_documented_order() {
        let target = RecallTarget {
            same_conversation: true,
            visible_to_both: true,
            sent_by_caller: true,
            msg_status: 0,
            msg_type: 1,
            ts_us: 1_000_000_000,
        };
        let window = 120_000_000;
        assert_eq!(
            check_recall(Some(target), 1_000_000_000 + window, window),
            Ok(())
        );
        assert_eq!(
            check_recall(Some(target), 1_000_000_001 + window, window),
            Err(Code::RecallExpired)
        );
        let recalled = RecallTarget {
            msg_status: 1,
            ..target
        };
        assert_eq!(
            check_recall(Some(recalled), 0, window),
            Err(Code::AlreadyRecalled)
        );
        let tip = RecallTarget {
            visible_to_both: false,
            ..target
        };
        assert_eq!(
            check_recall(Some(tip), 0, window),
            Err(Code::MsgKeyNotFound)
        );
        let elsewhere = RecallTarget {
            same_conversation: false,
            ..target
        };
        assert_eq!(
            check_recall(Some(elsewhere), 0, window),
            Err(Code::MsgKeyNotFound)
        );
        assert_eq!(check_recall(None, 0, window), Err(Code::MsgKeyNotFound));
        let theirs = RecallTarget {
            sent_by_caller: false,
            ..target
        };
        assert_eq!(check_recall(Some(theirs), 0, window), Err(Code::BadRequest));
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
