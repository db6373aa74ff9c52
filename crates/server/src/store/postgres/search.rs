//! Searching one's own conversations in PostgreSQL: `ILIKE` over the text
//! of the searcher's own text messages (`message_text`, migration 0005),
//! which a trigram index answers where pg_trgm is available; without it,
//! PostgreSQL reads the searcher's messages, conversation by conversation.

use async_trait::async_trait;

use super::messages::{message_at, MESSAGE_COLUMNS};
use super::{query, Postgres};
use crate::domain::message::Message;
use crate::domain::Mid;
use crate::store::search::{SearchQuery, SearchStore};
use crate::store::StoreError;

#[async_trait]
impl SearchStore for Postgres {
    async fn search_messages(
        &self,
        owner: Mid,
        asked: SearchQuery,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        let client = self.client().await?;
        let sql = format!(
            "WITH mine AS (
                 SELECT conversation_id AS id FROM sessions
                 WHERE owner = $1 AND session_type = 1
                 UNION
                 SELECT c.id FROM group_members g
                 JOIN conversations c ON c.kind = 2 AND c.a = g.group_id AND c.b = 0
                 WHERE g.mid = $1
             )
             SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.conversation_id IN (SELECT id FROM mine)
               AND (m.visible_to = 0 OR m.visible_to = $1) AND m.msg_status = 0
               AND m.msg_key < $3 AND m.content_ref IS NULL
               AND message_text(m.msg_type, m.content) ILIKE $2 ESCAPE '\\'
             ORDER BY m.msg_key DESC LIMIT $4"
        );
        let before = asked
            .before
            .map_or(i64::MAX, |key| i64::try_from(key.get()).unwrap_or(i64::MAX));
        let limit = i64::try_from(asked.size).unwrap_or(i64::MAX - 1) + 1;
        let rows = query(
            &client,
            &sql,
            &[&owner.as_i64(), &asked.text.like_pattern(), &before, &limit],
        )
        .await?;
        let size = usize::try_from(asked.size).unwrap_or(usize::MAX);
        let more = rows.len() > size;
        let messages = rows.iter().take(size).map(|r| message_at(r, 0)).collect();
        Ok((messages, more))
    }
}
