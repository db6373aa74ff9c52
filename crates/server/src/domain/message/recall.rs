//! Recalls (`msg_type` 5): which messages can be taken back, by whom, and
//! until when.

use sixin_api::message::msg_type;
use sixin_api::Code;

use crate::domain::Seqno;

/// What the message a recall points at looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecallTarget {
    pub seqno: Seqno,
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
            if t.same_conversation
                && t.visible_to_both
                && t.msg_type != msg_type::RECALL
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recalls_follow_the_documented_order() {
        let target = RecallTarget {
            seqno: Seqno(4),
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
}
