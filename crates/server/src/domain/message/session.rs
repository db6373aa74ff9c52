//! A user's view of a conversation (a session) and the rules of its
//! settings: pinning, do-not-disturb, push, interception, removal, reading.

use crate::domain::Seqno;

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
                next.ack_seqno = state.ack_seqno.max(state.last_seqno);
            }
            SessionChange::ReadAll(now_us) => {
                if state.unread_count > 0 {
                    next.ack_seqno = state.last_seqno;
                    next.ack_ts = now_us;
                    next.unread_count = 0;
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
