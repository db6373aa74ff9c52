//! System accounts: ordinary accounts marked as speaking for the service
//! (customer service, the assistants), whose sessions show
//! `system_msg_type` and `account_info`; and presence, what customer-service
//! heartbeats record.
//!
//! Where the documents are silent, sixin decides:
//! - A system account is never held back by the stranger rule, and nobody
//!   writing to one is: a customer-service conversation needs no follow.
//!   Blocks still apply.
//! - Unread messages of a customer-service agent (type 8) count in
//!   `custom_unread` only; those of the other system accounts count as a
//!   followed user's (their sessions show `is_follow` 1, as the documents
//!   say of system sessions).
//! - Pushes and notifications ([`crate::domain::message::push`]) count in
//!   their own counters where `single_unread` has one: a push from someone
//!   not followed in `unfollow_push_msg` (not `unfollow_unread`), an
//!   intercepted one in `dustbin_push_msg` (not `dustbin_unread`), a
//!   notification in `biz_msg_follow_unread` / `biz_msg_unfollow_unread`;
//!   a push from someone followed (or a system account) is one of the
//!   `follow_unread`, as there is no followed-push counter.

use sixin_api::message::system_msg_type;

use crate::domain::Mid;

/// A system account's kind and how its sessions introduce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAccount {
    /// `system_msg_type` of its sessions (never 0).
    pub kind: SystemKind,
    /// `account_info.name`.
    pub name: String,
    /// `account_info.pic_url`; `None`: the default avatar.
    pub pic_url: Option<String>,
}

/// A documented `system_msg_type` other than 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SystemKind(i64);

impl SystemKind {
    /// 客服消息.
    pub const CUSTOMER_SERVICE: SystemKind = SystemKind(system_msg_type::CUSTOMER_SERVICE);

    /// The kind numbered `code`, if the documents list it (1 主播小助手,
    /// 5 系统通知, 7 UP主小助手, 8 客服消息, 9 支付小助手).
    pub fn new(code: i64) -> Option<SystemKind> {
        system_msg_type::ALL
            .contains(&code)
            .then_some(SystemKind(code))
    }

    pub fn code(self) -> i64 {
        self.0
    }
}

/// Longest `account_info.name`, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// A name to show: 1 to 32 characters, no control characters.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err("name must be 1 to 32 characters");
    }
    if name.chars().any(char::is_control) {
        return Err("name contains control characters");
    }
    Ok(())
}

/// Whether the stranger rule (one message until the receiver follows or
/// replies, and the receiver's refusal of strangers) applies between a
/// sender and a receiver, given whether each is a system account.
pub fn stranger_rule_applies(sender_is_system: bool, receiver_is_system: bool) -> bool {
    !sender_is_system && !receiver_is_system
}

/// Where a session's unread messages are counted in `single_unread`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnreadBucket {
    Follow,
    Unfollow,
    Dustbin,
    /// `custom_unread`.
    Custom,
}

/// The bucket of a session: intercepted ones are the dustbin's, a
/// customer-service agent's are `custom_unread`, other system accounts'
/// and followed users' are followed, the rest unfollowed.
pub fn unread_bucket(intercepted: bool, system: Option<SystemKind>, follows: bool) -> UnreadBucket {
    if intercepted {
        UnreadBucket::Dustbin
    } else if system == Some(SystemKind::CUSTOMER_SERVICE) {
        UnreadBucket::Custom
    } else if follows || system.is_some() {
        UnreadBucket::Follow
    } else {
        UnreadBucket::Unfollow
    }
}

/// Unread totals over a user's sessions, as `single_unread` and
/// `my_group_unread` report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnreadTotals {
    pub follow: u64,
    pub unfollow: u64,
    pub unfollow_push: u64,
    pub dustbin: u64,
    pub dustbin_push: u64,
    pub biz_follow: u64,
    pub biz_unfollow: u64,
    pub custom: u64,
    /// Fan groups' (never in `single_unread`).
    pub group: u64,
}

impl UnreadTotals {
    /// Adds a session of `bucket` with `unread` messages, `push` of them
    /// pushes and `biz` notifications.
    pub fn add(&mut self, bucket: UnreadBucket, unread: u64, push: u64, biz: u64) {
        let (push, biz) = (push.min(unread), biz.min(unread));
        let plain = unread.saturating_sub(push + biz);
        match bucket {
            UnreadBucket::Follow => {
                self.follow += plain + push;
                self.biz_follow += biz;
            }
            UnreadBucket::Unfollow => {
                self.unfollow += plain;
                self.unfollow_push += push;
                self.biz_unfollow += biz;
            }
            UnreadBucket::Dustbin => {
                self.dustbin += plain + biz;
                self.dustbin_push += push;
            }
            UnreadBucket::Custom => self.custom += unread,
        }
    }
}

/// Where a user is present, as a heartbeat says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub shop_id: i64,
    pub shop_father_id: i64,
}

/// A user's presence at a place: since when (this visit) and last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// Unix seconds of the first heartbeat of this visit.
    pub first_seen: i64,
    /// Unix seconds of the latest heartbeat.
    pub last_seen: i64,
}

/// The presence after a heartbeat at `now`: a heartbeat within `window`
/// seconds of the last one continues the visit, a later one starts anew.
pub fn heartbeat(previous: Option<Presence>, now: i64, window: i64) -> Presence {
    match previous {
        Some(p) if is_online(p, now, window) => Presence {
            first_seen: p.first_seen,
            last_seen: now.max(p.last_seen),
        },
        _ => Presence {
            first_seen: now,
            last_seen: now,
        },
    }
}

