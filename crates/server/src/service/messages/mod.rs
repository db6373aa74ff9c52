//! Use cases of the private-message family: sending, sessions, history,
//! read state, preferences, the emoji catalogue and image uploads.

mod catalogue;
mod rate;
mod send;
mod sessions;
mod settings;
mod uploads;

use std::sync::Arc;

pub use catalogue::Catalogue;
pub use rate::RateLimits;
pub use send::SendReceipt;
pub use sessions::UnreadTotals;
pub use uploads::{valid_upload_name, IMAGE_PATH};

use crate::clock::Clock;
use crate::events::EventBus;
use crate::store::files::FileStore;
use crate::store::Store;

/// Configured limits of the message family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageLimits {
    /// Longest `msg[content]`, in bytes (21007 beyond).
    pub max_msg_bytes: usize,
    /// How long a message can be recalled, in seconds (21041 after).
    pub recall_window_secs: u64,
    /// How long a repeated send returns the first msg_key, in seconds.
    pub retry_window_secs: u64,
    /// Send rate limits (21020, 21046).
    pub rate: RateLimits,
}

/// Private messages.
pub struct MessageService {
    store: Arc<dyn Store>,
    files: Arc<dyn FileStore>,
    clock: Arc<dyn Clock>,
    events: Arc<EventBus>,
    limits: MessageLimits,
    /// Base URL of this server, to recognise the images it hosts.
    public_url: Arc<str>,
    rate: Arc<rate::RateLimiter>,
    catalogue: catalogue::Cache,
}

impl MessageService {
    pub fn new(
        store: Arc<dyn Store>,
        files: Arc<dyn FileStore>,
        clock: Arc<dyn Clock>,
        events: Arc<EventBus>,
        limits: MessageLimits,
        public_url: Arc<str>,
    ) -> MessageService {
        MessageService {
            store,
            files,
            clock,
            events,
            limits,
            public_url,
            rate: Arc::default(),
            catalogue: catalogue::Cache::default(),
        }
    }
}
