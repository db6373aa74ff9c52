//! Push with several nodes: events numbered by the community's resume log
//! (a JetStream stream, `crate::cluster::log`), which every node reads in
//! the same order, so that a client resumes on any node.
//!
//! A notice's id is `seq * 8 + k`: `seq` the event's place in the log,
//! `k` the notice's place among those the event gives its user (a recall
//! message gives two: the message, then the recall). After handling event
//! `seq` a hub's last id is `seq * 8 + 7`.
//!
//! A client that reconnects with an id its mailbox here no longer covers
//! (another node's, or this node's from before its mailbox was forgotten)
//! is registered first, so that every later event reaches its queue, and
//! then gets the events of the log between its id and the last one the
//! hub had handled at registration, filtered as the live path filters
//! them: nothing missed, nothing twice. When the log no longer holds them
//! all (retention), when they are more than the replay limit, when more
//! than `MAX_SCAN` events of the log would have to be read, or when the
//! log cannot be read, the client is told to re-sync, as on one node.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::{notice, Hub, Pushed, State};
use crate::domain::Mid;
use crate::events::Event;

/// Why the log could not be read.
pub type BacklogError = Box<dyn std::error::Error + Send + Sync>;

/// A log of events shared by every node, numbered from 1.
#[async_trait]
pub trait Backlog: Send + Sync {
    /// What names this log (the same on every node reading it; a log
    /// made anew has another).
    fn epoch(&self) -> &str;

    /// The events after `after` up to and including `upto` that `keep`
    /// takes, in order; `None` when the log no longer holds them all.
    async fn read(
        &self,
        after: u64,
        upto: u64,
        keep: &(dyn for<'e> Fn(&'e Event) -> bool + Send + Sync),
    ) -> Result<Option<Vec<(u64, Event)>>, BacklogError>;
}

/// Longest wait for this node to handle an event another node already
/// showed the client that reconnects here.
const CATCH_UP: Duration = Duration::from_secs(2);

/// Most events of the log read to resume one client: further back is a
/// re-sync (a reconnect must not cost a scan of a whole large log).
const MAX_SCAN: u64 = 100_000;

/// Notices one event can give one user, at most (ids leave room for 8).
const PER_EVENT: u64 = 8;

/// The id of the `k`th notice event `seq` gives its user.
pub(super) fn id(seq: u64, k: u64) -> u64 {
    debug_assert!(k < PER_EVENT);
    seq * PER_EVENT + k.min(PER_EVENT - 1)
}

/// The last id event `seq` can give.
pub(super) fn last_id(seq: u64) -> u64 {
    seq * PER_EVENT + PER_EVENT - 1
}

/// The event an id belongs to.
pub(super) fn seq_of(id: u64) -> u64 {
    id / PER_EVENT
}

impl Hub {
    /// Handles event `seq` of the shared log: every event, this node's
    /// own too, in the log's order.
    pub async fn on_sequenced(&self, seq: u64, event: &Event) {
        let members = self.members_of(event).await;
        self.deliver(event, &members, Some(seq));
    }

    /// Waits (a little) until this hub has handled the event of id `n`.
    pub(super) async fn catch_up(&self, n: u64) {
        let mut progress = self.progress.subscribe();
        let _ = tokio::time::timeout(CATCH_UP, progress.wait_for(|&last| last >= n)).await;
    }

    /// The notices of the shared log for `mid` with ids after `after` up
    /// to `upto`, or `None` when they cannot all be given.
    pub(super) async fn replay_from_log(
        &self,
        mid: Mid,
        after: u64,
        upto: u64,
    ) -> Option<VecDeque<Arc<Pushed>>> {
        let log = self.shared.as_ref()?;
        // The event of `after` may hold later notices of the same user.
        let first = seq_of(after + 1);
        if seq_of(upto).saturating_sub(first) >= MAX_SCAN {
            return None;
        }
        let keep = move |event: &Event| {
            notice::notices(event, &[mid])
                .iter()
                .any(|(to, notice)| *to == mid && notice.lasts())
        };
        let events = match log.read(first.saturating_sub(1), seq_of(upto), &keep).await {
            Ok(Some(events)) => events,
            Ok(None) => return None,
            Err(err) => {
                tracing::warn!(%err, "the resume log could not be read: the client re-syncs");
                return None;
            }
        };
        let mut groups = HashMap::new();
        let mut replay = VecDeque::new();
        for (seq, event) in events {
            if let Some(group) = notice::group_of(&event) {
                let member = match groups.get(&group) {
                    Some(&member) => member,
                    None => {
                        let member = self.members.members(group).await.ok()?.contains(&mid);
                        groups.insert(group, member);
                        member
                    }
                };
                if !member {
                    continue;
                }
            }
            let heard = notice::notices(&event, &[mid]);
            let mine = heard.into_iter().filter(|(to, _)| *to == mid);
            for (k, (_, notice)) in (0..).zip(mine) {
                let id = id(seq, k);
                if notice.lasts() && id > after && id <= upto {
                    replay.push_back(Arc::new(Pushed { id, notice }));
                }
            }
            if replay.len() > self.limits.replay {
                return None;
            }
        }
        Some(replay)
    }
}

impl State {
    /// Events up to id `last` were lost before this node could read them:
    /// no mailbox may claim to hold what came before, and every connection
    /// is told it lagged (it reconnects, and is told to re-sync).
    pub(super) fn lose_before(&mut self, last: u64) {
        let now = std::time::Instant::now();
        for mailbox in self.users.values_mut() {
            mailbox.floor = last;
            mailbox.log.clear();
            for conn in mailbox.conns.drain(..) {
                conn.lagged
                    .store(true, std::sync::atomic::Ordering::Release);
            }
            mailbox.idle_since.get_or_insert(now);
        }
        self.last = last;
    }
}

#[cfg(test)]
#[path = "shared_tests.rs"]
mod tests;
