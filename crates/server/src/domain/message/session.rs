//! A user's view of a conversation (a session) and the rules of its
//! settings: pinning, do-not-disturb, push, interception, removal, reading.

use crate::domain::group::GroupId;
use crate::domain::relation::Attribute;
use crate::domain::{Mid, Seqno};

/// Whom a session is with: a user (`session_type` 1) or a fan group (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Talker {
    User(Mid),
    Group(GroupId),
}

impl Talker {
    /// The session's `session_type`: 1 user, 2 fan group.
    pub fn session_type(self) -> i64 {
        match self {
            Talker::User(_) => 1,
            Talker::Group(_) => 2,
        }
    }

    /// The session's `talker_id`.
    pub fn id(self) -> u64 {
        match self {
            Talker::User(mid) => mid.get(),
            Talker::Group(id) => id.get(),
        }
    }

    /// The talker named by `talker_id` and `session_type`; `None` when the
    /// id cannot be one (0), or for a type other than 1 and 2.
    pub fn parse(talker_id: u64, session_type: i64) -> Option<Talker> {
        match session_type {
            1 => Mid::new(talker_id).map(Talker::User),
            2 => GroupId::new(talker_id).map(Talker::Group),
            _ => None,
        }
    }
}

/// What can change in a session, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionState {
    /// Microseconds it was pinned at; 0 when not pinned.
    pub top_ts: i64,
    pub is_dnd: bool,
    /// 0 receive push notifications, 1 do not.
    pub push_setting: i64,
    /// In the dustbin.
    pub is_intercept: bool,
    /// Taken out of the dustbin by its owner.
    pub is_trust: bool,
    /// Hidden from lists until the next message.
    pub removed: bool,
    pub ack_seqno: Seqno,
    /// Microseconds of the last read.
    pub ack_ts: i64,
    /// The newest message the owner can see.
    pub last_seqno: Seqno,
    pub unread_count: u64,
    /// Of `unread_count`, the pushes and the notifications
    /// ([`super::push::UnreadKind`]).
    pub push_unread: u64,
    pub biz_unread: u64,
    /// In a fan group: the newest unread message mentioning the owner; 0
    /// when there is none.
    pub at_seqno: Seqno,
}

/// A change of one session's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionChange {
    /// Pin at this time (microseconds), or unpin with 0.
    Top(i64),
    /// Do-not-disturb on or off.
    Dnd(bool),
    /// Push notifications: 0 receive, 1 do not.
    Push(i64),
    /// Intercept (move to the dustbin), or trust (take it out, for good).
    Intercept(bool),
    /// Hide from the list (history kept) and mark everything read.
    Remove,
    /// Mark everything read at this time (microseconds); a session with
    /// nothing unread keeps its read time.
    ReadAll(i64),
}

impl SessionChange {
    /// The session after the change.
    pub fn apply(self, state: SessionState) -> SessionState {
        let mut next = state;
        match self {
            SessionChange::Top(ts) => next.top_ts = ts,
            SessionChange::Dnd(on) => next.is_dnd = on,
            SessionChange::Push(setting) => next.push_setting = setting,
            SessionChange::Intercept(true) => {
                next.is_intercept = true;
                next.is_trust = false;
            }
            SessionChange::Intercept(false) => {
                // Trusting is what taking a session out of the dustbin does.
                next.is_trust = state.is_trust || state.is_intercept;
                next.is_intercept = false;
            }
            SessionChange::Remove => {
                next.removed = true;
                next.unread_count = 0;
                next.push_unread = 0;
                next.biz_unread = 0;
                next.at_seqno = Seqno::ZERO;
                next.ack_seqno = state.ack_seqno.max(state.last_seqno);
            }
            SessionChange::ReadAll(now_us) => {
                if state.unread_count > 0 {
                    next.ack_seqno = state.last_seqno;
                    next.ack_ts = now_us;
                    next.unread_count = 0;
                    next.push_unread = 0;
                    next.biz_unread = 0;
                    next.at_seqno = Seqno::ZERO;
                }
            }
        }
        next
    }
}

