//! Use cases: each gathers facts from the store, decides with the pure
//! rules of `crate::domain`, hands the store a plan to apply in one
//! transaction, and publishes domain events after the commit. No HTTP and
//! no SQL here.

pub mod accounts;
mod greeting;
pub mod messages;
mod passwords;
pub mod relations;

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::relation::RelationLimits;
use crate::events::{EventBus, Subscriber};
use crate::store::files::FileStore;
use crate::store::Store;

pub use accounts::AccountService;
pub use messages::{MessageLimits, MessageService};
pub use relations::RelationService;

/// What the services are built from.
pub struct Setup {
    pub store: Arc<dyn Store>,
    pub files: Arc<dyn FileStore>,
    pub clock: Arc<dyn Clock>,
    /// Key for deriving `bili_jct` from a session token.
    pub server_key: [u8; 32],
    pub session_ttl_secs: i64,
    pub relation_limits: RelationLimits,
    pub message_limits: MessageLimits,
    /// Base URL of this server.
    pub public_url: Arc<str>,
}

/// Every service, and the subscribers of their events.
pub struct Services {
    pub accounts: AccountService,
    pub relations: RelationService,
    pub messages: Arc<MessageService>,
    pub events: Arc<EventBus>,
    store: Arc<dyn Store>,
    /// Kept alive here: the bus holds them weakly.
    _subscribers: Vec<Arc<dyn Subscriber>>,
}

impl Services {
    pub fn new(setup: Setup) -> Services {
        let events = Arc::new(EventBus::default());
        let messages = Arc::new(MessageService::new(
            setup.store.clone(),
            setup.files,
            setup.clock.clone(),
            events.clone(),
            setup.message_limits,
            setup.public_url,
        ));
        let greeting: Arc<dyn Subscriber> = Arc::new(greeting::Greeting::new(messages.clone()));
        events.subscribe(&greeting);
        Services {
            accounts: AccountService::new(
                setup.store.clone(),
                setup.clock.clone(),
                setup.server_key,
                setup.session_ttl_secs,
            ),
            relations: RelationService::new(
                setup.store.clone(),
                setup.clock,
                events.clone(),
                setup.relation_limits,
            ),
            messages,
            events,
            store: setup.store,
            _subscribers: vec![greeting],
        }
    }

    /// Finishes pending writes and releases the store (at shutdown).
    pub fn close(&self) {
        self.store.close();
    }
}
