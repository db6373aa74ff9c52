//! QR-code login: a browser asks for a key and polls it; a logged-in user
//! scans the key, then confirms it; the next poll logs the browser in as
//! that user, once.
//!
//! A key lives [`QR_LOGIN_TTL_SECS`] from when it was generated, whatever
//! its state, as the live service's keys do. After that, and after the one
//! poll that logs in, polling it answers "expired" (86038), as the live
//! service answers for any key it does not (or no longer) know.

use sixin_api::Code;

use super::{Mid, Refusal};

/// How long a QR login key can be scanned, confirmed and redeemed, in seconds.
pub const QR_LOGIN_TTL_SECS: i64 = 180;

/// Where a QR login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrState {
    /// Waiting for someone to scan it.
    Pending,
    /// Scanned by this user, who has not confirmed yet.
    Scanned(Mid),
    /// Confirmed by this user: the next poll logs in as them.
    Confirmed(Mid),
}

/// A QR login as stored. Only a hash of the key is kept, so that reading the
/// database does not let anyone take over a pending login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrLogin {
    pub key_hash: [u8; 32],
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; the key is dead from this moment on.
    pub expires_at: i64,
    pub state: QrState,
}

impl QrLogin {
    /// A new, pending QR login generated at `now`.
    pub fn new(key_hash: [u8; 32], now: i64) -> QrLogin {
        QrLogin {
            key_hash,
            created_at: now,
            expires_at: now + QR_LOGIN_TTL_SECS,
            state: QrState::Pending,
        }
    }

    /// Whether the key can still be used at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        now < self.expires_at
    }
}

/// What a poll tells the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStatus {
    NotScanned,
    Scanned,
    /// Unknown, expired or already used.
    Expired,
    /// Confirmed by this user: the poll logs in.
    Confirmed(Mid),
}

/// The status of a poll for `login` (`None`: no such key) at `now`.
pub fn poll_status(login: Option<&QrLogin>, now: i64) -> PollStatus {
    match login {
        Some(login) if login.is_live(now) => match login.state {
            QrState::Pending => PollStatus::NotScanned,
            QrState::Scanned(_) => PollStatus::Scanned,
            QrState::Confirmed(mid) => PollStatus::Confirmed(mid),
        },
        _ => PollStatus::Expired,
    }
}

/// At most this many QR logins may be outstanding at once (expired ones
/// are forgotten first): -799 beyond, so that unauthenticated callers
/// cannot fill the database with keys.
pub fn decide_new_qr_login(outstanding: &u64, cap: u64) -> Result<(), Refusal> {
    if *outstanding >= cap {
        return Err(Refusal::new(
            Code::TooFrequent,
            format!("{outstanding} QR logins outstanding (cap {cap})"),
        ));
    }
    Ok(())
}

/// The live login of `facts` at `now`, else 86038.
fn live(facts: &Option<QrLogin>, now: i64) -> Result<&QrLogin, Refusal> {
    facts
        .as_ref()
        .filter(|login| login.is_live(now))
        .ok_or_else(|| Refusal::new(Code::QrExpired, "no live QR login with this key"))
}

/// `by` scans the key: a pending login becomes scanned by them (scanning
/// again is harmless). A login someone else scanned is 86090 and one already
/// confirmed is 86038, so that nobody can take over another user's scan;
/// neither answer says who it was.
pub fn decide_scan(facts: &Option<QrLogin>, by: Mid, now: i64) -> Result<QrState, Refusal> {
    match live(facts, now)?.state {
        QrState::Pending => Ok(QrState::Scanned(by)),
        QrState::Scanned(mid) if mid == by => Ok(QrState::Scanned(by)),
        QrState::Scanned(_) => Err(Refusal::new(Code::QrScanned, "scanned by another user")),
        QrState::Confirmed(_) => Err(Refusal::new(Code::QrExpired, "already confirmed")),
    }
}