/// Where `update_ack` moves the read position: to `requested` (everything
/// when `None`), never past the newest message and never backwards. `None`
/// when it does not move.
pub fn read_up_to(requested: Option<Seqno>, ack: Seqno, last: Seqno) -> Option<Seqno> {
    let target = requested.unwrap_or(last).min(last);
    (target > ack).then_some(target)
}

/// Whether the owner of a session hears that its talker is typing: only in
/// a session they see (not intercepted, not removed) with someone they
/// have not blocked.
pub fn hears_typing(state: &SessionState, owner_to_talker: Option<Attribute>) -> bool {
    !state.is_intercept && !state.removed && owner_to_talker != Some(Attribute::Blocked)
}

/// A mention stays until the owner has read up to it.
pub fn at_after_read(at: Seqno, ack: Seqno) -> Seqno {
    if ack >= at {
        Seqno::ZERO
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusting_happens_only_when_leaving_the_dustbin() {
        let plain = SessionState::default();
        assert!(!SessionChange::Intercept(false).apply(plain).is_trust);
        let binned = SessionChange::Intercept(true).apply(plain);
        assert!(binned.is_intercept && !binned.is_trust);
        let trusted = SessionChange::Intercept(false).apply(binned);
        assert!(!trusted.is_intercept && trusted.is_trust);
        let rebinned = SessionChange::Intercept(true).apply(trusted);
        assert!(rebinned.is_intercept && !rebinned.is_trust);
    }

    #[test]
    fn removing_marks_read_and_hides() {
        let state = SessionState {
            ack_seqno: Seqno(2),
            last_seqno: Seqno(5),
            unread_count: 3,
            ..SessionState::default()
        };
        let removed = SessionChange::Remove.apply(state);
        assert!(removed.removed);
        assert_eq!((removed.ack_seqno, removed.unread_count), (Seqno(5), 0));
        let read = SessionChange::ReadAll(9).apply(state);
        assert_eq!(
            (read.ack_seqno, read.ack_ts, read.unread_count),
            (Seqno(5), 9, 0)
        );
        assert_eq!(SessionChange::ReadAll(9).apply(read).ack_ts, 9);
        let nothing_unread = SessionState {
            ack_ts: 4,
            ..SessionState::default()
        };
        assert_eq!(SessionChange::ReadAll(9).apply(nothing_unread).ack_ts, 4);
    }

    #[test]
    fn a_mention_is_cleared_by_reading_past_it() {
        assert_eq!(at_after_read(Seqno(4), Seqno(3)), Seqno(4));
        assert_eq!(at_after_read(Seqno(4), Seqno(4)), Seqno::ZERO);
        assert_eq!(at_after_read(Seqno::ZERO, Seqno(1)), Seqno::ZERO);
        let mentioned = SessionState {
            at_seqno: Seqno(4),
            last_seqno: Seqno(5),
            unread_count: 2,
            ..SessionState::default()
        };
        assert_eq!(SessionChange::Remove.apply(mentioned).at_seqno, Seqno::ZERO);
        assert_eq!(
            SessionChange::ReadAll(1).apply(mentioned).at_seqno,
            Seqno::ZERO
        );
        assert_eq!(Talker::parse(7, 2).map(Talker::session_type), Some(2));
        assert_eq!(Talker::parse(7, 3), None);
        assert_eq!(Talker::parse(0, 1), None);
    }

    #[test]
    fn reading_moves_forward_only() {
        assert_eq!(
            read_up_to(Some(Seqno(3)), Seqno(1), Seqno(5)),
            Some(Seqno(3))
        );
        assert_eq!(
            read_up_to(Some(Seqno(9)), Seqno(1), Seqno(5)),
            Some(Seqno(5))
        );
        assert_eq!(read_up_to(None, Seqno(1), Seqno(5)), Some(Seqno(5)));
        assert_eq!(read_up_to(Some(Seqno(1)), Seqno(2), Seqno(5)), None);
        assert_eq!(read_up_to(None, Seqno(5), Seqno(5)), None);
    }
}
