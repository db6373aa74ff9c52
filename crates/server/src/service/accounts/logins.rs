//! Login sessions: looking them up, listing and ending them, and the
//! cache of live ones, so that an authenticated request does not ask the
//! store who its `SESSDATA` belongs to every time.
//!
//! The cache must never accept a session the store no longer would. Every
//! way a session ends goes through [`AccountService`](super::AccountService)
//! (logout, revocation, a new password, a disabled or deleted account; the
//! CLI uses the admin API), which, once the store has committed, forgets
//! the ended sessions here and publishes [`Event::LoginsEnded`] for the
//! other nodes. Expiry is checked against the stored `expires_at` with the
//! same clock and the same comparison the store uses.
//!
//! A lookup racing an ending could read the session from the store just
//! before the commit and remember it just after it was forgotten. So every
//! forgetting bumps a generation, and a lookup remembers what it read only
//! if no forgetting happened since it started.
//!
//! How far the cache is trusted ([`Caching`]):
//! - **Exact**, SQLite: one process owns the database (the data directory is
//!   locked), so every ending passes through this cache before the request
//!   that caused it answers. A session ended is refused by the very next
//!   request.
//! - **Bounded**, PostgreSQL with other nodes over NATS: an ending on
//!   another node arrives as an event, normally within milliseconds; NATS
//!   is at most once, so an entry is also trusted only for a bound after
//!   the store last confirmed it. A session ended elsewhere is refused here
//!   at the latest that bound after the ending.
//! - **Off**, PostgreSQL without NATS: other nodes may share the database
//!   and end sessions without telling this one, so nothing is remembered.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use sixin_api::Code;

use super::{token_hash, AccountService, SessionInfo};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::events::{EndedLogins, Event, Subscriber};
use crate::store::accounts::{EndLogins, LoginSession};

/// How long a node trusts a remembered session without hearing from the
/// store again, when other nodes may end sessions ([`Caching::Bounded`]).
pub const REMOTE_TRUST: Duration = Duration::from_secs(1);

/// Most sessions remembered at once (about 150 bytes each); when full, the
/// cache starts over.
const CAPACITY: usize = 50_000;

/// How far remembered sessions are trusted; see the module's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Until they expire or end on this node (one node owns the database).
    Exact,
    /// As `Exact`, and for at most this long after the store confirmed them
    /// (other nodes end sessions too, and tell this one over NATS).
    Bounded(Duration),
    /// Not at all (other nodes may end sessions without telling this one).
    Off,
}

/// The sessions this node has seen live, by token.
#[derive(Debug)]
pub struct LoginCache {
    caching: Caching,
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    sessions: HashMap<Box<str>, Remembered>,
    /// Bumped by every forgetting.
    generation: u64,
}

#[derive(Debug)]
struct Remembered {
    mid: Mid,
    token_hash: [u8; 32],
    expires_at: i64,
    confirmed: Instant,
}

/// Where a lookup started: what [`LoginCache::remember`] needs to tell
/// whether a forgetting happened since.
#[derive(Debug, Clone, Copy)]
pub struct Generation(u64);

impl LoginCache {
    pub fn new(caching: Caching) -> LoginCache {
        LoginCache {
            caching,
            state: RwLock::new(State::default()),
        }
    }

    /// The user whose session `token` is, if it is remembered and live at
    /// `now` (unix seconds, the store's clock); `None` means "ask the
    /// store", not "no such session".
    pub fn get(&self, token: &str, now: i64) -> Option<Mid> {
        if self.caching == Caching::Off {
            return None;
        }
        let state = self.state.read().expect("login cache lock");
        let found = state.sessions.get(token)?;
        if found.expires_at <= now {
            return None;
        }
        if let Caching::Bounded(trust) = self.caching {
            if found.confirmed.elapsed() >= trust {
                return None;
            }
        }
        Some(found.mid)
    }

    /// Taken before asking the store about a session.
    pub fn generation(&self) -> Generation {
        Generation(self.state.read().expect("login cache lock").generation)
    }

    /// Remembers that the store found `session` (the session of `token`)
    /// live, unless some session was forgotten since `since`: the store
    /// may have answered from before that ending.
    pub fn remember(&self, token: &str, session: &LoginSession, since: Generation) {
        if self.caching == Caching::Off {
            return;
        }
        let mut state = self.state.write().expect("login cache lock");
        if state.generation != since.0 {
            return;
        }
        if state.sessions.len() >= CAPACITY && !state.sessions.contains_key(token) {
            state.sessions.clear();
        }
        state.sessions.insert(
            token.into(),
            Remembered {
                mid: session.mid,
                token_hash: session.token_hash,
                expires_at: session.expires_at,
                confirmed: Instant::now(),
            },
        );
    }

    /// Forgets the sessions that `ended`.
    pub fn forget(&self, ended: &EndedLogins) {
        let mut state = self.state.write().expect("login cache lock");
        state.generation += 1;
        match *ended {
            EndedLogins::One { token_hash } => {
                state.sessions.retain(|_, s| s.token_hash != token_hash);
            }
            EndedLogins::AllOf { mid, but } => state
                .sessions
                .retain(|_, s| s.mid != mid || Some(s.token_hash) == but),
        }
    }

    /// How many sessions are remembered.
    pub fn len(&self) -> usize {
        self.state.read().expect("login cache lock").sessions.len()
    }

    /// Whether no session is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forgets the sessions ended on other nodes (this node's endings are
/// forgotten before their event is published).
pub(crate) struct LoginCacheListener(pub(crate) Arc<LoginCache>);

#[async_trait]
impl Subscriber for LoginCacheListener {
    async fn on_event(&self, event: &Event) {
        if let Event::LoginsEnded { ended } = event {
            self.0.forget(ended);
        }
    }

