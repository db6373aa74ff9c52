//! Private messages in SQLite.
//!
//! A conversation (`conversations`) holds the messages between two users;
//! each participant has a `sessions` row (read position, unread count,
//! settings). Sending is a constant number of indexed reads and writes
//! inside the writer's transaction. History and session lists are range
//! scans of `messages(conversation_id, seqno)` and `sessions(owner,
//! session_ts)`; unread totals visit only sessions with unread messages (a
//! partial index).

mod block;
mod facts;
pub(super) mod send;
mod sessions;

use async_trait::async_trait;
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sixin_api::message::msg_type;

use super::keys::KeyGen;
use super::Sqlite;
use crate::domain::message::block::BlockWord;
use crate::domain::message::recall::system_recall;
use crate::domain::message::send::{SendDecision, SendFacts};
use crate::domain::message::session::{SessionState, Talker};
use crate::domain::message::settings::MessageSettings;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::messages::{
    HistoryQuery, MessageStore, ReadFacts, SendContext, SendOutcome, SessionFacts, SessionQuery,
    SessionRecord, UnreadRead, UnreadSession, UnreadVersion, Withdrawal,
};
use crate::store::{Decide, StoreError};

pub(super) const MESSAGE_COLUMNS: &str =
    "m.sender_uid, m.receiver_type, m.receiver_id, m.msg_type, \
     CASE WHEN m.content_ref IS NULL THEN m.content \
          ELSE (SELECT c.content FROM shared_contents c WHERE c.id = m.content_ref) END, \
     m.seqno, m.ts_us, m.at_uids, m.msg_key, m.msg_status, m.notify_code, m.new_face_version, \
     m.msg_source";

/// Reads the 13 message columns starting at `at`.
pub(super) fn message_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Message> {
    let at_uids = row
        .get_ref(at + 7)?
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at + 7, Type::Text, Box::new(e)))?
        .and_then(at_uids);
    Ok(Message {
        sender_uid: row.get::<_, i64>(at)? as u64,
        receiver_type: row.get(at + 1)?,
        receiver_id: row.get::<_, i64>(at + 2)? as u64,
        msg_type: row.get(at + 3)?,
        content: row.get(at + 4)?,
        seqno: Seqno(row.get::<_, i64>(at + 5)? as u64),
        ts_us: row.get(at + 6)?,
        at_uids,
        msg_key: MsgKey(row.get::<_, i64>(at + 8)? as u64),
        msg_status: row.get(at + 9)?,
        notify_code: row.get(at + 10)?,
        new_face_version: row.get(at + 11)?,
        msg_source: row.get(at + 12)?,
    })
}

/// The stored `at_uids` (a JSON array of mids): nearly always `[0]`, read
/// without a JSON parser; `None` if it is not an array of mids.
fn at_uids(stored: &str) -> Option<Vec<u64>> {
    match stored {
        "[0]" => Some(vec![0]),
        other => serde_json::from_str(other).ok(),
    }
}

/// The conversation between two users: `(id, max_seqno)`.
fn user_conversation(conn: &Connection, x: Mid, y: Mid) -> rusqlite::Result<Option<(i64, Seqno)>> {
    let (a, b) = if x <= y { (x, y) } else { (y, x) };
    conn.prepare_cached(
        "SELECT id, max_seqno FROM conversations WHERE kind = 1 AND a = ?1 AND b = ?2",
    )?
    .query_row(params![a.as_i64(), b.as_i64()], |r| {
        Ok((r.get::<_, i64>(0)?, Seqno(r.get::<_, i64>(1)? as u64)))
    })
    .optional()
}

/// The conversation between two users, created if needed: `(id, max_seqno)`.
pub(super) fn open_conversation(
    conn: &Connection,
    x: Mid,
    y: Mid,
) -> rusqlite::Result<(i64, Seqno)> {
    if let Some(found) = user_conversation(conn, x, y)? {
        return Ok(found);
    }
    let (a, b) = if x <= y { (x, y) } else { (y, x) };
    conn.prepare_cached("INSERT INTO conversations (kind, a, b) VALUES (1, ?1, ?2)")?
        .execute(params![a.as_i64(), b.as_i64()])?;
    Ok((conn.last_insert_rowid(), Seqno::ZERO))
}

/// `owner`'s session of a conversation with `talker`, created if needed.
pub(super) fn ensure_session(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    conversation: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sessions (owner, session_type, talker_id, conversation_id)
         VALUES (?1, 1, ?2, ?3)",
    )?
    .execute(params![owner.as_i64(), talker.as_i64(), conversation])?;
    Ok(())
}

