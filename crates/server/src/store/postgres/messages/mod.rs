//! Private messages in PostgreSQL, laid out as on SQLite: a conversation
//! (`conversations`) holds the messages, each participant has a
//! `sessions` row. A send locks both users (so each one's sessions, the
//! conversation's seqnos, the sender's retries and limits are stable until
//! it commits), reads every fact in one statement, and writes its plan;
//! a history page is one statement. Fan groups (`super::groups`) and
//! pushes (`super::pushes`) are conversations too.

mod block;
mod changes;
pub(super) mod last;
mod limits;
pub(super) mod send;
pub(super) mod sessions;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sixin_api::message::msg_type;
use tokio_postgres::Row;

use super::{execute, lock, query_one, query_opt, snapshot, Lock, Pipeline, Postgres};
use crate::domain::group::GroupId;
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

/// A pushed message's content is stored once (`content_ref`).
pub(super) const MESSAGE_COLUMNS: &str =
    "m.sender_uid, m.receiver_type, m.receiver_id, m.msg_type, \
     CASE WHEN m.content_ref IS NULL THEN m.content \
          ELSE (SELECT sc.content FROM shared_contents sc WHERE sc.id = m.content_ref) END, \
     m.seqno, m.ts_us, m.at_uids, m.msg_key, m.msg_status, m.notify_code, m.new_face_version, \
     m.msg_source";

/// Reads the 13 message columns starting at `at`.
pub(super) fn message_at(row: &Row, at: usize) -> Message {
    let at_uids: Option<String> = row.get(at + 7);
    Message {
        sender_uid: row.get::<_, i64>(at) as u64,
        receiver_type: row.get(at + 1),
        receiver_id: row.get::<_, i64>(at + 2) as u64,
        msg_type: row.get(at + 3),
        content: row.get(at + 4),
        seqno: Seqno(row.get::<_, i64>(at + 5) as u64),
        ts_us: row.get(at + 6),
        at_uids: at_uids.and_then(|s| serde_json::from_str(&s).ok()),
        msg_key: MsgKey(row.get::<_, i64>(at + 8) as u64),
        msg_status: row.get(at + 9),
        notify_code: row.get(at + 10),
        new_face_version: row.get(at + 11),
        msg_source: row.get(at + 12),
    }
}

/// The two mids of a user conversation, smaller first.
pub(super) fn ordered(x: Mid, y: Mid) -> (i64, i64) {
    if x <= y {
        (x.as_i64(), y.as_i64())
    } else {
        (y.as_i64(), x.as_i64())
    }
}

/// The conversation between two users, created if needed (the caller
/// holds both users' locks): its id.
pub(super) async fn open_conversation(
    c: &impl GenericClient,
    x: Mid,
    y: Mid,
) -> Result<i64, StoreError> {
    let (a, b) = ordered(x, y);
    if let Some(row) = query_opt(
        c,
        "SELECT id FROM conversations WHERE kind = 1 AND a = $1 AND b = $2",
        &[&a, &b],
    )
    .await?
    {
        return Ok(row.get(0));
    }
    Ok(query_one(
        c,
        "INSERT INTO conversations (kind, a, b) VALUES (1, $1, $2) RETURNING id",
        &[&a, &b],
    )
    .await?
    .get(0))
}

/// `owner`'s session of a conversation with `talker`, created if needed.
pub(super) async fn ensure_session(
    c: &impl GenericClient,
    owner: Mid,
    talker: Mid,
    conversation: i64,
) -> Result<(), StoreError> {
    execute(
        c,
        "INSERT INTO sessions (owner, session_type, talker_id, conversation_id)
         VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING",
        &[&owner.as_i64(), &talker.as_i64(), &conversation],
    )
    .await?;
    Ok(())
}

/// A stored JSON object of preferences: the settings that differ from the
/// defaults (and any a newer version stored, kept as they are).
fn stored_map(stored: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// Preferences from their stored JSON (`None`: the defaults).
fn settings_from(stored: Option<&str>) -> MessageSettings {
    let mut settings = MessageSettings::default();
    for (name, value) in stored_map(stored) {
        if let Some(value) = value.as_i64() {
            settings.restore(&name, value);
        }
    }
    settings
}

async fn stored_json(c: &impl GenericClient, mid: Mid) -> Result<Option<String>, StoreError> {
    Ok(query_opt(
        c,
        "SELECT settings FROM message_settings WHERE mid = $1",
        &[&mid.as_i64()],
    )
    .await?
    .map(|r| r.get(0)))
}

async fn update_settings(
    c: &impl GenericClient,
    mid: Mid,
    decide: Decide<MessageSettings, MessageSettings>,
) -> Result<(), StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    let json = stored_json(c, mid).await?;
    let settings = decide(&settings_from(json.as_deref()))?;
    let mut stored = stored_map(json.as_deref());
    stored.retain(|name, _| !MessageSettings::knows(name));
    stored.extend(
        settings
            .changed()
            .map(|(name, value)| (name.to_owned(), value.into())),
    );
    execute(
        c,
        "INSERT INTO message_settings (mid, settings) VALUES ($1, $2)
         ON CONFLICT (mid) DO UPDATE SET settings = excluded.settings",
        &[
            &mid.as_i64(),
            &serde_json::Value::Object(stored).to_string(),
        ],
    )
    .await?;
    Ok(())
}

