//! Sending in SQLite: the facts of a send, and applying its decision.

use rusqlite::{params, Connection, OptionalExtension};

use super::super::accounts::user_exists;
use super::super::keys::KeyGen;
use super::super::relations::stored_attribute;
use super::{ensure_session, open_conversation, stored_settings, user_conversation};
use crate::domain::message::send::{
    Draft, Fingerprint, MessagePlan, RecallTarget, SendDecision, SendFacts,
};
use crate::domain::message::{Message, Sent};
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::messages::{SendContext, SendOutcome};
use crate::store::{Decide, StoreError};

/// Until when `mid` may not send, if stopped at `now` (unix seconds).
pub(super) fn ban(conn: &Connection, mid: Mid, now: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT until FROM send_bans WHERE mid = ?1 AND until > ?2")?
        .query_row(params![mid.as_i64(), now], |r| r.get(0))
        .optional()
}

/// What an identical send stored at or after `since` (unix seconds).
fn earlier(
    conn: &Connection,
    sender: Mid,
    fingerprint: &Fingerprint,
    since: i64,
) -> rusqlite::Result<Option<Sent>> {
    conn.prepare_cached(
        "SELECT r.msg_key, m.seqno FROM send_retries r
         JOIN messages m ON m.msg_key = r.msg_key
         WHERE r.sender = ?1 AND r.fingerprint = ?2 AND r.created_at >= ?3",
    )?
    .query_row(params![sender.as_i64(), &fingerprint[..], since], |r| {
        Ok(Sent {
            msg_key: MsgKey(r.get::<_, i64>(0)? as u64),
            msg_seqno: Seqno(r.get::<_, i64>(1)? as u64),
        })
    })
    .optional()
}

/// `(ack_seqno, sent_count)` of a user session, zeros when there is none.
fn session_counters(conn: &Connection, owner: Mid, talker: Mid) -> rusqlite::Result<(Seqno, u64)> {
    Ok(conn
        .prepare_cached(
            "SELECT ack_seqno, sent_count FROM sessions
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
            Ok((
                Seqno(r.get::<_, i64>(0)? as u64),
                r.get::<_, i64>(1)? as u64,
            ))
        })
        .optional()?
        .unwrap_or((Seqno::ZERO, 0)))
}

fn recall_target(
    conn: &Connection,
    key: MsgKey,
    sender: Mid,
    conversation: Option<i64>,
) -> rusqlite::Result<Option<RecallTarget>> {
    conn.prepare_cached(
        "SELECT conversation_id, seqno, sender_uid, msg_status, msg_type, ts_us, visible_to
         FROM messages WHERE msg_key = ?1",
    )?
    .query_row([key.get() as i64], |r| {
        Ok(RecallTarget {
            same_conversation: Some(r.get::<_, i64>(0)?) == conversation,
            seqno: Seqno(r.get::<_, i64>(1)? as u64),
            sent_by_caller: r.get::<_, i64>(2)? == sender.as_i64(),
            msg_status: r.get(3)?,
            msg_type: r.get(4)?,
            ts_us: r.get(5)?,
            visible_to_both: r.get::<_, i64>(6)? == 0,
        })
    })
    .optional()
}

/// The facts of a send, and the conversation if the two ever talked.
fn facts(
    conn: &Connection,
    ctx: &SendContext,
) -> rusqlite::Result<(SendFacts, Option<(i64, Seqno)>)> {
    let (sender, receiver) = (ctx.sender, ctx.receiver);
    let found = user_conversation(conn, sender, receiver)?;
    let conversation = found.map(|(id, _)| id);
    let (_, sender_sent) = session_counters(conn, sender, receiver)?;
    let (receiver_ack, receiver_sent) = session_counters(conn, receiver, sender)?;
    let facts = SendFacts {
        earlier: match &ctx.retry {
            Some((fingerprint, since)) => earlier(conn, sender, fingerprint, *since)?,
            None => None,
        },
        banned_until: ban(conn, sender, ctx.now_us / 1_000_000)?,
        receiver_exists: user_exists(conn, receiver)?,
        image_uploaded: match &ctx.image {
            Some(name) => Some(
                conn.prepare_cached("SELECT 1 FROM uploads WHERE name = ?1")?
                    .exists([name])?,
            ),
            None => None,
        },
        sender_to_receiver: stored_attribute(conn, sender, receiver)?,
        receiver_to_sender: stored_attribute(conn, receiver, sender)?,
        receiver_accepts_strangers: stored_settings(conn, receiver)?.accepts_strangers(),
        sender_sent,
        receiver_sent,
        receiver_ack,
        recall_target: match ctx.recall {
            Some(key) => recall_target(conn, key, sender, conversation)?,
            None => None,
        },
    };
    Ok((facts, found))
}

pub(super) fn send(
    conn: &Connection,
    keys: &KeyGen,
    ctx: &SendContext,
    decide: Decide<SendFacts, SendDecision>,
) -> Result<SendOutcome, StoreError> {
    let (facts, conversation) = facts(conn, ctx)?;
    match decide(&facts)? {
        SendDecision::Retried(sent) => Ok(SendOutcome::Retried(sent)),
        SendDecision::StopSender { until } => {
            conn.prepare_cached("INSERT OR REPLACE INTO send_bans (mid, until) VALUES (?1, ?2)")?
                .execute(params![ctx.sender.as_i64(), until])?;
            Ok(SendOutcome::SenderStopped { until })
        }
        SendDecision::Store(plan) => Ok(store(conn, keys, ctx, conversation, &plan)?),
    }
}

