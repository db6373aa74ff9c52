//! Unread totals kept per node (plists): `single_unread` and
//! `my_group_unread` sum every session with unread messages, which costs
//! in proportion to them (1.5 ms of CPU for 1,000). The totals are kept
//! here with the version of what they were computed from
//! (`store::messages::UnreadVersion`, moved by the database's triggers in
//! the transaction of every write that changes it); a read fetches the
//! version with one key lookup and sums the sessions again only when it
//! moved. The totals served are therefore always those of the database at
//! the read, on every node, and computed by the same rule as before.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::relation::follows;
use crate::domain::system::{unread_bucket, UnreadTotals};
use crate::domain::Mid;
use crate::store::messages::{UnreadSession, UnreadVersion};

/// Users whose totals are kept; past it the map starts again (a user not
/// kept costs one summing read).
const CAPACITY: usize = 65_536;

/// Totals by user, each with the version it was computed at.
#[derive(Default)]
pub(super) struct UnreadCache {
    kept: Mutex<HashMap<Mid, (UnreadVersion, UnreadTotals)>>,
}

impl UnreadCache {
    /// What is kept for `owner`.
    pub(super) fn get(&self, owner: Mid) -> Option<(UnreadVersion, UnreadTotals)> {
        self.kept.lock().expect("unread cache").get(&owner).copied()
    }

    /// Keeps `totals` of `owner` at `version`.
    pub(super) fn put(&self, owner: Mid, version: UnreadVersion, totals: UnreadTotals) {
        let mut kept = self.kept.lock().expect("unread cache");
        if kept.len() >= CAPACITY && !kept.contains_key(&owner) {
            kept.clear();
        }
        kept.insert(owner, (version, totals));
    }
}

/// The totals of a user's unread sessions.
pub(super) fn totals(sessions: &[UnreadSession]) -> UnreadTotals {
    let mut totals = UnreadTotals::default();
    for session in sessions {
        if session.group {
            totals.group += session.unread;
            continue;
        }
        let bucket = unread_bucket(
            session.intercepted,
            session.system,
            follows(session.owner_to_talker),
        );
        totals.add(bucket, session.unread, session.push, session.biz);
    }
    totals
}
