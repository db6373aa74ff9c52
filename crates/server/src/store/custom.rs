//! Customer service: the records of uploaded files (their bytes are in the
//! file store) and presence, what heartbeats say about who is there.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::system::{Place, Presence};
use crate::domain::Mid;

/// A file uploaded through the customer-service upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFile {
    /// `<hex>.<ext>`, the name given out as `key`.
    pub key: String,
    pub owner: Mid,
    /// The name to download it as (already made safe).
    pub filename: String,
    /// Recognised from the bytes; `application/octet-stream` when unknown.
    pub mime: String,
    pub bytes: u64,
    /// Unix seconds.
    pub created_at: i64,
}

/// Someone's presence at a place, with their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRecord {
    pub mid: Mid,
    pub uname: String,
    pub place: Place,
    pub presence: Presence,
}

#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Records an uploaded file (keys are random; recording one twice
    /// replaces it).
    async fn record_file(&self, file: CustomerFile) -> Result<(), StoreError>;

    /// An uploaded file by key.
    async fn customer_file(&self, key: String) -> Result<Option<CustomerFile>, StoreError>;

    /// Records a heartbeat of `mid` at `place`: `decide` makes the new
    /// presence from the stored one (if any).
    async fn heartbeat(
        &self,
        mid: Mid,
        place: Place,
        decide: Decide<Option<Presence>, Presence>,
    ) -> Result<Presence, StoreError>;

    /// Everyone last seen at or after `since` (unix seconds), most recently
    /// seen first.
    async fn presence(&self, since: i64) -> Result<Vec<PresenceRecord>, StoreError>;
}