/// A session time for `owner` that is at least `now_us` and later than any
/// of their sessions, so that paging by time never skips a tie.
fn session_time(conn: &Connection, owner: Mid, now_us: i64) -> rusqlite::Result<i64> {
    let latest: Option<i64> = conn
        .prepare_cached("SELECT MAX(session_ts) FROM sessions WHERE owner = ?1")?
        .query_row([owner.as_i64()], |r| r.get(0))?;
    Ok(latest.map_or(now_us, |l| now_us.max(l + 1)))
}

/// Moves `owner`'s session to `seqno` as its newest message. The owner's own
/// messages also move the read position; the other side's add to unread.
fn advance(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    seqno: Seqno,
    now_us: i64,
    own: bool,
    unread: bool,
) -> rusqlite::Result<()> {
    let ts = session_time(conn, owner, now_us)?;
    if own {
        conn.prepare_cached(
            "UPDATE sessions SET last_seqno = ?3, session_ts = ?4, ack_seqno = ?3, ack_ts = ?5,
                unread_count = 0, removed = 0
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .execute(params![
            owner.as_i64(),
            talker.as_i64(),
            seqno.get() as i64,
            ts,
            now_us
        ])?;
    } else {
        conn.prepare_cached(
            "UPDATE sessions SET last_seqno = ?3, session_ts = ?4, removed = 0,
                unread_count = unread_count + ?5
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .execute(params![
            owner.as_i64(),
            talker.as_i64(),
            seqno.get() as i64,
            ts,
            i64::from(unread)
        ])?;
    }
    Ok(())
}

fn insert(
    conn: &Connection,
    conversation: i64,
    m: &Message,
    visible_to: Option<Mid>,
) -> rusqlite::Result<()> {
    let at_uids = m
        .at_uids
        .as_ref()
        .map(|uids| serde_json::Value::from(uids.clone()).to_string());
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, ts_us, new_face_version, msg_source, at_uids, visible_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        conversation,
        m.seqno.get() as i64,
        m.msg_key.get() as i64,
        m.sender_uid as i64,
        m.receiver_type,
        m.receiver_id as i64,
        m.msg_type,
        m.content,
        m.ts_us,
        m.new_face_version,
        m.msg_source,
        at_uids,
        visible_to.map_or(0, Mid::as_i64),
    ])?;
    conn.prepare_cached("UPDATE conversations SET max_seqno = ?2 WHERE id = ?1")?
        .execute(params![conversation, m.seqno.get() as i64])?;
    Ok(())
}

fn store(
    conn: &Connection,
    keys: &KeyGen,
    ctx: &SendContext,
    existing: Option<(i64, Seqno)>,
    plan: &MessagePlan,
) -> rusqlite::Result<SendOutcome> {
    let (conversation, mut seqno) = match existing {
        Some(found) => found,
        None => open_conversation(conn, ctx.sender, ctx.receiver)?,
    };
    ensure_session(conn, ctx.sender, ctx.receiver, conversation)?;
    ensure_session(conn, ctx.receiver, ctx.sender, conversation)?;
    if let Some(recall) = plan.recall {
        conn.prepare_cached("UPDATE messages SET msg_status = 1 WHERE msg_key = ?1")?
            .execute([recall.target.get() as i64])?;
        if recall.drops_unread {
            conn.prepare_cached(
                "UPDATE sessions SET unread_count = MAX(unread_count - 1, 0)
                 WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
            )?
            .execute(params![ctx.receiver.as_i64(), ctx.sender.as_i64()])?;
        }
    }
    let mut stored = Vec::with_capacity(plan.drafts.len());
    for draft in &plan.drafts {
        seqno = seqno.next();
        let message = stored_message(draft, seqno, keys.next(ctx.now_us), ctx.now_us);
        insert(conn, conversation, &message, draft.visible_to)?;
        let (sender, receiver) = (draft.sender, draft.receiver);
        let both = draft.visible_to.is_none();
        if both || draft.visible_to == Some(sender) {
            advance(conn, sender, receiver, seqno, ctx.now_us, true, false)?;
        }
        if both || draft.visible_to == Some(receiver) {
            advance(
                conn,
                receiver,
                sender,
                seqno,
                ctx.now_us,
                false,
                draft.counts_unread,
            )?;
        }
        if both {
            conn.prepare_cached(
                "UPDATE sessions SET sent_count = sent_count + 1
                 WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
            )?
            .execute(params![sender.as_i64(), receiver.as_i64()])?;
        }
        stored.push((message, draft.visible_to));
    }
    if let (Some(fingerprint), Some((first, _))) = (plan.remember, stored.first()) {
        let now_secs = ctx.now_us / 1_000_000;
        let since = ctx.retry.map_or(now_secs, |(_, since)| since);
        conn.prepare_cached("DELETE FROM send_retries WHERE created_at < ?1")?
            .execute([since])?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO send_retries (sender, fingerprint, msg_key, created_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            ctx.sender.as_i64(),
            &fingerprint[..],
            first.msg_key.get() as i64,
            now_secs
        ])?;
    }
    Ok(SendOutcome::Stored {
        messages: stored,
        recalled: plan.recall.map(|r| r.target),
    })
}

fn stored_message(draft: &Draft, seqno: Seqno, msg_key: MsgKey, ts_us: i64) -> Message {
    Message {
        sender_uid: draft.sender.get(),
        receiver_type: 1,
        receiver_id: draft.receiver.get(),
        msg_type: draft.msg_type,
        content: draft.content.clone(),
        seqno,
        ts_us,
        at_uids: draft.at_uids.clone(),
        msg_key,
        msg_status: 0,
        notify_code: String::new(),
        new_face_version: draft.new_face_version,
        msg_source: draft.msg_source,
    }
}
