//! Realtime push: the domain events each connected user should hear, held
//! for their connections (`http::push` serves them over a WebSocket).
//!
//! The [`Hub`] is an event subscriber that hears every node (with
//! `--nats-url`, a message sent through node A reaches a client connected
//! to node B). For each event, [`notice::notices`] says who hears what; a
//! user with a connection here (or one that ended within the resume
//! window) gets a mailbox: the notices are numbered by one counter per
//! node, kept in a bounded log for resuming, and handed to each of the
//! user's connections through a bounded queue.
//!
//! Nothing here waits on a client: a connection whose queue is full is
//! dropped from its mailbox and told it lagged (it reconnects and resumes
//! from the log, or re-syncs over HTTP when the log no longer reaches back
//! far enough). Connections are capped per user and per node.
//!
//! A fan group's message reaches the group's members connected here: the
//! hub reads the members from the store on the node that delivers (one
//! indexed read per group message, skipped when nobody is connected; the
//! post itself wrote one session row per member), keeps only those with a
//! mailbox here, and only then builds their notices.
//!
//! Ids are `<node epoch>:<n>`, the epoch random per start: an id from
//! another node or an earlier run is not resumed from, and the client is
//! told to re-sync from the database, which stays the source of truth.

pub mod notice;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::{mpsc, watch};

pub use notice::Notice;

use crate::domain::group::GroupId;
use crate::domain::Mid;
use crate::events::{Event, Subscriber};
use crate::store::{Store, StoreError};

/// Who the members of a fan group are (the store; a fixed list in tests).
#[async_trait]
pub trait Members: Send + Sync {
    async fn members(&self, group: GroupId) -> Result<Vec<Mid>, StoreError>;
}

#[async_trait]
impl Members for Arc<dyn Store> {
    async fn members(&self, group: GroupId) -> Result<Vec<Mid>, StoreError> {
        Ok(self
            .group(group)
            .await?
            .map(|(_, members)| members)
            .unwrap_or_default())
    }
}

/// How much the hub holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushLimits {
    /// Connections on this node at once.
    pub max_connections: usize,
    /// Connections of one user on this node at once.
    pub max_per_user: usize,
    /// Notices waiting for one connection before it counts as lagging.
    pub queue: usize,
    /// Notices kept per user for resuming.
    pub replay: usize,
    /// How long a user's log outlives their last connection.
    pub resume: Duration,
}

/// A notice with its place in this node's sequence (0 for those that do
/// not last).
#[derive(Debug, PartialEq, Eq)]
pub struct Pushed {
    pub id: u64,
    pub notice: Notice,
}

/// Why a connection was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("this user has as many connections as allowed")]
    TooManyForUser,
    #[error("this node has as many connections as allowed")]
    TooMany,
    #[error("this node is shutting down")]
    Closing,
}

/// What a subscription yields next.
#[derive(Debug)]
pub enum Next {
    Notice(Arc<Pushed>),
    /// The connection fell behind and was dropped from its mailbox.
    Lagged,
    /// The server is shutting down.
    Closing,
}

/// The realtime push hub of one node.
pub struct Hub {
    epoch: String,
    limits: PushLimits,
    members: Box<dyn Members>,
    state: Mutex<State>,
    closing: watch::Sender<bool>,
}

struct State {
    /// The id of the last numbered notice.
    last: u64,
    users: HashMap<Mid, Mailbox>,
    connections: usize,
    next_conn: u64,
    swept: Instant,
}

/// One user's notices on this node.
struct Mailbox {
    /// Every numbered notice for this user after `floor` is in `log`.
    floor: u64,
    log: VecDeque<Arc<Pushed>>,
    conns: Vec<Conn>,
    /// When the last connection ended.
    idle_since: Option<Instant>,
}

struct Conn {
    id: u64,
    tx: mpsc::Sender<Arc<Pushed>>,
    lagged: Arc<AtomicBool>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("epoch", &self.epoch).finish()
    }
}

/// How often idle mailboxes are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

