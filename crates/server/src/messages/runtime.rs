//! In-memory state of the message family: per-user send rate limits and a
//! cache of the emoji catalogue and keyword rules (read on every text send,
//! changed only through the admin API).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::RwLock;

use crate::domain::Mid;
use crate::store::messages::{Emote, KeywordRule};
use crate::store::{Store, StoreError};

/// The emoji catalogue and keyword rules.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub emotes: Vec<Emote>,
    pub rules: Vec<KeywordRule>,
}

/// Shared state of the message handlers.
#[derive(Debug, Default)]
pub struct Runtime {
    catalogue: RwLock<Option<Arc<Catalogue>>>,
    senders: Mutex<HashMap<Mid, SendWindow>>,
}

#[derive(Debug, Default)]
struct SendWindow {
    window_start: i64,
    count: u32,
    /// Unix seconds of recent burst refusals.
    strikes: VecDeque<i64>,
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

/// Rate-limit settings.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub burst: u32,
    pub window_secs: i64,
    pub ban_strikes: u32,
}

const STRIKE_MEMORY_SECS: i64 = 3600;

impl Runtime {
    /// The catalogue, loaded from the store on first use.
    pub async fn catalogue(&self, store: &dyn Store) -> Result<Arc<Catalogue>, StoreError> {
        if let Some(c) = self.catalogue.read().await.as_ref() {
            return Ok(c.clone());
        }
        let mut slot = self.catalogue.write().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let loaded = Arc::new(Catalogue {
            emotes: store.emotes().await?,
            rules: store.keyword_rules().await?,
        });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }

    /// Forgets the cached catalogue after an admin change.
    pub async fn invalidate_catalogue(&self) {
        *self.catalogue.write().await = None;
    }

    /// Counts one send by `mid` at `now` (unix seconds).
    pub fn check_rate(&self, mid: Mid, now: i64, limits: RateLimits) -> RateDecision {
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
        let rt = Runtime::default();
        let mid = Mid::new(1).unwrap();
        let limits = RateLimits {
            burst: 3,
            window_secs: 10,
            ban_strikes: 2,
        };
        for _ in 0..3 {
            assert_eq!(rt.check_rate(mid, 100, limits), RateDecision::Allowed);
        }
        assert_eq!(rt.check_rate(mid, 105, limits), RateDecision::TooFast);
        assert_eq!(rt.check_rate(mid, 109, limits), RateDecision::Ban);
        // A new window starts fresh.
        assert_eq!(rt.check_rate(mid, 110, limits), RateDecision::Allowed);
        // Other users are not affected.
        assert_eq!(
            rt.check_rate(Mid::new(2).unwrap(), 109, limits),
            RateDecision::Allowed
        );
    }

    #[test]
    fn without_ban_strikes_nobody_is_banned() {
        let rt = Runtime::default();
        let mid = Mid::new(1).unwrap();
        let limits = RateLimits {
            burst: 1,
            window_secs: 10,
            ban_strikes: 0,
        };
        assert_eq!(rt.check_rate(mid, 0, limits), RateDecision::Allowed);
        for _ in 0..50 {
            assert_eq!(rt.check_rate(mid, 1, limits), RateDecision::TooFast);
        }
    }
}
