//! The emoji catalogue and keyword rules: read on every text send, changed
//! only through the admin API, so kept in memory and reloaded after a change
//! (on every node: a change publishes `Event::CatalogueChanged`).

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::RwLock;

use super::MessageService;
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::error::Error;
use crate::events::{Event, Subscriber};

/// The emoji catalogue and keyword rules.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub emotes: Vec<Emote>,
    pub rules: Vec<KeywordRule>,
}

/// The catalogue as last loaded.
#[derive(Debug, Default)]
pub(super) struct Cache(RwLock<Option<Arc<Catalogue>>>);

impl MessageService {
    /// The catalogue, loaded from the store on first use.
    pub async fn catalogue(&self) -> Result<Arc<Catalogue>, Error> {
        if let Some(c) = self.catalogue.0.read().await.as_ref() {
            return Ok(c.clone());
        }
        let mut slot = self.catalogue.0.write().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let loaded = Arc::new(Catalogue {
            emotes: self.store.emotes().await?,
            rules: self.store.keyword_rules().await?,
        });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }

    /// Forgets the loaded catalogue.
    async fn invalidate_catalogue(&self) {
        *self.catalogue.0.write().await = None;
    }

    /// Forgets the loaded catalogue here and tells the other nodes to.
    async fn catalogue_changed(&self) {
        self.invalidate_catalogue().await;
        self.events.publish(Event::CatalogueChanged).await;
    }

    /// Every emoji, by text.
    pub async fn emotes(&self) -> Result<Vec<Emote>, Error> {
        Ok(self.store.emotes().await?)
    }

    /// Adds or replaces an emoji.
    pub async fn put_emote(&self, emote: Emote) -> Result<(), Error> {
        self.store.put_emote(emote).await?;
        self.catalogue_changed().await;
        Ok(())
    }

    /// Removes an emoji; `false` when there was none.
    pub async fn delete_emote(&self, text: String) -> Result<bool, Error> {
        let deleted = self.store.delete_emote(text).await?;
        self.catalogue_changed().await;
        Ok(deleted)
    }

    /// Every keyword rule, by id.
    pub async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, Error> {
        Ok(self.store.keyword_rules().await?)
    }

    /// Adds or replaces a keyword rule.
    pub async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), Error> {
        self.store.put_keyword_rule(rule).await?;
        self.catalogue_changed().await;
        Ok(())
    }

    /// Removes a keyword rule; `false` when there was none.
    pub async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, Error> {
        let deleted = self.store.delete_keyword_rule(rule_id).await?;
        self.catalogue_changed().await;
        Ok(deleted)
    }
}

/// Forgets the loaded catalogue when it changed, here or on another node.
pub(crate) struct CatalogueCache(pub(crate) Arc<MessageService>);

#[async_trait]
impl Subscriber for CatalogueCache {
    async fn on_event(&self, event: &Event) {
        if *event == Event::CatalogueChanged {
            self.0.invalidate_catalogue().await;
        }
    }

    fn hears_other_nodes(&self) -> bool {
        true
    }
}
