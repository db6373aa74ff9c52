//! Throttling of guesses: failed logins per account and per client
//! address, QR-code polls of dead keys and new keys per address, wrong
//! admin tokens per address.
//!
//! Each key (an account, an address) has a count of recent failures that
//! drains by one every `drain_ms`. The first `free` failures cost nothing;
//! each failure past them shuts the key for a delay that doubles, from
//! `base_delay_ms` up to `max_delay_ms`. While a key is shut, attempts are
//! refused before anything expensive (a password hash) runs, and do not
//! count again. An attempt is counted when it starts (so that concurrent
//! attempts cannot all slip past the count) and given back if it turns out
//! fine; one that turns out a failure has its delay started again when
//! that is known ([`Strikes::failed`]), so that the time spent checking it
//! (a password hash, slow on a loaded machine) does not eat the delay.
//!
//! The strikes of every key are stored (`store::throttles`), so a limit
//! holds across restarts and across the nodes sharing a database.
//!
//! Pure: time is passed in, in milliseconds.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

/// How one kind of attempt is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    /// Failures allowed before any delay.
    pub free: u32,
    /// One failure is forgotten every this many milliseconds.
    pub drain_ms: i64,
    /// The delay after the first failure past `free`.
    pub base_delay_ms: i64,
    /// The longest delay.
    pub max_delay_ms: i64,
}

/// What is remembered about one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Strikes {
    /// Recent failures, as of `at_ms`.
    pub count: u32,
    /// When `count` was last drained.
    pub at_ms: i64,
    /// Shut until then (milliseconds); 0: open.
    pub shut_until_ms: i64,
}

/// Which kind of attempt a key counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrottleKind {
    /// Password logins to one account.
    LoginAccount,
    /// Password logins from one client address.
    LoginAddress,
    /// New QR-code login keys for one client address.
    QrGenerate,
    /// Polls of dead QR-code keys from one client address.
    QrPoll,
    /// Wrong admin tokens from one client address.
    Admin,
}

impl ThrottleKind {
    /// The stored number.
    pub fn code(self) -> i64 {
        match self {
            ThrottleKind::LoginAccount => 1,
            ThrottleKind::LoginAddress => 2,
            ThrottleKind::QrGenerate => 3,
            ThrottleKind::QrPoll => 4,
            ThrottleKind::Admin => 5,
        }
    }
}

/// What one count of strikes is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThrottleKey {
    pub kind: ThrottleKind,
    /// The address's bytes ([`address_key`]: 4 or 16), or a 32-byte hash.
    pub key: Vec<u8>,
}

impl ThrottleKey {
    /// `kind` from the client address `addr` ([`address_key`]).
    pub fn address(kind: ThrottleKind, addr: IpAddr) -> ThrottleKey {
        let key = match address_key(addr) {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        };
        ThrottleKey { kind, key }
    }

    /// Logins to `account` (a mid, or the name given when there is no such
    /// user): keyed by its SHA-256, so that long names cost nothing.
    pub fn account(account: &str) -> ThrottleKey {
        ThrottleKey {
            kind: ThrottleKind::LoginAccount,
            key: Sha256::digest(account.as_bytes()).to_vec(),
        }
    }
}

/// Strikes to store, and when they may be forgotten (milliseconds;
/// nothing is left to remember then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remembered {
    pub strikes: Strikes,
    pub forget_at_ms: i64,
}

/// The answer to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead (the attempt is counted; give it back if it succeeds).
    Allowed,
    /// Refused: try again after this many milliseconds.
    Shut { retry_after_ms: i64 },
}

impl Strikes {
    /// The count drained to `now_ms`.
    fn drain(&mut self, rule: &ThrottleRule, now_ms: i64) {
        if rule.drain_ms <= 0 || now_ms <= self.at_ms {
            return;
        }
        let drained = (now_ms - self.at_ms) / rule.drain_ms;
        if drained >= i64::from(self.count) {
            self.count = 0;
            self.at_ms = now_ms;
        } else {
            self.count -= drained as u32;
            self.at_ms += drained * rule.drain_ms;
        }
    }

