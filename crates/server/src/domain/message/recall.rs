//! Recalls (`msg_type` 5): which messages can be taken back, by whom, and
//! until when; and the system recall a withdrawal leaves behind.

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use crate::domain::message::send::Draft;
use crate::domain::message::Message;
use crate::domain::{Mid, Seqno};

/// What the message a recall points at looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecallTarget {
    pub seqno: Seqno,
    pub same_conversation: bool,
    /// Shown to the one recalling it.
    pub shown_to_caller: bool,
    /// Shown to the other side of the conversation (not when a tip, or
    /// hidden by the other side's block words).
    pub shown_to_other: bool,
    pub sent_by_caller: bool,
    pub msg_status: i64,
    pub msg_type: i64,
    /// Microseconds.
    pub ts_us: i64,
}

/// Decides whether a recall may happen: 10005 for a key that is not a
/// message of this conversation the caller sees (or not one that can be
/// recalled: a recall, a system tip), -400 for
/// someone else's message, 21042 when already recalled, 21041 past the window.
pub fn check_recall(target: Option<RecallTarget>, now_us: i64, window_us: i64) -> Result<(), Code> {
    let target = match target {
        Some(t)
            if t.same_conversation
                && t.shown_to_caller
                && !matches!(
                    t.msg_type,
                    msg_type::RECALL | msg_type::SYSTEM_RECALL | msg_type::SYSTEM_TIP
                )
                && t.msg_status != 2 =>
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

/// The system recall (the documents' deprecated `msg_type` 8) a
/// withdrawal of `target` leaves in its conversation, as the documents
/// describe it: sent in the target's name to the same receiver, its
/// content the target's `msg_key`, seen by whoever saw the target. It is
/// stored as type 8 and shown as type 5 with `sys_cancel` true
/// (`http/messages/view.rs`); like a recall it counts as nobody's unread
/// and as no message sent. `None` where the documents give it no meaning:
/// outside user sessions (`receiver_type` 1), and for a system recall
/// itself.
pub fn system_recall(target: &Message, visible_to: Option<Mid>) -> Option<Draft> {
    if target.receiver_type != 1 || target.msg_type == msg_type::SYSTEM_RECALL {
        return None;
    }
    Some(Draft {
        sender: Mid::new(target.sender_uid)?,
        receiver: Mid::new(target.receiver_id)?,
        msg_type: msg_type::SYSTEM_RECALL,
        content: target.msg_key.get().to_string(),
        // As recalls: no face version. The source is unknown (0): no
        // client sent it, and 16 and 18 are documented for other types.
        new_face_version: None,
        msg_source: msg_source::UNKNOWN,
        at_uids: None,
        visible_to,
        counts_unread: false,
        counts_as_sent: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recalls_follow_the_documented_order() {
        let target = RecallTarget {
            seqno: Seqno(4),
            same_conversation: true,
            shown_to_caller: true,
            shown_to_other: true,
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
            shown_to_other: false,
            msg_type: msg_type::SYSTEM_TIP,
            ..target
        };
        assert_eq!(
            check_recall(Some(tip), 0, window),
            Err(Code::MsgKeyNotFound)
        );
        let system_recall = RecallTarget {
            msg_type: msg_type::SYSTEM_RECALL,
            ..target
        };
        assert_eq!(
            check_recall(Some(system_recall), 0, window),
            Err(Code::MsgKeyNotFound),
            "a system recall is not taken back"
        );
        let hidden_from_talker = RecallTarget {
            shown_to_other: false,
            ..target
        };
        assert_eq!(
            check_recall(Some(hidden_from_talker), 1_000_000_000, window),
            Ok(()),
            "a message the talker's block words hid is recalled as any other"
        );
        let unseen = RecallTarget {
            shown_to_caller: false,
            ..target
        };
        assert_eq!(
            check_recall(Some(unseen), 0, window),
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
    fn a_withdrawal_leaves_a_system_recall_in_user_sessions_only() {
        let target = Message {
            sender_uid: 7,
            receiver_type: 1,
            receiver_id: 8,
            msg_type: msg_type::TEXT,
            content: r#"{"content":"x"}"#.to_owned(),
            seqno: Seqno(3),
            ts_us: 1,
            at_uids: Some(vec![0]),
            msg_key: crate::domain::MsgKey(42),
            msg_status: 1,
            notify_code: String::new(),
            new_face_version: Some(1),
            msg_source: msg_source::WEB,
        };
        let seven = Mid::new(7);
        let draft = system_recall(&target, seven).expect("a user session");
        assert_eq!(
            (draft.sender, draft.receiver, draft.visible_to),
            (seven.unwrap(), Mid::new(8).unwrap(), seven)
        );
        assert_eq!(
            (draft.msg_type, draft.content.as_str(), draft.msg_source),
            (msg_type::SYSTEM_RECALL, "42", msg_source::UNKNOWN)
        );
        assert!(!draft.counts_unread && !draft.counts_as_sent);
        assert_eq!((draft.new_face_version, draft.at_uids), (None, None));
        let in_group = Message {
            receiver_type: 2,
            ..target.clone()
        };
        assert_eq!(system_recall(&in_group, None), None);
        let again = Message {
            msg_type: msg_type::SYSTEM_RECALL,
            ..target.clone()
        };
        assert_eq!(system_recall(&again, None), None);
        let from_the_system = Message {
            sender_uid: 0,
            ..target
        };
        assert_eq!(system_recall(&from_the_system, None), None);
    }
}
