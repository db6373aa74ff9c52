//! sixin's own conversation calls: searching one's own conversations,
//! marking every session read.

use sixin_api::conversations::{FoundMessages, ReadAll, SearchMessagesQuery};
use sixin_api::Envelope;

use crate::{Client, Error};

impl Client {
    /// `GET /sixin/v1/messages/search`: messages containing `keyword`,
    /// newest first, older than `before_key` when given.
    pub async fn search_messages(
        &self,
        keyword: &str,
        before_key: Option<u64>,
        size: Option<u64>,
    ) -> Result<Envelope<FoundMessages>, Error> {
        let query = SearchMessagesQuery {
            keyword: keyword.to_owned(),
            before_key,
            size,
        };
        self.get("/sixin/v1/messages/search", &query).await
    }

    /// `POST /sixin/v1/sessions/read_all`
    pub async fn read_all(&self) -> Result<Envelope<ReadAll>, Error> {
        self.post_form("/sixin/v1/sessions/read_all", &()).await
    }
}