    /// Whether an attempt at `now_ms` would be allowed, counting nothing.
    pub fn check(&self, now_ms: i64) -> Verdict {
        if self.shut_until_ms > now_ms {
            Verdict::Shut {
                retry_after_ms: self.shut_until_ms - now_ms,
            }
        } else {
            Verdict::Allowed
        }
    }

    /// Whether an attempt at `now_ms` may go ahead; if so it is counted as
    /// a failure until [`Strikes::forgive`] gives it back.
    pub fn attempt(&mut self, rule: &ThrottleRule, now_ms: i64) -> Verdict {
        if let shut @ Verdict::Shut { .. } = self.check(now_ms) {
            return shut;
        }
        self.drain(rule, now_ms);
        self.count = self.count.saturating_add(1);
        self.shut_until_ms = self
            .delay_ms(rule)
            .map_or(0, |delay| now_ms.saturating_add(delay));
        Verdict::Allowed
    }

    /// The delay the current count shuts the key for: none within `free`.
    fn delay_ms(&self, rule: &ThrottleRule) -> Option<i64> {
        let past = self.count.checked_sub(rule.free + 1)?;
        Some(
            rule.base_delay_ms
                .saturating_mul(1i64 << past.min(40))
                .min(rule.max_delay_ms),
        )
    }

    /// A counted attempt turned out a failure at `now_ms`: the delay it
    /// set runs from now rather than from when it started (never shorter).
    pub fn failed(&mut self, rule: &ThrottleRule, now_ms: i64) {
        if let Some(delay) = self.delay_ms(rule) {
            self.shut_until_ms = self.shut_until_ms.max(now_ms.saturating_add(delay));
        }
    }

    /// Gives back one counted attempt that succeeded; with `reset`, forgets
    /// every failure (the right password proves the account's owner).
    pub fn forgive(&mut self, reset: bool) {
        if reset {
            *self = Strikes::default();
        } else {
            self.count = self.count.saturating_sub(1);
            self.shut_until_ms = 0;
        }
    }

    /// Whether nothing is left to remember at `now_ms`.
    pub fn is_spent(&self, rule: &ThrottleRule, now_ms: i64) -> bool {
        self.forget_at_ms(rule) <= now_ms
    }

    /// When nothing is left to remember: the key is open and every
    /// failure drained.
    pub fn forget_at_ms(&self, rule: &ThrottleRule) -> i64 {
        let drained = if self.count == 0 {
            i64::MIN
        } else {
            self.at_ms
                .saturating_add(i64::from(self.count).saturating_mul(rule.drain_ms.max(0)))
        };
        drained.max(self.shut_until_ms)
    }

    /// These strikes as stored under `rule`.
    pub fn remembered(self, rule: &ThrottleRule) -> Remembered {
        Remembered {
            strikes: self,
            forget_at_ms: self.forget_at_ms(rule),
        }
    }
}

