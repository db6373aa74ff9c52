//! Use cases: each gathers facts from the store, decides with the pure
//! rules of `crate::domain`, hands the store a plan to apply in one
//! transaction, and publishes domain events after the commit. No HTTP and
//! no SQL here.

pub mod accounts;
mod auto_reply;
pub mod custom;
mod greeting;
pub mod groups;
pub mod guard;
pub mod messages;
mod passwords;
pub mod pushes;
pub mod relations;

use std::sync::Arc;

use crate::clock::Clock;
use crate::cluster::Cluster;
use crate::domain::relation::RelationLimits;
use crate::events::{EventBus, Subscriber};
use crate::push::{Hub, PushLimits};
use crate::store::files::FileStore;
use crate::store::Store;

pub use guard::{Guard, GuardLimits};

pub use accounts::AccountService;
pub use custom::{CustomerLimits, CustomerService};
pub use groups::GroupService;
pub use messages::{MessageLimits, MessageService};
pub use pushes::PushService;
pub use relations::RelationService;

/// What the services are built from.
pub struct Setup {
    pub store: Arc<dyn Store>,
    /// The event bus (made first, so the link to other nodes can hear it).
    pub events: Arc<EventBus>,
    /// The link to the other nodes, when there are any.
    pub cluster: Option<Cluster>,
    pub files: Arc<dyn FileStore>,
    pub clock: Arc<dyn Clock>,
    /// Key for deriving `bili_jct` from a session token.
    pub server_key: [u8; 32],
    pub session_ttl_secs: i64,
    /// Most QR logins outstanding at once.
    pub max_pending_qr_logins: u64,
    pub relation_limits: RelationLimits,
    pub message_limits: MessageLimits,
    pub customer_limits: CustomerLimits,
    pub push_limits: PushLimits,
    /// Base URL of this server.
    pub public_url: Arc<str>,
    /// Throttles against guessing.
    pub guard_limits: GuardLimits,
    /// Password hashing threads (0: one per core).
    pub hash_threads: usize,
    /// How far this node may trust the login sessions it remembers.
    pub login_caching: accounts::Caching,
}

/// Every service, and the subscribers of their events.
pub struct Services {
    pub accounts: AccountService,
    pub relations: RelationService,
    pub messages: Arc<MessageService>,
    pub groups: GroupService,
    pub pushes: Arc<PushService>,
    pub custom: CustomerService,
    /// Where uploads are staged and stored.
    pub files: Arc<dyn FileStore>,
    pub events: Arc<EventBus>,
    /// Realtime push to the clients connected to this node.
    pub push: Arc<Hub>,
    /// Throttles against guessing (logins, QR-code keys, admin tokens).
    pub guard: Arc<Guard>,
    store: Arc<dyn Store>,
    cluster: Option<Cluster>,
    /// Kept alive here: the bus holds them weakly.
    _subscribers: Vec<Arc<dyn Subscriber>>,
}

impl Services {
    pub fn new(setup: Setup) -> Services {
        let events = setup.events;
        let guard = Arc::new(Guard::new(
            setup.guard_limits,
            setup.store.clone(),
            setup.clock.clone(),
        ));
        let messages = Arc::new(MessageService::new(
            setup.store.clone(),
            setup.files.clone(),
            setup.clock.clone(),
            events.clone(),
            setup.message_limits,
            setup.public_url.clone(),
            &setup.server_key,
        ));
        let custom = CustomerService::new(
            setup.store.clone(),
            setup.files.clone(),
            setup.clock.clone(),
            &setup.server_key,
            setup.public_url,
            setup.customer_limits,
        );
        let groups = GroupService::new(setup.store.clone(), setup.clock.clone(), events.clone());
        let pushes = Arc::new(PushService::new(
            setup.store.clone(),
            setup.clock.clone(),
            events.clone(),
        ));
        // Deliveries a stop left unfinished go on (when there is a runtime
        // to run them on).
        if tokio::runtime::Handle::try_current().is_ok() {
            pushes.resume();
        }
        let greeting: Arc<dyn Subscriber> = Arc::new(greeting::Greeting::new(messages.clone()));
        let replies: Arc<dyn Subscriber> = Arc::new(auto_reply::AutoReplies::new(
            messages.clone(),
            setup.store.clone(),
        ));
        let catalogue: Arc<dyn Subscriber> = Arc::new(messages::CatalogueCache(messages.clone()));
        let members = Box::new(setup.store.clone());
        let logins = Arc::new(accounts::LoginCache::new(setup.login_caching));
        let mut subscribers = vec![
            greeting,
            replies,
            catalogue,
            Arc::new(accounts::LoginCacheListener(logins.clone())) as Arc<dyn Subscriber>,
        ];
        let push = match &setup.cluster {
            // Fed in the order of the community's resume log.
            Some(cluster) => {
                let (log, joined_at) = cluster.backlog();
                let push = Arc::new(Hub::shared(setup.push_limits, members, log, joined_at));
                cluster.start(push.clone());
                subscribers.push(cluster.forwarder());
                push
            }
            None => {
                let push = Arc::new(Hub::new(setup.push_limits, members));
                subscribers.push(push.clone());
                push
            }
        };
        for subscriber in &subscribers {
            events.subscribe(subscriber);
        }
        Services {
            accounts: AccountService::new(
                setup.store.clone(),
                setup.clock.clone(),
                events.clone(),
                logins,
                setup.server_key,
                setup.session_ttl_secs,
                setup.max_pending_qr_logins,
                guard.clone(),
                setup.hash_threads,
            ),
            relations: RelationService::new(
                setup.store.clone(),
                setup.clock,
                events.clone(),
                setup.relation_limits,
            ),
            messages,
            groups,
            pushes,
            custom,
            files: setup.files,
            events,
            push,
            guard,
            store: setup.store,
            cluster: setup.cluster,
            _subscribers: subscribers,
        }
    }

    /// This node's name among the others, when there are others.
    pub fn node(&self) -> Option<&str> {
        self.cluster.as_ref().map(Cluster::node)
    }

    /// Sends what is buffered for the other nodes (at shutdown).
    pub async fn flush_events(&self) {
        if let Some(cluster) = &self.cluster {
            cluster.flush().await;
        }
    }

    /// A write that changes nothing users see, through the store's writer:
    /// `Ok` when the database takes writes (readiness).
    pub async fn probe_write(&self) -> Result<(), crate::store::StoreError> {
        self.store.probe_write().await
    }

    /// A probe write and what it found of the database and the backend's
    /// write path (`/health`).
    pub async fn readiness(&self) -> crate::store::health::Readiness {
        self.store
            .readiness(crate::store::health::PROBE_TIMEOUT)
            .await
    }

    /// Finishes pending writes and releases the store (at shutdown).
    pub fn close(&self) {
        self.store.close();
    }
}