    fn hears_other_nodes(&self) -> bool {
        true
    }
}

impl AccountService {
    /// `mid`'s live sessions, newest first.
    pub async fn sessions(&self, mid: Mid) -> Result<Vec<SessionInfo>, Error> {
        let sessions = self.store.logins(mid, self.clock.now_secs()).await?;
        Ok(sessions.iter().map(SessionInfo::of).collect())
    }

    /// The id of the session whose token is `token`.
    pub fn session_id(token: &str) -> String {
        hex::encode(token_hash(token))
    }

    /// Ends `mid`'s session `id`: -404 when it is not one of theirs.
    pub async fn end_session(&self, mid: Mid, id: [u8; 32]) -> Result<(), Error> {
        let ended = self.store.end_logins(mid, EndLogins::One(id)).await;
        self.logins_ended(EndedLogins::One { token_hash: id }).await;
        match ended? {
            0 => Err(Refusal::new(Code::NotFound, "no such session").into()),
            _ => Ok(()),
        }
    }

    /// Ends every session of `mid` but the one whose token is `keep`; how
    /// many ended.
    pub async fn end_sessions(&self, mid: Mid, keep: Option<&str>) -> Result<u64, Error> {
        let but = keep.map(token_hash);
        let ended = self.store.end_logins(mid, EndLogins::AllBut(but)).await;
        self.logins_ended(EndedLogins::AllOf { mid, but }).await;
        Ok(ended?)
    }

    /// The user whose live session `token` is: from the cache when it
    /// remembers the session, else from the store.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Mid>, Error> {
        let now = self.clock.now_secs();
        if let Some(mid) = self.logins.get(token, now) {
            return Ok(Some(mid));
        }
        let since = self.logins.generation();
        let session = self.store.login(token_hash(token), now).await?;
        if let Some(session) = &session {
            self.logins.remember(token, session, since);
        }
        Ok(session.map(|s| s.mid))
    }

    /// Ends the session `token`.
    pub async fn logout(&self, token: &str) -> Result<(), Error> {
        let token_hash = token_hash(token);
        let ended = self.store.delete_login(token_hash).await;
        self.logins_ended(EndedLogins::One { token_hash }).await;
        Ok(ended?)
    }

    /// How many live sessions this node remembers.
    pub fn remembered_logins(&self) -> usize {
        self.logins.len()
    }

    /// After the store ended (or may have ended) some sessions: forgets
    /// them here, then tells the other nodes. Called whatever the store
    /// answered, since a write may have committed even when its answer is
    /// an error; forgetting a live session only costs a lookup.
    pub(super) async fn logins_ended(&self, ended: EndedLogins) {
        self.logins.forget(&ended);
        self.events.publish(Event::LoginsEnded { ended }).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    fn session(token_byte: u8, of: u64, expires_at: i64) -> LoginSession {
        LoginSession {
            token_hash: [token_byte; 32],
            mid: mid(of),
            created_at: 0,
            expires_at,
        }
    }

    #[test]
    fn remembered_sessions_live_until_they_expire() {
        let cache = LoginCache::new(Caching::Exact);
        cache.remember("a", &session(1, 7, 100), cache.generation());
        assert_eq!(cache.get("a", 99), Some(mid(7)));
        assert_eq!(cache.get("a", 100), None, "expired as the store says");
        assert_eq!(cache.get("b", 0), None);
    }

    #[test]
    fn forgetting_one_session_or_a_users_keeps_the_others() {
        let cache = LoginCache::new(Caching::Exact);
        for (token, byte, of) in [("a", 1, 7), ("b", 2, 7), ("c", 3, 7), ("d", 4, 8)] {
            cache.remember(token, &session(byte, of, 100), cache.generation());
        }
        cache.forget(&EndedLogins::One {
            token_hash: [1; 32],
        });
        assert_eq!(cache.get("a", 0), None);
        assert_eq!(cache.get("b", 0), Some(mid(7)));
        cache.forget(&EndedLogins::AllOf {
            mid: mid(7),
            but: Some([3; 32]),
        });
        assert_eq!(cache.get("b", 0), None);
        assert_eq!(cache.get("c", 0), Some(mid(7)), "the one kept");
        assert_eq!(cache.get("d", 0), Some(mid(8)), "another user's");
        cache.forget(&EndedLogins::AllOf {
            mid: mid(7),
            but: None,
        });
        assert_eq!(cache.get("c", 0), None);
    }

    #[test]
    fn a_lookup_that_raced_a_forgetting_is_not_remembered() {
        let cache = LoginCache::new(Caching::Exact);
        let before = cache.generation();
        // The store answered from before an ending that was then forgotten.
        cache.forget(&EndedLogins::One {
            token_hash: [1; 32],
        });
        cache.remember("a", &session(1, 7, 100), before);
        assert_eq!(cache.get("a", 0), None);
        assert!(cache.is_empty());
    }

    #[test]
    fn bounded_trust_runs_out_and_off_remembers_nothing() {
        let bounded = LoginCache::new(Caching::Bounded(Duration::ZERO));
        bounded.remember("a", &session(1, 7, 100), bounded.generation());
        assert_eq!(bounded.get("a", 0), None);
        let off = LoginCache::new(Caching::Off);
        off.remember("a", &session(1, 7, 100), off.generation());
        assert!(off.is_empty());
        assert_eq!(off.get("a", 0), None);
    }
}