/// The stored JSON object of a user's preferences: the settings that differ
/// from the defaults (and any a newer version stored, kept as they are).
fn stored_map(
    conn: &Connection,
    mid: Mid,
) -> rusqlite::Result<serde_json::Map<String, serde_json::Value>> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT settings FROM message_settings WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| r.get(0))
        .optional()?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// A user's message preferences, on any connection.
fn stored_settings(conn: &Connection, mid: Mid) -> rusqlite::Result<MessageSettings> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT settings FROM message_settings WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| r.get(0))
        .optional()?;
    Ok(settings_from(stored.as_deref()))
}

/// Preferences from their stored JSON object (`None`: the defaults).
fn settings_from(stored: Option<&str>) -> MessageSettings {
    let mut settings = MessageSettings::default();
    let Some(stored) = stored else {
        return settings;
    };
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(stored).unwrap_or_default();
    for (name, value) in map {
        if let Some(value) = value.as_i64() {
            settings.restore(&name, value);
        }
    }
    settings
}

fn store_settings(conn: &Connection, mid: Mid, settings: &MessageSettings) -> rusqlite::Result<()> {
    let mut stored = stored_map(conn, mid)?;
    stored.retain(|name, _| !MessageSettings::knows(name));
    stored.extend(
        settings
            .changed()
            .map(|(name, value)| (name.to_owned(), value.into())),
    );
    conn.prepare_cached("INSERT OR REPLACE INTO message_settings (mid, settings) VALUES (?1, ?2)")?
        .execute(params![
            mid.as_i64(),
            serde_json::Value::Object(stored).to_string()
        ])?;
    Ok(())
}

/// Recalls a message for the system; see `MessageStore::withdraw`.
fn withdraw(
    conn: &Connection,
    keys: &KeyGen,
    key: MsgKey,
    now_us: i64,
) -> rusqlite::Result<Option<Withdrawal>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT m.conversation_id, m.visible_to, m.unread_kind, {MESSAGE_COLUMNS}
             FROM messages m WHERE m.msg_key = ?1"
        ))?
        .query_row([key.get() as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                message_at(r, 3)?,
            ))
        })
        .optional()?;
    let Some((conversation, visible_to, kind, message)) = found else {
        return Ok(None);
    };
    if message.msg_status == 2 || message.msg_type == msg_type::SYSTEM_RECALL {
        return Ok(Some(Withdrawal {
            message,
            recall: None,
        }));
    }
    if message.msg_status == 0 && message.msg_type != msg_type::RECALL {
        conn.prepare_cached(
            "UPDATE sessions SET unread_count = unread_count - 1,
                 push_unread = MAX(push_unread - (?5 = 1), 0),
                 biz_unread = MAX(biz_unread - (?5 = 2), 0)
             WHERE conversation_id = ?1 AND owner != ?2 AND ack_seqno < ?3 AND unread_count > 0
               AND (?4 = 0 OR owner = ?4)",
        )?
        .execute(params![
            conversation,
            message.sender_uid as i64,
            message.seqno.get() as i64,
            visible_to,
            kind
        ])?;
    }
    conn.prepare_cached("UPDATE messages SET msg_status = 2 WHERE msg_key = ?1")?
        .execute([key.get() as i64])?;
    let visible_to = Mid::new(visible_to as u64);
    let mut stored = None;
    if let Some(draft) = system_recall(&message, visible_to) {
        let last: i64 = conn
            .prepare_cached("SELECT max_seqno FROM conversations WHERE id = ?1")?
            .query_row([conversation], |r| r.get(0))?;
        let seqno = Seqno(last as u64).next();
        let recall = send::stored_message(&draft, seqno, keys.next(now_us), now_us);
        send::insert(conn, conversation, &recall, visible_to)?;
        // Neither side's unread nor read position moves: a recall is
        // nobody's unread, and its sender did not send it.
        for (owner, talker) in [
            (draft.sender, draft.receiver),
            (draft.receiver, draft.sender),
        ] {
            if visible_to.is_none_or(|v| v == owner) {
                send::advance(conn, owner, talker, seqno, now_us, false, false)?;
            }
        }
        stored = Some((recall, visible_to));
    }
    Ok(Some(Withdrawal {
        message,
        recall: stored,
    }))
}