impl Hub {
    pub fn new(limits: PushLimits, members: Box<dyn Members>) -> Hub {
        Hub {
            epoch: crate::secrets::random_hex(4),
            limits,
            members,
            state: Mutex::new(State {
                last: 0,
                users: HashMap::new(),
                connections: 0,
                next_conn: 0,
                swept: Instant::now(),
            }),
            closing: watch::channel(false).0,
        }
    }

    pub fn limits(&self) -> PushLimits {
        self.limits
    }

    /// A connection for `mid`, resuming after `last_event_id` when this
    /// node still holds everything since.
    pub fn connect(
        self: &Arc<Self>,
        mid: Mid,
        last_event_id: Option<&str>,
    ) -> Result<Subscription, Refused> {
        if *self.closing.borrow() {
            return Err(Refused::Closing);
        }
        let now = Instant::now();
        let mut state = self.state.lock().expect("push state");
        if now.duration_since(state.swept) >= SWEEP_EVERY {
            state.sweep(now, self.limits);
        }
        if state.connections >= self.limits.max_connections {
            return Err(Refused::TooMany);
        }
        if state
            .users
            .get(&mid)
            .is_some_and(|m| m.conns.len() >= self.limits.max_per_user)
        {
            return Err(Refused::TooManyForUser);
        }
        let last = state.last;
        let conn = state.next_conn;
        state.next_conn += 1;
        // A mailbox made now holds nothing from before: nothing to resume.
        let fresh = !state.users.contains_key(&mid);
        let mailbox = state.users.entry(mid).or_insert_with(|| Mailbox {
            floor: last,
            log: VecDeque::new(),
            conns: Vec::new(),
            idle_since: None,
        });
        let resumed_after = last_event_id
            .and_then(|id| self.parse_id(id))
            .filter(|&n| !fresh && n >= mailbox.floor && n <= last);
        let replay = match resumed_after {
            Some(n) => mailbox.log.iter().filter(|p| p.id > n).cloned().collect(),
            None => VecDeque::new(),
        };
        let (tx, rx) = mpsc::channel(self.limits.queue.max(1));
        let lagged = Arc::new(AtomicBool::new(false));
        mailbox.conns.push(Conn {
            id: conn,
            tx,
            lagged: lagged.clone(),
        });
        mailbox.idle_since = None;
        state.connections += 1;
        Ok(Subscription {
            hub: self.clone(),
            mid,
            conn,
            resumed: resumed_after.is_some(),
            position: resumed_after.unwrap_or(last),
            replay,
            rx,
            lagged,
            closing: self.closing.subscribe(),
        })
    }

    /// Tells every connection that the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Connections open on this node.
    pub fn connections(&self) -> usize {
        self.state.lock().expect("push state").connections
    }

    /// The wire id of notice `n` of this node.
    pub fn event_id(&self, n: u64) -> String {
        format!("{}:{n}", self.epoch)
    }

    fn parse_id(&self, id: &str) -> Option<u64> {
        let (epoch, n) = id.split_once(':')?;
        (epoch == self.epoch).then(|| n.parse().ok()).flatten()
    }

    fn disconnect(&self, mid: Mid, conn: u64) {
        let mut state = self.state.lock().expect("push state");
        state.connections = state.connections.saturating_sub(1);
        if let Some(mailbox) = state.users.get_mut(&mid) {
            mailbox.conns.retain(|c| c.id != conn);
            if mailbox.conns.is_empty() && mailbox.idle_since.is_none() {
                mailbox.idle_since = Some(Instant::now());
            }
        }
    }

    /// Those of `members` who have a mailbox here.
    fn present(&self, mut members: Vec<Mid>) -> Vec<Mid> {
        let state = self.state.lock().expect("push state");
        members.retain(|mid| state.users.contains_key(mid));
        members
    }

