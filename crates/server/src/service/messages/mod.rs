//! Use cases of the private-message family: sending, sessions, history,
//! read state, preferences, block words, the emoji catalogue, image
//! uploads, and searching one's own conversations.

mod auto_reply;
mod block;
mod catalogue;
mod group_send;
mod search;
mod send;
mod sessions;
mod settings;
mod unread;
mod uploads;

pub(crate) use uploads::check_image_file;

use std::sync::Arc;

pub use crate::domain::message::rate::RateLimits;
pub use crate::domain::system::UnreadTotals;
pub use catalogue::Catalogue;
pub(crate) use catalogue::CatalogueCache;
pub use search::MAX_FOUND as MAX_SEARCH_RESULTS;
pub use send::SendReceipt;
pub use uploads::{valid_upload_name, IMAGE_PATH};

/// Path of the image expired image messages show.
pub const EXPIRED_IMAGE_PATH: &str = "/bfs/im/expired.png";

use crate::clock::Clock;
use crate::domain::message::{expire_image, Message};
use crate::domain::upload::ImageNameKey;
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
    /// How long image messages are shown, in seconds (`msg_status` 50
    /// after); `None`: for ever.
    pub image_retention_secs: Option<u64>,
    /// How long a repeated send returns the first msg_key, in seconds.
    pub retry_window_secs: u64,
    /// Send rate limits (21020, 21046).
    pub rate: RateLimits,
    /// Most pixels of an uploaded image (21037 beyond).
    pub max_image_pixels: u64,
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
    catalogue: catalogue::Cache,
    /// Images decoded at once (each may take up to the pixel cap's memory).
    decoding: tokio::sync::Semaphore,
    /// Names uploaded images.
    image_names: ImageNameKey,
    /// Unread totals and the version they hold at (plists).
    unread: unread::UnreadCache,
}

impl MessageService {
    pub fn new(
        store: Arc<dyn Store>,
        files: Arc<dyn FileStore>,
        clock: Arc<dyn Clock>,
        events: Arc<EventBus>,
        limits: MessageLimits,
        public_url: Arc<str>,
        server_key: &[u8; 32],
    ) -> MessageService {
        MessageService {
            store,
            files,
            clock,
            events,
            limits,
            public_url,
            catalogue: catalogue::Cache::default(),
            decoding: tokio::sync::Semaphore::new(2),
            image_names: ImageNameKey::derive(server_key),
            unread: unread::UnreadCache::default(),
        }
    }
}

impl MessageService {
    /// How a stored message shows now: an image past its retention as
    /// expired ([`expire_image`]).
    pub(crate) fn shown(&self, message: Message) -> Message {
        let retention = self
            .limits
            .image_retention_secs
            .map(|s| (s as i64).saturating_mul(1_000_000));
        if retention.is_none() {
            return message;
        }
        let placeholder = serde_json::json!({
            "url": format!("{}{EXPIRED_IMAGE_PATH}", self.public_url),
            "height": 240,
            "width": 240,
            "imageType": "png",
            "original": 0,
            "size": 0.851,
        })
        .to_string();
        expire_image(message, self.clock.now_us(), retention, &placeholder)
    }
}
