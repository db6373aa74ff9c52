//! Messages the service pushes (the admin API's deliveries): who may
//! receive one, and how an unread message counts.
//!
//! Where the documents are silent, sixin decides:
//! - A *push* is a message delivered with `msg_source` 5 (官方推送) or 6
//!   (推送/通知); a *notification* (通知, the `biz_msg_*` counters) is a
//!   notification card (`msg_type` 10) from an account that is not a
//!   system account (a system account's notices are its pushes, as the
//!   documents' example session of UP主小助手 shows: `new_push_msg` 1,
//!   `biz_msg_unread_count` 0). Everything else counts as a message.
//! - A delivery reaches every receiver named (or everyone but the sender)
//!   who exists and has not blocked the sender; the stranger rule does
//!   not apply to it.
//! - Without a `msg_source`, a delivery to everyone is an official push
//!   (5), one to named users a push/notification (6).

use sixin_api::message::{msg_source, msg_type};

use crate::domain::relation::Attribute;
use crate::domain::Mid;

/// How an unread message counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum UnreadKind {
    /// A message (`*_unread`).
    #[default]
    Plain,
    /// A push (`unfollow_push_msg`, `dustbin_push_msg`, `new_push_msg`).
    Push,
    /// A notification (`biz_msg_*`).
    Biz,
}

impl UnreadKind {
    /// The stored code: 0, 1, 2.
    pub fn code(self) -> i64 {
        match self {
            UnreadKind::Plain => 0,
            UnreadKind::Push => 1,
            UnreadKind::Biz => 2,
        }
    }

    pub fn from_code(code: i64) -> UnreadKind {
        match code {
            1 => UnreadKind::Push,
            2 => UnreadKind::Biz,
            _ => UnreadKind::Plain,
        }
    }
}

/// How a delivered message counts while unread.
pub fn unread_kind(kind: i64, source: i64, sender_is_system: bool) -> UnreadKind {
    if kind == msg_type::NOTIFICATION && !sender_is_system {
        UnreadKind::Biz
    } else if matches!(
        source,
        msg_source::OFFICIAL_PUSH | msg_source::AUTOMATIC_PUSH
    ) {
        UnreadKind::Push
    } else {
        UnreadKind::Plain
    }
}

/// The `msg_source` of a delivery that names none.
pub fn default_source(to_everyone: bool) -> i64 {
    if to_everyone {
        msg_source::OFFICIAL_PUSH
    } else {
        msg_source::AUTOMATIC_PUSH
    }
}

/// Whether `source` is in the documents' table of message sources.
pub fn is_documented_source(source: i64) -> bool {
    matches!(source, 0..=13 | 16..=19)
}

/// A notify code: empty, or `<business id>_<sub-business id>` (digits).
pub fn check_notify_code(code: &str) -> Result<(), &'static str> {
    if code.is_empty() {
        return Ok(());
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
    match code.split_once('_') {
        Some((main, sub)) if digits(main) && digits(sub) => Ok(()),
        _ => Err("notify_code must be empty or <digits>_<digits>, such as 2091_253"),
    }
}

/// What delivering to one receiver needs to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushFacts {
    pub receiver_exists: bool,
    pub receiver_to_sender: Option<Attribute>,
}

/// Whether `receiver` gets a delivery from `sender`.
pub fn admits(sender: Mid, receiver: Mid, facts: &PushFacts) -> bool {
    facts.receiver_exists
        && receiver != sender
        && facts.receiver_to_sender != Some(Attribute::Blocked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_of_users_are_notifications_and_sources_5_and_6_pushes() {
        assert_eq!(
            unread_kind(10, 6, true),
            UnreadKind::Push,
            "UP主小助手's notice"
        );
        assert_eq!(unread_kind(10, 6, false), UnreadKind::Biz);
        assert_eq!(unread_kind(10, 7, false), UnreadKind::Biz);
        assert_eq!(unread_kind(11, 6, false), UnreadKind::Push);
        assert_eq!(unread_kind(1, 5, true), UnreadKind::Push);
        assert_eq!(unread_kind(1, 7, true), UnreadKind::Plain);
        assert_eq!(unread_kind(1, 8, false), UnreadKind::Plain);
        for kind in [UnreadKind::Plain, UnreadKind::Push, UnreadKind::Biz] {
            assert_eq!(UnreadKind::from_code(kind.code()), kind);
        }
    }

    #[test]
    fn deliveries_skip_who_blocked_the_sender() {
        let (s, r) = (Mid::new(1).unwrap(), Mid::new(2).unwrap());
        let exists = PushFacts {
            receiver_exists: true,
            receiver_to_sender: None,
        };
        assert!(admits(s, r, &exists));
        assert!(!admits(s, s, &exists));
        assert!(!admits(s, r, &PushFacts::default()));
        let blocked = PushFacts {
            receiver_to_sender: Some(Attribute::Blocked),
            ..exists
        };
        assert!(!admits(s, r, &blocked));
    }

    #[test]
    fn sources_and_notify_codes_are_as_documented() {
        assert_eq!(default_source(true), 5);
        assert_eq!(default_source(false), 6);
        for s in [0, 5, 6, 13, 16, 19] {
            assert!(is_documented_source(s));
        }
        for s in [-1, 14, 15, 20] {
            assert!(!is_documented_source(s));
        }
        assert!(check_notify_code("").is_ok());
        assert!(check_notify_code("2091_253").is_ok());
        for bad in ["2091", "_1", "a_1", "1_2_3", "1_"] {
            assert!(check_notify_code(bad).is_err(), "{bad}");
        }
    }
}
