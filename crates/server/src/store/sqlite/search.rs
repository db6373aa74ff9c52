//! Searching one's own conversations in SQLite: the trigram index
//! `message_text` (migration 0015) for texts of three characters or more,
//! and for shorter ones a `LIKE` over the searcher's own messages (a
//! trigram index cannot find them).

use async_trait::async_trait;
use rusqlite::{params, Connection};

use super::messages::{message_at, MESSAGE_COLUMNS};
use super::Sqlite;
use crate::domain::message::Message;
use crate::domain::Mid;
use crate::store::search::{SearchQuery, SearchStore};
use crate::store::StoreError;

/// The conversations that are `?1`'s: with users they have a session
/// with, and of the fan groups they are a member of.
const MINE: &str = "WITH mine(id) AS (
        SELECT conversation_id FROM sessions WHERE owner = ?1 AND session_type = 1
        UNION
        SELECT c.id FROM group_members g
        JOIN conversations c ON c.kind = 2 AND c.a = g.group_id AND c.b = 0
        WHERE g.mid = ?1
    )";

/// What every message found must be: in one of `mine`, seen by `?1`, not
/// recalled or withdrawn, below the key `?3`.
const SHOWN: &str = "m.conversation_id IN (SELECT id FROM mine)
    AND (m.visible_to = 0 OR m.visible_to = ?1) AND m.msg_status = 0
    AND m.msg_key < ?3";

fn search(
    conn: &Connection,
    owner: Mid,
    query: &SearchQuery,
) -> rusqlite::Result<(Vec<Message>, bool)> {
    let sql = if query.text.indexable() {
        format!(
            "{MINE} SELECT {MESSAGE_COLUMNS} FROM message_text t
             JOIN messages m ON m.msg_key = t.rowid
             WHERE message_text MATCH ?2 AND t.rowid < ?3 AND {SHOWN}
             ORDER BY t.rowid DESC LIMIT ?4"
        )
    } else {
        format!(
            "{MINE} SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE {SHOWN} AND m.msg_type = 1 AND m.content_ref IS NULL
               AND json_valid(m.content)
               AND json_extract(m.content, '$.content') LIKE ?2 ESCAPE '\\'
             ORDER BY m.msg_key DESC LIMIT ?4"
        )
    };
    let pattern = if query.text.indexable() {
        query.text.fts_phrase()
    } else {
        query.text.like_pattern()
    };
    let before = query
        .before
        .map_or(i64::MAX, |key| i64::try_from(key.get()).unwrap_or(i64::MAX));
    let size = usize::try_from(query.size).unwrap_or(usize::MAX);
    let mut messages = conn
        .prepare_cached(&sql)?
        .query_map(
            params![
                owner.as_i64(),
                pattern,
                before,
                i64::try_from(query.size).unwrap_or(i64::MAX - 1) + 1
            ],
            |r| message_at(r, 0),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let more = messages.len() > size;
    messages.truncate(size);
    Ok((messages, more))
}

#[async_trait]
impl SearchStore for Sqlite {
    async fn search_messages(
        &self,
        owner: Mid,
        query: SearchQuery,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        self.read(move |conn| Ok(search(conn, owner, &query)?))
            .await
    }
}