#[async_trait]
impl MessageStore for Sqlite {
    async fn send(
        &self,
        context: SendContext,
        decide: Decide<SendFacts, SendDecision>,
    ) -> Result<SendOutcome, StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| send::send(conn, &keys, &context, decide))
            .await
    }

    async fn sessions(
        &self,
        owner: Mid,
        query: SessionQuery,
    ) -> Result<(Vec<SessionRecord>, bool), StoreError> {
        self.read(move |conn| Ok(sessions::list(conn, owner, query)?))
            .await
    }

    async fn session(
        &self,
        owner: Mid,
        talker: Talker,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.read(move |conn| Ok(sessions::one(conn, owner, talker)?))
            .await
    }

    async fn history(
        &self,
        owner: Mid,
        talker: Talker,
        query: HistoryQuery,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        self.read(move |conn| Ok(sessions::history(conn, owner, talker, query)?))
            .await
    }

    async fn read(
        &self,
        owner: Mid,
        talker: Talker,
        now_us: i64,
        decide: Decide<ReadFacts, Option<Seqno>>,
    ) -> Result<Option<Seqno>, StoreError> {
        self.write(move |conn| sessions::read(conn, owner, talker, now_us, decide))
            .await
    }

    async fn change_session(
        &self,
        owner: Mid,
        talker: Talker,
        decide: Decide<SessionFacts, SessionState>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| sessions::change(conn, owner, talker, decide))
            .await
    }

    async fn change_intercepted(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| Ok(sessions::change_intercepted(conn, owner, change)?))
            .await
    }

    async fn change_unread(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<Vec<(Talker, SessionState)>, StoreError> {
        self.write(move |conn| Ok(sessions::change_unread(conn, owner, change)?))
            .await
    }

    async fn session_state(&self, owner: Mid, talker: Talker) -> Result<SessionState, StoreError> {
        self.read(move |conn| Ok(sessions::state(conn, owner, talker)?.unwrap_or_default()))
            .await
    }

    async fn unread_sessions(&self, owner: Mid) -> Result<Vec<UnreadSession>, StoreError> {
        self.read(move |conn| Ok(sessions::unread(conn, owner)?))
            .await
    }

    async fn unread_if_changed(
        &self,
        owner: Mid,
        known: Option<UnreadVersion>,
    ) -> Result<UnreadRead, StoreError> {
        // `read` is one snapshot: the sessions are those of the version.
        self.read(move |conn| {
            let version = sessions::unread_version(conn, owner)?;
            let sessions = match known == Some(version) {
                true => None,
                false => Some(sessions::unread(conn, owner)?),
            };
            Ok(UnreadRead { version, sessions })
        })
        .await
    }

    async fn withdraw(
        &self,
        msg_key: MsgKey,
        now_us: i64,
    ) -> Result<Option<Withdrawal>, StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| Ok(withdraw(conn, &keys, msg_key, now_us)?))
            .await
    }

    async fn message_settings(&self, mid: Mid) -> Result<MessageSettings, StoreError> {
        self.read(move |conn| Ok(stored_settings(conn, mid)?)).await
    }

    async fn update_message_settings(
        &self,
        mid: Mid,
        decide: Decide<MessageSettings, MessageSettings>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let settings = decide(&stored_settings(conn, mid)?)?;
            Ok(store_settings(conn, mid, &settings)?)
        })
        .await
    }

    async fn block_words(&self, mid: Mid) -> Result<Vec<(BlockWord, i64)>, StoreError> {
        self.read(move |conn| Ok(block::words_with_time(conn, mid)?))
            .await
    }

    async fn add_block_word(
        &self,
        mid: Mid,
        word: BlockWord,
        now: i64,
        decide: Decide<Vec<BlockWord>, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| block::add(conn, mid, &word, now, decide))
            .await
    }

    async fn delete_block_word(&self, mid: Mid, key: String) -> Result<(), StoreError> {
        self.write(move |conn| Ok(block::delete(conn, mid, &key)?))
            .await
    }

    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError> {
        self.read(move |conn| Ok(send::ban(conn, mid, now)?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message::settings::SettingsChange;

    #[tokio::test]
    async fn settings_a_newer_version_stored_survive_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
        let mid = Mid::new(7).unwrap();
        db.write(move |c| {
            c.execute(
                "INSERT INTO message_settings (mid, settings) VALUES (?1, ?2)",
                params![mid.as_i64(), r#"{"future_switch":3,"set_like":5}"#],
            )?;
            Ok(())
        })
        .await
        .unwrap();
        let change = SettingsChange::parse([("set_at", "1")]).unwrap();
        db.update_message_settings(mid, Box::new(move |s| Ok(change.apply(s))))
            .await
            .unwrap();
        let settings = db.message_settings(mid).await.unwrap();
        assert_eq!((settings.get("set_like"), settings.get("set_at")), (5, 1));
        let raw = db.read(move |c| Ok(stored_map(c, mid)?)).await.unwrap();
        assert_eq!(raw.get("future_switch"), Some(&serde_json::Value::from(3)));
    }
}