/// `by` confirms the key they scanned: 86101 when nobody has scanned it,
/// 86090 when someone else did, 86038 when it is already confirmed.
pub fn decide_confirm(facts: &Option<QrLogin>, by: Mid, now: i64) -> Result<QrState, Refusal> {
    match live(facts, now)?.state {
        QrState::Pending => Err(Refusal::new(Code::QrNotScanned, "confirm before scan")),
        QrState::Scanned(mid) if mid == by => Ok(QrState::Confirmed(by)),
        QrState::Scanned(_) => Err(Refusal::new(Code::QrScanned, "scanned by another user")),
        QrState::Confirmed(_) => Err(Refusal::new(Code::QrExpired, "already confirmed")),
    }
}

/// Whether a poll at `now` that found the login confirmed by `mid` may
/// redeem it: only if it still is (another poll may have redeemed it since).
pub fn decide_redeem(facts: &Option<QrLogin>, mid: Mid, now: i64) -> bool {
    poll_status(facts.as_ref(), now) == PollStatus::Confirmed(mid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000;

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    fn login(state: QrState) -> Option<QrLogin> {
        Some(QrLogin {
            state,
            ..QrLogin::new([1; 32], T)
        })
    }

    #[test]
    fn a_key_lives_180_seconds_whatever_its_state() {
        for state in [
            QrState::Pending,
            QrState::Scanned(mid(1)),
            QrState::Confirmed(mid(1)),
        ] {
            let login = login(state);
            assert_ne!(poll_status(login.as_ref(), T + 179), PollStatus::Expired);
            assert_eq!(poll_status(login.as_ref(), T + 180), PollStatus::Expired);
        }
        assert_eq!(poll_status(None, T), PollStatus::Expired);
    }

    #[test]
    fn polls_show_the_state() {
        let at = |state| poll_status(login(state).as_ref(), T);
        assert_eq!(at(QrState::Pending), PollStatus::NotScanned);
        assert_eq!(at(QrState::Scanned(mid(1))), PollStatus::Scanned);
        assert_eq!(
            at(QrState::Confirmed(mid(1))),
            PollStatus::Confirmed(mid(1))
        );
    }

    #[test]
    fn scan_then_confirm_by_the_same_user() {
        let (a, b) = (mid(1), mid(2));
        assert_eq!(
            decide_scan(&login(QrState::Pending), a, T),
            Ok(QrState::Scanned(a))
        );
        assert_eq!(
            decide_scan(&login(QrState::Scanned(a)), a, T),
            Ok(QrState::Scanned(a))
        );
        assert_eq!(
            decide_confirm(&login(QrState::Scanned(a)), a, T),
            Ok(QrState::Confirmed(a))
        );
        let code = |r: Result<QrState, Refusal>| r.unwrap_err().code;
        assert_eq!(
            code(decide_scan(&login(QrState::Scanned(a)), b, T)),
            Code::QrScanned
        );
        assert_eq!(
            code(decide_confirm(&login(QrState::Scanned(a)), b, T)),
            Code::QrScanned
        );
        assert_eq!(
            code(decide_confirm(&login(QrState::Pending), a, T)),
            Code::QrNotScanned
        );
        assert_eq!(
            code(decide_scan(&login(QrState::Confirmed(a)), b, T)),
            Code::QrExpired
        );
        assert_eq!(
            code(decide_confirm(&login(QrState::Confirmed(a)), a, T)),
            Code::QrExpired
        );
        assert_eq!(code(decide_scan(&None, a, T)), Code::QrExpired);
        assert_eq!(
            code(decide_scan(&login(QrState::Pending), a, T + 180)),
            Code::QrExpired
        );
    }

    #[test]
    fn only_a_live_confirmed_login_is_redeemed_and_only_by_its_user() {
        let a = mid(1);
        assert!(decide_redeem(&login(QrState::Confirmed(a)), a, T));
        assert!(!decide_redeem(&login(QrState::Confirmed(a)), mid(2), T));
        assert!(!decide_redeem(&login(QrState::Confirmed(a)), a, T + 180));
        assert!(!decide_redeem(&login(QrState::Scanned(a)), a, T));
        assert!(!decide_redeem(&None, a, T));
    }

    #[test]
    fn outstanding_logins_are_capped() {
        assert!(decide_new_qr_login(&9, 10).is_ok());
        assert_eq!(
            decide_new_qr_login(&10, 10).unwrap_err().code,
            Code::TooFrequent
        );
    }
}
