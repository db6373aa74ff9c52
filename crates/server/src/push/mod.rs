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
//! Ids are `<epoch>:<n>`. On one node the epoch is random per start and
//! `n` counts this node's notices: an id from another node or an earlier
//! run is not resumed from, and the client is told to re-sync from the
//! database, which stays the source of truth. With several nodes
//! (`--nats-url`, [`Hub::shared`]) every node numbers the same events the
//! same way: the events come in the order of the community's resume log
//! (a JetStream stream, `crate::cluster::log`), the epoch names that
//! stream and `n` is an event's place in it (times 8, plus the notice's
//! place among those the event gives its user). A client reconnecting to
//! another node, or to this one after it forgot them, resumes from the
//! log ([`shared`]); what the log no longer holds is a re-sync.

pub mod notice;
mod shared;
mod subscription;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::{mpsc, watch};

pub use notice::Notice;
pub use shared::{Backlog, BacklogError};
pub use subscription::Subscription;

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
    /// With several nodes: the log every node numbers events by.
    shared: Option<Arc<dyn Backlog>>,
    /// The id of the last numbered notice, as `State::last` (for a
    /// connection waiting for this node to catch up with another).
    progress: watch::Sender<u64>,
}

struct State {
    /// The id of the last numbered notice (with a shared log: the last
    /// id the last event handled could have given).
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
    /// The hub of a node on its own: it numbers the events it hears.
    pub fn new(limits: PushLimits, members: Box<dyn Members>) -> Hub {
        Hub::with(limits, members, crate::secrets::random_hex(4), None, 0)
    }

    /// The hub of one of several nodes: it numbers the events of `log`
    /// ([`Hub::on_sequenced`]), whose last one before this node joined
    /// was `joined_at`, and ignores what the bus hands it.
    pub fn shared(
        limits: PushLimits,
        members: Box<dyn Members>,
        log: Arc<dyn Backlog>,
        joined_at: u64,
    ) -> Hub {
        let epoch = log.epoch().to_owned();
        Hub::with(
            limits,
            members,
            epoch,
            Some(log),
            shared::last_id(joined_at),
        )
    }

    fn with(
        limits: PushLimits,
        members: Box<dyn Members>,
        epoch: String,
        shared: Option<Arc<dyn Backlog>>,
        last: u64,
    ) -> Hub {
        Hub {
            epoch,
            limits,
            members,
            state: Mutex::new(State {
                last,
                users: HashMap::new(),
                connections: 0,
                next_conn: 0,
                swept: Instant::now(),
            }),
            closing: watch::channel(false).0,
            shared,
            progress: watch::channel(last).0,
        }
    }

    pub fn limits(&self) -> PushLimits {
        self.limits
    }

    /// A connection for `mid`, resuming after `last_event_id` when this
    /// node still holds everything since (or, with several nodes, the
    /// resume log does).
    pub async fn connect(
        self: &Arc<Self>,
        mid: Mid,
        last_event_id: Option<&str>,
    ) -> Result<Subscription, Refused> {
        let asked = last_event_id.and_then(|id| self.parse_id(id));
        if self.shared.is_none() {
            return self
                .register(mid, asked)
                .map(|(subscription, _)| subscription);
        }
        if let Some(n) = asked {
            // Seen on a node that is ahead of this one.
            self.catch_up(n).await;
        }
        let (mut subscription, from_log) = self.register(mid, asked)?;
        if let Some((after, upto)) = from_log {
            if let Some(replay) = self.replay_from_log(mid, after, upto).await {
                subscription.resumed = true;
                subscription.position = after;
                subscription.replay = replay;
            }
        }
        Ok(subscription)
    }

    /// Takes the connection of `mid`, resuming after `asked` from the
    /// mailbox when it holds everything since; otherwise, with a shared
    /// log, also says which ids to look for there: `(asked, last)`.
    fn register(
        self: &Arc<Self>,
        mid: Mid,
        asked: Option<u64>,
    ) -> Result<(Subscription, Option<(u64, u64)>), Refused> {
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
        let resumed_after = asked.filter(|&n| !fresh && n >= mailbox.floor && n <= last);
        let from_log = match (resumed_after, asked) {
            (None, Some(n)) if self.shared.is_some() && n <= last => Some((n, last)),
            _ => None,
        };
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
        let subscription = Subscription {
            hub: self.clone(),
            mid,
            conn,
            resumed: resumed_after.is_some(),
            position: resumed_after.unwrap_or(last),
            replay,
            rx,
            lagged,
            closing: self.closing.subscribe(),
        };
        Ok((subscription, from_log))
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

    /// The members of the fan group whose message `event` is, when anyone
    /// is connected here (none otherwise, and for other events).
    async fn members_of(&self, event: &Event) -> Vec<Mid> {
        match notice::group_of(event) {
            Some(_) if self.state.lock().expect("push state").users.is_empty() => Vec::new(),
            Some(group) => self.members.members(group).await.unwrap_or_else(|err| {
                // Its members re-sync over HTTP when they next look.
                tracing::warn!(error = ?err, group = group.get(), "group message not pushed");
                Vec::new()
            }),
            None => Vec::new(),
        }
    }

    /// Hands `event`'s notices to the mailboxes here (a group's message:
    /// to those of `members` with one). `seq`: the event's place in the
    /// shared log (`None`: this node numbers its notices itself). Who has
    /// a mailbox is looked at under the same lock that numbers, so a
    /// connection made meanwhile gets either the event or its id.
    fn deliver(&self, event: &Event, members: &[Mid], seq: Option<u64>) {
        let mut state = self.state.lock().expect("push state");
        if let Some(seq) = seq {
            let handled = shared::seq_of(state.last);
            if seq <= handled {
                return;
            }
            if seq > handled + 1 {
                tracing::warn!(
                    from = handled + 1,
                    to = seq - 1,
                    "events lost before this node read them: push clients re-sync"
                );
                state.lose_before(shared::last_id(seq - 1));
            }
        }
        let present: Vec<Mid> = members
            .iter()
            .copied()
            .filter(|mid| state.users.contains_key(mid))
            .collect();
        let heard = notice::notices(event, &present);
        let State { last, users, .. } = &mut *state;
        let mut place = (None, 0);
        for (mid, notice) in heard {
            // Its place among the notices of this event to this user.
            place = match place {
                (Some(previous), k) if previous == mid => (Some(mid), k + 1),
                _ => (Some(mid), 0),
            };
            let Some(mailbox) = users.get_mut(&mid) else {
                continue;
            };
            let pushed = if notice.lasts() {
                let id = match seq {
                    Some(seq) => shared::id(seq, place.1),
                    None => {
                        *last += 1;
                        *last
                    }
                };
                let pushed = Arc::new(Pushed { id, notice });
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
            mailbox.send(pushed);
        }
        if let Some(seq) = seq {
            *last = shared::last_id(seq);
            self.progress.send_replace(*last);
        }
    }
}

impl Mailbox {
    /// Queues `pushed` for every connection, dropping those that lag.
    fn send(&mut self, pushed: Arc<Pushed>) {
        let had = self.conns.len();
        self.conns
            .retain(|conn| match conn.tx.try_send(pushed.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    conn.lagged.store(true, Ordering::Release);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
        if had > 0 && self.conns.is_empty() {
            self.idle_since = Some(Instant::now());
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
        if self.shared.is_some() {
            // Heard in the shared log's order instead (`on_sequenced`).
            return;
        }
        let members = self.members_of(event).await;
        self.deliver(event, &members, None);
    }

    fn hears_other_nodes(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;
