//! Message block words: a user's list, adding and removing words. The
//! words hide incoming messages in the send decision (`send::plan`).

use super::MessageService;
use crate::domain::message::block::{decide_add, key_of, BlockWord};
use crate::domain::Mid;
use crate::error::Error;
use crate::events::SettingsPart;

impl MessageService {
    /// `mid`'s block words in the order they were added, each with when.
    pub async fn block_words(&self, mid: Mid) -> Result<Vec<(BlockWord, i64)>, Error> {
        Ok(self.store.block_words(mid).await?)
    }

    /// Adds a block word: -400 empty, 1900004 too long, 1900007 with
    /// spaces, 1900006 already there (in any case), 1900005 too many.
    pub async fn add_block_word(&self, mid: Mid, content: &str) -> Result<(), Error> {
        let word = BlockWord::parse(content)?;
        let decided = word.clone();
        self.store
            .add_block_word(
                mid,
                word,
                self.clock.now_secs(),
                Box::new(move |existing| decide_add(&decided, existing)),
            )
            .await?;
        self.settings_changed(mid, SettingsPart::BlockWords).await;
        Ok(())
    }

    /// Removes a block word (any spelling of it that differs only in case);
    /// removing one that is not there changes nothing and is no error.
    pub async fn delete_block_word(&self, mid: Mid, content: &str) -> Result<(), Error> {
        if content.is_empty() {
            return Err(Error::bad_request("content must not be empty"));
        }
        self.store.delete_block_word(mid, key_of(content)).await?;
        self.settings_changed(mid, SettingsPart::BlockWords).await;
        Ok(())
    }
}