/// The key under which a client address is throttled: the address itself
/// for IPv4, its /64 network for IPv6 (one subscriber usually holds a whole
/// /64, so single addresses would cost an attacker nothing). IPv4 mapped
/// into IPv6 counts as IPv4.
pub fn address_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: ThrottleRule = ThrottleRule {
        free: 3,
        drain_ms: 60_000,
        base_delay_ms: 1_000,
        max_delay_ms: 8_000,
    };

    #[test]
    fn free_failures_then_doubling_delays_up_to_the_cap() {
        let mut s = Strikes::default();
        for _ in 0..3 {
            assert_eq!(s.attempt(&RULE, 0), Verdict::Allowed);
        }
        // The fourth is allowed but shuts the key for 1 s.
        assert_eq!(s.attempt(&RULE, 0), Verdict::Allowed);
        assert_eq!(
            s.attempt(&RULE, 400),
            Verdict::Shut {
                retry_after_ms: 600
            }
        );
        let mut t = 1_000;
        for expected in [2_000, 4_000, 8_000, 8_000] {
            assert_eq!(s.attempt(&RULE, t), Verdict::Allowed);
            assert_eq!(
                s.attempt(&RULE, t),
                Verdict::Shut {
                    retry_after_ms: expected
                }
            );
            t += expected;
        }
    }

    #[test]
    fn refused_attempts_do_not_count_and_failures_drain() {
        let mut s = Strikes::default();
        for _ in 0..4 {
            s.attempt(&RULE, 0);
        }
        for _ in 0..100 {
            assert!(matches!(s.attempt(&RULE, 10), Verdict::Shut { .. }));
        }
        assert_eq!(s.count, 4);
        // Two minutes later two failures are forgotten: one more is free.
        assert_eq!(s.attempt(&RULE, 120_000), Verdict::Allowed);
        assert_eq!(s.count, 3);
        assert_eq!(s.shut_until_ms, 0);
        assert!(!s.is_spent(&RULE, 120_000));
        assert!(s.is_spent(&RULE, 120_000 + 3 * 60_000));
    }

    #[test]
    fn a_failure_known_late_starts_its_delay_again() {
        let mut s = Strikes::default();
        for _ in 0..3 {
            s.attempt(&RULE, 0);
            // A free failure shuts nothing, however late it is known.
            s.failed(&RULE, 5_000);
            assert_eq!(s.shut_until_ms, 0);
        }
        // The fourth starts at 0 and is known to fail at 3 s (a slow
        // hash): shut for 1 s from then, not already open again.
        assert_eq!(s.attempt(&RULE, 0), Verdict::Allowed);
        s.failed(&RULE, 3_000);
        assert_eq!(
            s.check(3_500),
            Verdict::Shut {
                retry_after_ms: 500
            }
        );
        // Never shortened: a failure known early keeps the later end.
        s.failed(&RULE, 100);
        assert_eq!(s.shut_until_ms, 4_000);
        assert_eq!(s.count, 4);
    }

    #[test]
    fn a_success_gives_its_attempt_back_or_resets() {
        let mut s = Strikes::default();
        for _ in 0..4 {
            s.attempt(&RULE, 0);
        }
        s.forgive(false);
        assert_eq!((s.count, s.shut_until_ms), (3, 0));
        s.forgive(true);
        assert_eq!(s, Strikes::default());
    }

    #[test]
    fn strikes_are_forgotten_once_open_and_drained() {
        let mut s = Strikes::default();
        assert!(s.is_spent(&RULE, 0));
        for _ in 0..4 {
            s.attempt(&RULE, 0);
        }
        // Shut for 1 s; four failures drain in four minutes.
        assert_eq!(s.forget_at_ms(&RULE), 4 * 60_000);
        assert_eq!(
            s.check(500),
            Verdict::Shut {
                retry_after_ms: 500
            }
        );
        assert_eq!(s.check(1_000), Verdict::Allowed);
        assert!(!s.is_spent(&RULE, 4 * 60_000 - 1));
        assert!(s.is_spent(&RULE, 4 * 60_000));
        // A delay outlasting the failures is remembered to its end.
        let long = Strikes {
            count: 1,
            at_ms: 0,
            shut_until_ms: 90_000,
        };
        assert_eq!(long.remembered(&RULE).forget_at_ms, 90_000);
    }

    #[test]
    fn keys_are_addresses_or_hashed_accounts() {
        let v4 = ThrottleKey::address(ThrottleKind::QrPoll, "192.0.2.1".parse().unwrap());
        assert_eq!(v4.key, vec![192, 0, 2, 1]);
        let v6 = ThrottleKey::address(ThrottleKind::Admin, "2001:db8::1".parse().unwrap());
        assert_eq!(v6.key.len(), 16);
        let long = "x".repeat(100_000);
        assert_eq!(ThrottleKey::account(&long).key.len(), 32);
        assert_ne!(ThrottleKey::account("1"), ThrottleKey::account("2"));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_bit_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
