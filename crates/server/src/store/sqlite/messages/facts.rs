//! The facts of a one-to-one send in SQLite, read by one statement.
//!
//! Every statement costs a few thousand instructions before it reads
//! anything (the statement cache's look-up, binding, stepping, resetting),
//! so the dozen facts every send needs come from one row of [`FACTS`].
//! The facts only some sends need (an image's upload, a recall's target,
//! block words, which a row of [`FACTS`] says whether to read) are read
//! on their own.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::super::relations::attribute_or_none;
use super::send::recall_target;
use super::{block, settings_from};
use crate::domain::account::AccountState;
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::SendFacts;
use crate::domain::message::Sent;
use crate::domain::{MsgKey, Seqno};
use crate::store::messages::SendContext;

/// Every fact of a send: `?1` sender, `?2` receiver, `?3` now (unix
/// seconds), `?4`/`?5` the conversation's two mids in order, `?6`/`?7`
/// the retry fingerprint and since (NULL without a dev_id).
const FACTS: &str = "SELECT
        c.id, c.max_seqno,
        ss.sent_count,
        rs.ack_seqno, rs.sent_count, rs.is_trust,
        (SELECT until FROM send_bans WHERE mid = ?1 AND until > ?3),
        (SELECT state FROM users WHERE mid = ?2),
        (SELECT attribute FROM relations WHERE mid = ?1 AND fid = ?2),
        (SELECT attribute FROM relations WHERE mid = ?2 AND fid = ?1),
        (SELECT settings FROM message_settings WHERE mid = ?2),
        EXISTS (SELECT 1 FROM message_block_words WHERE mid = ?2),
        EXISTS (SELECT 1 FROM system_accounts WHERE mid = ?1),
        EXISTS (SELECT 1 FROM system_accounts WHERE mid = ?2),
        sr.window_start, sr.count, sr.strikes,
        (SELECT r.msg_key FROM send_retries r
         WHERE r.sender = ?1 AND r.fingerprint = ?6 AND r.created_at >= ?7)
     FROM (SELECT 1) one
     LEFT JOIN conversations c ON c.kind = 1 AND c.a = ?4 AND c.b = ?5
     LEFT JOIN sessions ss ON ss.owner = ?1 AND ss.session_type = 1 AND ss.talker_id = ?2
     LEFT JOIN sessions rs ON rs.owner = ?2 AND rs.session_type = 1 AND rs.talker_id = ?1
     LEFT JOIN send_rates sr ON sr.mid = ?1";

/// Where a send finds the conversation and the two sessions: which of
/// them exist already (the rest are created with the first message).
#[derive(Debug, Clone, Copy)]
pub(super) struct Existing {
    pub conversation: Option<(i64, Seqno)>,
    pub sender_session: bool,
    pub receiver_session: bool,
}

/// What one row of [`FACTS`] holds, before the facts read on their own.
struct Read {
    facts: SendFacts,
    existing: Existing,
    has_block_words: bool,
    /// The key an identical send stored within the window.
    earlier: Option<i64>,
}

fn read(row: &Row<'_>) -> rusqlite::Result<Read> {
    let count = |at: usize| -> rusqlite::Result<u64> {
        Ok(row.get::<_, Option<i64>>(at)?.unwrap_or(0).max(0) as u64)
    };
    let conversation: Option<i64> = row.get(0)?;
    let sender_sent: Option<i64> = row.get(2)?;
    let receiver_ack: Option<i64> = row.get(3)?;
    let settings = settings_from(row.get_ref(10)?.as_str_or_null()?);
    let facts = SendFacts {
        banned_until: row.get(6)?,
        receiver: row.get::<_, Option<i64>>(7)?.map(AccountState::from_code),
        sender_to_receiver: attribute_or_none(row.get(8)?),
        receiver_to_sender: attribute_or_none(row.get(9)?),
        receiver_accepts_strangers: settings.accepts_strangers(),
        receiver_intercepts_strangers: settings.intercepts_strangers(),
        receiver_trusts_sender: row.get::<_, Option<i64>>(5)?.unwrap_or(0) != 0,
        sender_is_system: row.get(12)?,
        receiver_is_system: row.get(13)?,
        sender_sent: count(2)?,
        receiver_sent: count(4)?,
        receiver_ack: Seqno(receiver_ack.unwrap_or(0).max(0) as u64),
        sender_rate: match row.get::<_, Option<i64>>(14)? {
            Some(window_start) => SendRate {
                window_start,
                count: u32::try_from(row.get::<_, i64>(15)?).unwrap_or(u32::MAX),
                strikes: serde_json::from_str(row.get_ref(16)?.as_str()?).unwrap_or_default(),
            },
            None => SendRate::default(),
        },
        ..SendFacts::default()
    };
    Ok(Read {
        facts,
        existing: Existing {
            conversation: match conversation {
                Some(id) => Some((id, Seqno(count(1)?))),
                None => None,
            },
            sender_session: sender_sent.is_some(),
            receiver_session: receiver_ack.is_some(),
        },
        has_block_words: row.get(11)?,
        earlier: row.get(17)?,
    })
}

/// The facts of a send, and the conversation if the two ever talked.
pub(super) fn facts(
    conn: &Connection,
    ctx: &SendContext,
) -> rusqlite::Result<(SendFacts, Existing)> {
    let (sender, receiver) = (ctx.sender, ctx.receiver);
    let (a, b) = if sender <= receiver {
        (sender, receiver)
    } else {
        (receiver, sender)
    };
    let (fingerprint, since) = match &ctx.retry {
        Some((fingerprint, since)) => (Value::Blob(fingerprint.to_vec()), Value::Integer(*since)),
        None => (Value::Null, Value::Null),
    };
    let Read {
        mut facts,
        existing,
        has_block_words,
        earlier,
    } = conn.prepare_cached(FACTS)?.query_row(
        params![
            sender.as_i64(),
            receiver.as_i64(),
            ctx.now_us.div_euclid(1_000_000),
            a.as_i64(),
            b.as_i64(),
            fingerprint,
            since,
        ],
        read,
    )?;
    let conversation = existing.conversation.map(|(id, _)| id);
    if let Some(key) = earlier {
        facts.earlier = conn
            .prepare_cached("SELECT seqno FROM messages WHERE msg_key = ?1")?
            .query_row([key], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|seqno| Sent {
                msg_key: MsgKey(key as u64),
                msg_seqno: Seqno(seqno as u64),
            });
    }
    if has_block_words {
        facts.receiver_block_words = block::words(conn, receiver)?;
    }
    if let Some(name) = &ctx.image {
        facts.image_uploaded = Some(
            conn.prepare_cached("SELECT 1 FROM uploads WHERE name = ?1")?
                .exists([name])?,
        );
    }
    if let Some(key) = ctx.recall {
        facts.recall_target = recall_target(conn, key, (sender, receiver), conversation)?;
    }
    Ok((facts, existing))
}