/// Whether someone last seen as `presence` is still online at `now`.
pub fn is_online(presence: Presence, now: i64, window: i64) -> bool {
    now - presence.last_seen <= window
}

/// Whether a `get_sessions` list of `session_type` shows system sessions,
/// so that its `system_msg` names them: 1 用户与系统, 2 未关注人, 4 所有,
/// 7 所有系统消息 and 9 关注的人与系统 do; 3 粉丝团, 5 被拦截 (a system
/// account is never intercepted), 6 花火商单 and 8 陌生人 (不包含官方消息)
/// do not.
pub fn lists_system_sessions(session_type: i64) -> bool {
    matches!(session_type, 1 | 2 | 4 | 7 | 9)
}

/// `system_msg` of a session list that shows system sessions: each
/// `system_msg_type` among the system accounts someone has sessions with,
/// with the talker of its newest session (`sessions` newest first), in the
/// order of the kinds. It is about all of those sessions, not the page the
/// list shows: the documents' example lists three kinds beside a page
/// holding one system session.
pub fn system_msg(sessions: &[(Mid, SystemAccount)]) -> Vec<(SystemKind, Mid)> {
    let mut found: Vec<(SystemKind, Mid)> = Vec::new();
    for (talker, account) in sessions {
        if !found.iter().any(|(kind, _)| *kind == account.kind) {
            found.push((account.kind, *talker));
        }
    }
    found.sort_by_key(|(kind, _)| kind.code());
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn system_msg_names_the_newest_session_of_each_kind() {
        let account = |code| SystemAccount {
            kind: SystemKind::new(code).unwrap(),
            name: "助手".into(),
            pic_url: None,
        };
        let mid = |m| Mid::new(m).unwrap();
        let sessions = [
            (mid(30), account(7)),
            (mid(10), account(1)),
            (mid(31), account(7)),
            (mid(20), account(9)),
        ];
        let codes: Vec<(i64, u64)> = system_msg(&sessions)
            .into_iter()
            .map(|(kind, talker)| (kind.code(), talker.get()))
            .collect();
        assert_eq!(codes, [(1, 10), (7, 30), (9, 20)]);
        assert!(system_msg(&[]).is_empty());
    }

    #[test]
    fn only_lists_that_show_system_sessions_name_them() {
        let shown: Vec<i64> = (0..=10).filter(|&t| lists_system_sessions(t)).collect();
        assert_eq!(shown, [1, 2, 4, 7, 9]);
    }

    use super::*;

    #[test]
    fn only_documented_kinds_exist() {
        for code in [1, 5, 7, 8, 9] {
            assert_eq!(SystemKind::new(code).map(SystemKind::code), Some(code));
        }
        for code in [0, 2, 6, 10, -1] {
            assert_eq!(SystemKind::new(code), None);
        }
    }

    #[test]
    fn names_are_bounded() {
        assert!(check_name("哔哩哔哩客服").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name(&"客".repeat(33)).is_err());
        assert!(check_name("a\nb").is_err());
    }

    #[test]
    fn system_accounts_escape_the_stranger_rule_either_way() {
        assert!(stranger_rule_applies(false, false));
        assert!(!stranger_rule_applies(true, false));
        assert!(!stranger_rule_applies(false, true));
        assert!(!stranger_rule_applies(true, true));
    }

    #[test]
    fn agents_unread_messages_are_custom_unless_intercepted() {
        let cs = Some(SystemKind::CUSTOMER_SERVICE);
        assert_eq!(unread_bucket(false, cs, false), UnreadBucket::Custom);
        assert_eq!(unread_bucket(false, cs, true), UnreadBucket::Custom);
        assert_eq!(unread_bucket(true, cs, false), UnreadBucket::Dustbin);
        assert_eq!(unread_bucket(false, None, true), UnreadBucket::Follow);
        assert_eq!(unread_bucket(false, None, false), UnreadBucket::Unfollow);
        let assistant = SystemKind::new(7);
        assert_eq!(
            unread_bucket(false, assistant, false),
            UnreadBucket::Follow,
            "an assistant counts as followed"
        );
        assert_eq!(unread_bucket(true, assistant, true), UnreadBucket::Dustbin);
    }

    #[test]
    fn pushes_and_notifications_have_counters_of_their_own() {
        let mut totals = UnreadTotals::default();
        totals.add(UnreadBucket::Unfollow, 5, 2, 1);
        assert_eq!(
            (totals.unfollow, totals.unfollow_push, totals.biz_unfollow),
            (2, 2, 1)
        );
        totals.add(UnreadBucket::Follow, 4, 3, 1);
        assert_eq!((totals.follow, totals.biz_follow), (3, 1));
        totals.add(UnreadBucket::Dustbin, 3, 2, 0);
        assert_eq!((totals.dustbin, totals.dustbin_push), (1, 2));
        totals.add(UnreadBucket::Custom, 2, 2, 0);
        assert_eq!(totals.custom, 2);
    }

    #[test]
    fn a_visit_lasts_while_heartbeats_keep_coming() {
        let first = heartbeat(None, 100, 60);
        assert_eq!(
            first,
            Presence {
                first_seen: 100,
                last_seen: 100
            }
        );
        let next = heartbeat(Some(first), 150, 60);
        assert_eq!(
            next,
            Presence {
                first_seen: 100,
                last_seen: 150
            }
        );
        assert!(is_online(next, 210, 60));
        assert!(!is_online(next, 211, 60));
        let later = heartbeat(Some(next), 400, 60);
        assert_eq!(
            later,
            Presence {
                first_seen: 400,
                last_seen: 400
            }
        );
    }
}
