//! Per-user send rate limits: a burst window (21020), and a 24-hour stop
//! (21046) after too many refusals within an hour.
//!
//! The state of a sender's limits ([`SendRate`]) is stored with their
//! other facts, read inside the send's write transaction and written with
//! its plan, so the limit holds however many nodes a user alternates
//! between.

use serde::{Deserialize, Serialize};

/// Rate-limit settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Messages per window.
    pub burst: u32,
    pub window_secs: i64,
    /// Refusals within an hour that stop a user for 24 hours; 0 never.
    pub ban_strikes: u32,
}

/// What the rate limit says about one more send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Too many in the burst window (21020).
    TooFast,
    /// Too many refusals: stop this user for 24 hours (21046).
    Ban,
}

/// How long a burst refusal counts towards a stop, in seconds.
const STRIKE_MEMORY_SECS: i64 = 3600;

/// A sender's recent activity, as stored (the default: none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRate {
    /// Unix seconds the current burst window started.
    pub window_start: i64,
    /// Sends counted in it.
    pub count: u32,
    /// Unix seconds of recent burst refusals, oldest first.
    pub strikes: Vec<i64>,
}

/// Counts one send at `now` (unix seconds) against `rate`: the verdict and
/// the state to store.
pub fn count_send(rate: &SendRate, now: i64, limits: RateLimits) -> (RateDecision, SendRate) {
    let mut next = rate.clone();
    if now - next.window_start >= limits.window_secs {
        next.window_start = now;
        next.count = 0;
    }
    next.count = next.count.saturating_add(1);
    if next.count <= limits.burst {
        return (RateDecision::Allowed, next);
    }
    next.strikes.retain(|&t| now - t < STRIKE_MEMORY_SECS);
    next.strikes.push(now);
    if limits.ban_strikes > 0 && next.strikes.len() >= limits.ban_strikes as usize {
        next.strikes.clear();
        return (RateDecision::Ban, next);
    }
    (RateDecision::TooFast, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts a send and keeps the state, as a backend would.
    fn check(rate: &mut SendRate, now: i64, limits: RateLimits) -> RateDecision {
        let (decision, next) = count_send(rate, now, limits);
        *rate = next;
        decision
    }

    #[test]
    fn bursts_are_refused_and_sustained_abuse_bans() {
        let mut rate = SendRate::default();
        let limits = RateLimits {
            burst: 3,
            window_secs: 10,
            ban_strikes: 2,
        };
        for _ in 0..3 {
            assert_eq!(check(&mut rate, 100, limits), RateDecision::Allowed);
        }
        assert_eq!(check(&mut rate, 105, limits), RateDecision::TooFast);
        assert_eq!(check(&mut rate, 109, limits), RateDecision::Ban);
        // A new window starts fresh.
        assert_eq!(check(&mut rate, 110, limits), RateDecision::Allowed);
        // Others start from nothing.
        assert_eq!(
            check(&mut SendRate::default(), 109, limits),
            RateDecision::Allowed
        );
    }

    #[test]
    fn without_ban_strikes_nobody_is_banned() {
        let mut rate = SendRate::default();
        let limits = RateLimits {
            burst: 1,
            window_secs: 10,
            ban_strikes: 0,
        };
        assert_eq!(check(&mut rate, 0, limits), RateDecision::Allowed);
        for _ in 0..50 {
            assert_eq!(check(&mut rate, 1, limits), RateDecision::TooFast);
        }
    }

    #[test]
    fn strikes_older_than_an_hour_are_forgotten() {
        let limits = RateLimits {
            burst: 1,
            window_secs: 10,
            ban_strikes: 2,
        };
        let mut rate = SendRate::default();
        check(&mut rate, 0, limits);
        assert_eq!(check(&mut rate, 1, limits), RateDecision::TooFast);
        check(&mut rate, 4000, limits);
        assert_eq!(check(&mut rate, 4001, limits), RateDecision::TooFast);
        assert_eq!(rate.strikes, vec![4001]);
    }
}