    fn deliver(&self, heard: Vec<(Mid, Notice)>) {
        let mut state = self.state.lock().expect("push state");
        let State { last, users, .. } = &mut *state;
        for (mid, notice) in heard {
            let Some(mailbox) = users.get_mut(&mid) else {
                continue;
            };
            let pushed = if notice.lasts() {
                *last += 1;
                let pushed = Arc::new(Pushed { id: *last, notice });
                mailbox.log.push_back(pushed.clone());
                if mailbox.log.len() > self.limits.replay {
                    if let Some(gone) = mailbox.log.pop_front() {
                        mailbox.floor = gone.id;
                    }
                }
                pushed
            } else {
                Arc::new(Pushed { id: 0, notice })
            };
            let had = mailbox.conns.len();
            mailbox
                .conns
                .retain(|conn| match conn.tx.try_send(pushed.clone()) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        conn.lagged.store(true, Ordering::Release);
                        false
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => false,
                });
            if had > 0 && mailbox.conns.is_empty() {
                mailbox.idle_since = Some(Instant::now());
            }
        }
    }
}

impl State {
    /// Forgets mailboxes idle past the resume window, and the oldest idle
    /// ones beyond as many as there may be connections.
    fn sweep(&mut self, now: Instant, limits: PushLimits) {
        self.swept = now;
        self.users.retain(|_, m| {
            m.idle_since
                .is_none_or(|since| now.duration_since(since) < limits.resume)
        });
        let mut idle: Vec<(Instant, Mid)> = self
            .users
            .iter()
            .filter_map(|(mid, m)| m.idle_since.map(|since| (since, *mid)))
            .collect();
        if idle.len() > limits.max_connections {
            idle.sort();
            for (_, mid) in &idle[..idle.len() - limits.max_connections] {
                self.users.remove(mid);
            }
        }
    }
}

#[async_trait]
impl Subscriber for Hub {
    async fn on_event(&self, event: &Event) {
        let members = match notice::group_of(event) {
            Some(_) if self.state.lock().expect("push state").users.is_empty() => return,
            Some(group) => match self.members.members(group).await {
                Ok(members) => self.present(members),
                Err(err) => {
                    // Its members re-sync over HTTP when they next look.
                    tracing::warn!(error = ?err, group = group.get(), "group message not pushed");
                    return;
                }
            },
            None => Vec::new(),
        };
        let heard = notice::notices(event, &members);
        if !heard.is_empty() {
            self.deliver(heard);
        }
    }

    fn hears_other_nodes(&self) -> bool {
        true
    }
}

/// One connection's stream of notices; dropping it ends the connection.
pub struct Subscription {
    hub: Arc<Hub>,
    pub mid: Mid,
    conn: u64,
    /// Whether everything since the `last_event_id` asked for follows.
    pub resumed: bool,
    /// The id the stream starts after.
    position: u64,
    replay: VecDeque<Arc<Pushed>>,
    rx: mpsc::Receiver<Arc<Pushed>>,
    lagged: Arc<AtomicBool>,
    closing: watch::Receiver<bool>,
}

impl Subscription {
    /// The wire id the stream starts after (for the `hello` frame).
    pub fn position(&self) -> String {
        self.hub.event_id(self.position)
    }

    /// The wire id of `pushed`.
    pub fn event_id(&self, pushed: &Pushed) -> String {
        self.hub.event_id(pushed.id)
    }

    /// The next notice, or why there is none.
    pub async fn next(&mut self) -> Next {
        if self.lagged.load(Ordering::Acquire) {
            return Next::Lagged;
        }
        if let Some(pushed) = self.replay.pop_front() {
            return Next::Notice(pushed);
        }
        tokio::select! {
            biased;
            _ = self.closing.wait_for(|closing| *closing) => Next::Closing,
            pushed = self.rx.recv() => match pushed {
                Some(pushed) if !self.lagged.load(Ordering::Acquire) => Next::Notice(pushed),
                // Dropped from the mailbox: only a lagging connection is.
                _ => Next::Lagged,
            },
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.disconnect(self.mid, self.conn);
    }
}

#[cfg(test)]
mod tests;