/// Recalls a message for the system; see `MessageStore::withdraw`.
async fn withdraw(
    c: &impl GenericClient,
    key: MsgKey,
    now_us: i64,
) -> Result<Option<Withdrawal>, StoreError> {
    let key = key.get() as i64;
    // Where the message is, to lock what its sends lock: the group's row,
    // or both users (a message never moves).
    let Some(place) = query_opt(
        c,
        "SELECT c.kind, c.a, c.b FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.msg_key = $1",
        &[&key],
    )
    .await?
    else {
        return Ok(None);
    };
    let (kind, a, b): (i64, i64, i64) = (place.get(0), place.get(1), place.get(2));
    if kind == 2 {
        super::groups::lock_group(c, GroupId::from_i64(a), true).await?;
    } else {
        lock(
            c,
            &[Lock::User(Mid::from_i64(a)), Lock::User(Mid::from_i64(b))],
        )
        .await?;
    }
    let Some(row) = query_opt(
        c,
        &format!(
            "SELECT m.conversation_id, m.visible_to, m.unread_kind, {MESSAGE_COLUMNS}
             FROM messages m WHERE m.msg_key = $1"
        ),
        &[&key],
    )
    .await?
    else {
        return Ok(None);
    };
    let (conversation, visible_to, kind): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let message = message_at(&row, 3);
    if message.msg_status == 2 || message.msg_type == msg_type::SYSTEM_RECALL {
        return Ok(Some(Withdrawal {
            message,
            recall: None,
        }));
    }
    let mut p = Pipeline::default();
    if message.msg_status == 0 && message.msg_type != msg_type::RECALL {
        p.push(
            last::bump_returned(
                "UPDATE sessions SET unread_count = unread_count - 1,
                     push_unread = GREATEST(push_unread - ($5::BIGINT = 1)::INT, 0),
                     biz_unread = GREATEST(biz_unread - ($5::BIGINT = 2)::INT, 0)
                 WHERE conversation_id = $1 AND owner <> $2 AND ack_seqno < $3 AND unread_count > 0
                   AND ($4::BIGINT = 0 OR owner = $4::BIGINT)
                 RETURNING owner",
            ),
            vec![
                Box::new(conversation),
                Box::new(message.sender_uid as i64),
                Box::new(message.seqno.get() as i64),
                Box::new(visible_to),
                Box::new(kind),
            ],
        );
    }
    p.push(
        "UPDATE messages SET msg_status = 2 WHERE msg_key = $1",
        vec![Box::new(key)],
    );
    // Withdrawn messages are shown by no session.
    last::message_changed(&mut p, conversation, key);
    p.run(c).await?;
    let visible_to = Mid::new(visible_to as u64);
    let mut stored = None;
    if let Some(draft) = system_recall(&message, visible_to) {
        // Both users are locked: the conversation's seqnos are stable.
        let last: i64 = query_one(
            c,
            "SELECT max_seqno FROM conversations WHERE id = $1",
            &[&conversation],
        )
        .await?
        .get(0);
        let seqno = Seqno(last as u64).next();
        let mut p = Pipeline::default();
        let inserted = send::insert(&mut p, conversation, &draft, seqno, now_us);
        let shown = last::shown(&send::stored_message(&draft, seqno, MsgKey(0), now_us));
        // Neither side's unread nor read position moves: a recall is
        // nobody's unread, and its sender did not send it.
        for (owner, talker) in [
            (draft.sender, draft.receiver),
            (draft.receiver, draft.sender),
        ] {
            if visible_to.is_none_or(|v| v == owner) {
                let side = send::Side::Other { unread: false };
                send::advance(&mut p, (owner, talker), seqno, now_us, side, shown.clone());
            }
        }
        p.push(
            "UPDATE conversations SET max_seqno = $2 WHERE id = $1",
            vec![Box::new(conversation), Box::new(seqno.get() as i64)],
        );
        let rows = p.run(c).await?;
        let key: i64 = rows[inserted]
            .first()
            .ok_or_else(|| StoreError::backend("an inserted system recall returned no key"))?
            .get(0);
        let recall = send::stored_message(&draft, seqno, MsgKey(key as u64), now_us);
        stored = Some((recall, visible_to));
    }
    Ok(Some(Withdrawal {
        message,
        recall: stored,
    }))
}

