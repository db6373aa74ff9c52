//! Per-user send rate limits: a burst window (21020), and a 24-hour stop
//! (21046) after too many refusals within an hour.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::domain::Mid;

/// Rate-limit settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Messages per window.
    pub burst: u32,
    pub window_secs: i64,
    /// Refusals within an hour that stop a user for 24 hours; 0 never.
    pub ban_strikes: u32,
}

/// What the rate limiter says about one more send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Too many in the burst window (21020).
    TooFast,
    /// Too many refusals: stop this user for 24 hours (21046).
    Ban,
}

const STRIKE_MEMORY_SECS: i64 = 3600;

/// Senders' recent activity, in memory.
#[derive(Debug, Default)]
pub struct RateLimiter {
    senders: Mutex<HashMap<Mid, SendWindow>>,
}

#[derive(Debug, Default)]
struct SendWindow {
    window_start: i64,
    count: u32,
    /// Unix seconds of recent burst refusals.
    strikes: VecDeque<i64>,
}

impl RateLimiter {
    /// Counts one send by `mid` at `now` (unix seconds).
    pub fn check(&self, mid: Mid, now: i64, limits: RateLimits) -> RateDecision {
        let mut senders = self.senders.lock().expect("rate limiter lock");
        if senders.len() > 100_000 {
            senders
                .retain(|_, w| now - w.window_start < limits.window_secs || !w.strikes.is_empty());
        }
        let window = senders.entry(mid).or_default();
        if now - window.window_start >= limits.window_secs {
            window.window_start = now;
            window.count = 0;
        }
        window.count += 1;
        if window.count <= limits.burst {
            return RateDecision::Allowed;
        }
        while window
            .strikes
            .front()
            .is_some_and(|&t| now - t >= STRIKE_MEMORY_SECS)
        {
            window.strikes.pop_front();
        }
        window.strikes.push_back(now);
        if limits.ban_strikes > 0 && window.strikes.len() >= limits.ban_strikes as usize {
            window.strikes.clear();
            return RateDecision::Ban;
        }
        RateDecision::TooFast
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_are_refused_and_sustained_abuse_bans() {
        let limiter = RateLimiter::default();
        let mid = Mid::new(1).unwrap();
        let limits = RateLimits {
            burst: 3,
            window_secs: 10,
            ban_strikes: 2,
        };
        for _ in 0..3 {
            assert_eq!(limiter.check(mid, 100, limits), RateDecision::Allowed);
        }
        assert_eq!(limiter.check(mid, 105, limits), RateDecision::TooFast);
        assert_eq!(limiter.check(mid, 109, limits), RateDecision::Ban);
        // A new window starts fresh.
        assert_eq!(limiter.check(mid, 110, limits), RateDecision::Allowed);
        // Other users are not affected.
        assert_eq!(
            limiter.check(Mid::new(2).unwrap(), 109, limits),
            RateDecision::Allowed
        );
    }

    #[test]
    fn without_ban_strikes_nobody_is_banned() {
        let limiter = RateLimiter::default();
        let mid = Mid::new(1).unwrap();
        let limits = RateLimits {
            burst: 1,
            window_secs: 10,
            ban_strikes: 0,
        };
        assert_eq!(limiter.check(mid, 0, limits), RateDecision::Allowed);
        for _ in 0..50 {
            assert_eq!(limiter.check(mid, 1, limits), RateDecision::TooFast);
        }
    }
}
