//! What administrators curate (the emoji catalogue, keyword rules) and the
//! records of uploaded images.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::domain::Mid;

/// An uploaded image (its bytes are in the file store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// `<sha256>.<ext>`.
    pub name: String,
    pub owner: Mid,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// Unix seconds.
    pub created_at: i64,
}

#[async_trait]
pub trait CatalogueStore: Send + Sync {
    /// The emoji catalogue, by text.
    async fn emotes(&self) -> Result<Vec<Emote>, StoreError>;

    /// Adds or replaces an emoji.
    async fn put_emote(&self, emote: Emote) -> Result<(), StoreError>;

    /// Removes an emoji; `false` when there was none.
    async fn delete_emote(&self, text: String) -> Result<bool, StoreError>;

    /// The keyword rules, by id.
    async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, StoreError>;

    /// Adds or replaces a keyword rule.
    async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), StoreError>;

    /// Removes a keyword rule; `false` when there was none.
    async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, StoreError>;

    /// Records an uploaded image; recording one twice keeps the first.
    async fn record_upload(&self, upload: Upload) -> Result<(), StoreError>;

    /// An uploaded image by name.
    async fn upload(&self, name: String) -> Result<Option<Upload>, StoreError>;
}