#[async_trait]
impl MessageStore for Postgres {
    async fn send(
        &self,
        context: SendContext,
        decide: Decide<SendFacts, SendDecision>,
    ) -> Result<SendOutcome, StoreError> {
        send::send(self.client().await?, &context, decide).await
    }

    async fn sessions(
        &self,
        owner: Mid,
        query: SessionQuery,
    ) -> Result<(Vec<SessionRecord>, bool), StoreError> {
        let client = self.client().await?;
        sessions::list(&client, owner, query).await
    }

    async fn session(
        &self,
        owner: Mid,
        talker: Talker,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let client = self.client().await?;
        sessions::one(&client, owner, talker).await
    }

    async fn history(
        &self,
        owner: Mid,
        talker: Talker,
        query: HistoryQuery,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        let client = self.client().await?;
        sessions::history(&client, owner, talker, query).await
    }

    async fn read(
        &self,
        owner: Mid,
        talker: Talker,
        now_us: i64,
        decide: Decide<ReadFacts, Option<Seqno>>,
    ) -> Result<Option<Seqno>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let read = changes::read(&tx, owner, talker, now_us, decide).await?;
        tx.commit().await?;
        Ok(read)
    }

    async fn change_session(
        &self,
        owner: Mid,
        talker: Talker,
        decide: Decide<SessionFacts, SessionState>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        changes::change(&tx, owner, talker, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn change_intercepted(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        changes::change_intercepted(&tx, owner, change).await?;
        Ok(tx.commit().await?)
    }

    async fn change_unread(
        &self,
        owner: Mid,
        change: Box<dyn Fn(SessionState) -> SessionState + Send>,
    ) -> Result<Vec<(Talker, SessionState)>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let changed = changes::change_unread(&tx, owner, change).await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn session_state(&self, owner: Mid, talker: Talker) -> Result<SessionState, StoreError> {
        let client = self.client().await?;
        Ok(sessions::state(&client, owner, talker, false)
            .await?
            .unwrap_or_default())
    }

    async fn unread_sessions(&self, owner: Mid) -> Result<Vec<UnreadSession>, StoreError> {
        let client = self.client().await?;
        sessions::unread(&client, owner).await
    }

    async fn unread_if_changed(
        &self,
        owner: Mid,
        known: Option<UnreadVersion>,
    ) -> Result<UnreadRead, StoreError> {
        let mut client = self.client().await?;
        // One statement is one snapshot: an unchanged version is answered
        // without a transaction.
        let version = sessions::unread_version(&client, owner).await?;
        if known == Some(version) {
            return Ok(UnreadRead {
                version,
                sessions: None,
            });
        }
        let tx = snapshot(&mut client).await?;
        let version = sessions::unread_version(&tx, owner).await?;
        let sessions = sessions::unread(&tx, owner).await?;
        tx.commit().await?;
        Ok(UnreadRead {
            version,
            sessions: Some(sessions),
        })
    }

    async fn withdraw(
        &self,
        msg_key: MsgKey,
        now_us: i64,
    ) -> Result<Option<Withdrawal>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let withdrawn = withdraw(&tx, msg_key, now_us).await?;
        tx.commit().await?;
        Ok(withdrawn)
    }

    async fn message_settings(&self, mid: Mid) -> Result<MessageSettings, StoreError> {
        let client = self.client().await?;
        Ok(settings_from(stored_json(&client, mid).await?.as_deref()))
    }

    async fn update_message_settings(
        &self,
        mid: Mid,
        decide: Decide<MessageSettings, MessageSettings>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        update_settings(&tx, mid, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn block_words(&self, mid: Mid) -> Result<Vec<(BlockWord, i64)>, StoreError> {
        let client = self.client().await?;
        block::words_with_time(&client, mid).await
    }

    async fn add_block_word(
        &self,
        mid: Mid,
        word: BlockWord,
        now: i64,
        decide: Decide<Vec<BlockWord>, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        block::add(&tx, mid, &word, now, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_block_word(&self, mid: Mid, key: String) -> Result<(), StoreError> {
        let client = self.client().await?;
        block::delete(&client, mid, &key).await
    }

    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError> {
        let client = self.client().await?;
        Ok(query_opt(
            &client,
            "SELECT until FROM send_bans WHERE mid = $1 AND until > $2",
            &[&mid.as_i64(), &now],
        )
        .await?
        .map(|r| r.get(0)))
    }
}
