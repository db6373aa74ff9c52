//! Sending in SQLite: the facts of a send, and applying its decision.

use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::{params, Connection, OptionalExtension};

use super::super::keys::KeyGen;
use super::facts::{facts, Existing};
use super::{ensure_session, open_conversation};
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::{
    Draft, Fingerprint, MessagePlan, RecallTarget, SendDecision, SendFacts,
};
use crate::domain::message::{Message, Sent};
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::messages::{SendContext, SendOutcome};
use crate::store::{Decide, StoreError};

/// Until when `mid` may not send, if stopped at `now` (unix seconds).
pub(in crate::store::sqlite) fn ban(
    conn: &Connection,
    mid: Mid,
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT until FROM send_bans WHERE mid = ?1 AND until > ?2")?
        .query_row(params![mid.as_i64(), now], |r| r.get(0))
        .optional()
}

/// `mid`'s rate-limit state (the default when none is stored).
pub(in crate::store::sqlite) fn rate(conn: &Connection, mid: Mid) -> rusqlite::Result<SendRate> {
    Ok(conn
        .prepare_cached("SELECT window_start, count, strikes FROM send_rates WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| {
            let strikes: String = r.get(2)?;
            Ok(SendRate {
                window_start: r.get(0)?,
                count: u32::try_from(r.get::<_, i64>(1)?).unwrap_or(u32::MAX),
                strikes: serde_json::from_str(&strikes).unwrap_or_default(),
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Stores `mid`'s rate-limit state.
pub(in crate::store::sqlite) fn store_rate(
    conn: &Connection,
    mid: Mid,
    rate: &SendRate,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO send_rates (mid, window_start, count, strikes) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (mid) DO UPDATE SET window_start = excluded.window_start,
             count = excluded.count, strikes = excluded.strikes",
    )?
    .execute(params![
        mid.as_i64(),
        rate.window_start,
        i64::from(rate.count),
        serde_json::to_string(&rate.strikes).unwrap_or_else(|_| "[]".to_owned())
    ])?;
    Ok(())
}

/// What an identical send stored at or after `since` (unix seconds).
pub(in crate::store::sqlite) fn earlier(
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

/// The message a recall by `sender` (to `receiver`; in a group, the
/// sender again) points at, if it exists.
pub(in crate::store::sqlite) fn recall_target(
    conn: &Connection,
    key: MsgKey,
    (sender, receiver): (Mid, Mid),
    conversation: Option<i64>,
) -> rusqlite::Result<Option<RecallTarget>> {
    conn.prepare_cached(
        "SELECT conversation_id, seqno, sender_uid, msg_status, msg_type, ts_us, visible_to
         FROM messages WHERE msg_key = ?1",
    )?
    .query_row([key.get() as i64], |r| {
        let visible_to: i64 = r.get(6)?;
        Ok(RecallTarget {
            same_conversation: Some(r.get::<_, i64>(0)?) == conversation,
            seqno: Seqno(r.get::<_, i64>(1)? as u64),
            sent_by_caller: r.get::<_, i64>(2)? == sender.as_i64(),
            msg_status: r.get(3)?,
            msg_type: r.get(4)?,
            ts_us: r.get(5)?,
            shown_to_caller: visible_to == 0 || visible_to == sender.as_i64(),
            shown_to_other: visible_to == 0 || visible_to == receiver.as_i64(),
        })
    })
    .optional()
}

pub(super) fn send(
    conn: &Connection,
    keys: &KeyGen,
    ctx: &SendContext,
    decide: Decide<SendFacts, SendDecision>,
) -> Result<SendOutcome, StoreError> {
    let (facts, existing) = facts(conn, ctx)?;
    match decide(&facts)? {
        SendDecision::Retried(sent) => Ok(SendOutcome::Retried(sent)),
        SendDecision::StopSender { until } => {
            conn.prepare_cached("INSERT OR REPLACE INTO send_bans (mid, until) VALUES (?1, ?2)")?
                .execute(params![ctx.sender.as_i64(), until])?;
            Ok(SendOutcome::SenderStopped { until })
        }
        SendDecision::Refuse { refusal, rate } => {
            store_rate(conn, ctx.sender, &rate)?;
            Ok(SendOutcome::Refused(refusal))
        }
        SendDecision::Store(plan) => Ok(store(conn, keys, ctx, existing, &plan)?),
    }
}

/// A session time for `owner` that is at least `now_us` and later than any
/// of their sessions, so that paging by time never skips a tie.
pub(in crate::store::sqlite) fn session_time(
    conn: &Connection,
    owner: Mid,
    now_us: i64,
) -> rusqlite::Result<i64> {
    let latest: Option<i64> = conn
        .prepare_cached("SELECT MAX(session_ts) FROM sessions WHERE owner = ?1")?
        .query_row([owner.as_i64()], |r| r.get(0))?;
    Ok(latest.map_or(now_us, |l| now_us.max(l + 1)))
}

/// Moves `owner`'s session to `seqno` as its newest message. The owner's own
/// messages also move the read position; the other side's add to unread.
pub(in crate::store::sqlite) fn advance(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    seqno: Seqno,
    now_us: i64,
    own: bool,
    unread: bool,
) -> rusqlite::Result<()> {
    advance_counting(conn, owner, talker, seqno, now_us, own, unread, false)
}

/// [`advance`], adding one to the owner's `sent_count` when `sent`. One
/// statement: the session time is [`session_time`]'s, computed inside it.
#[allow(clippy::too_many_arguments)]
fn advance_counting(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    seqno: Seqno,
    now_us: i64,
    own: bool,
    unread: bool,
    sent: bool,
) -> rusqlite::Result<()> {
    // The session time is `session_time`'s: at least now, and later than
    // every session of the owner.
    let sql = if own {
        "UPDATE sessions SET last_seqno = ?3,
            session_ts = MAX(?4, IFNULL((SELECT MAX(x.session_ts) FROM sessions x
                                         WHERE x.owner = ?1) + 1, ?4)),
            ack_seqno = ?3, ack_ts = ?4, unread_count = 0, push_unread = 0, biz_unread = 0,
            removed = 0, sent_count = sent_count + ?5
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2"
    } else {
        "UPDATE sessions SET last_seqno = ?3,
            session_ts = MAX(?4, IFNULL((SELECT MAX(x.session_ts) FROM sessions x
                                         WHERE x.owner = ?1) + 1, ?4)),
            removed = 0, unread_count = unread_count + ?5
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2"
    };
    let added = if own { sent } else { unread };
    conn.prepare_cached(sql)?.execute(params![
        owner.as_i64(),
        talker.as_i64(),
        seqno.get() as i64,
        now_us,
        i64::from(added)
    ])?;
    Ok(())
}

/// Inserts a message into a conversation and makes it the newest.
pub(in crate::store::sqlite) fn insert(
    conn: &Connection,
    conversation: i64,
    m: &Message,
    visible_to: Option<Mid>,
) -> rusqlite::Result<()> {
    let at_uids = m
        .at_uids
        .as_ref()
        .and_then(|uids| serde_json::to_string(uids).ok());
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
    existing: Existing,
    plan: &MessagePlan,
) -> rusqlite::Result<SendOutcome> {
    let (conversation, mut seqno) = match existing.conversation {
        Some(found) => found,
        None => open_conversation(conn, ctx.sender, ctx.receiver)?,
    };
    if !existing.sender_session {
        ensure_session(conn, ctx.sender, ctx.receiver, conversation)?;
    }
    if !existing.receiver_session {
        ensure_session(conn, ctx.receiver, ctx.sender, conversation)?;
    }
    if plan.intercept {
        conn.prepare_cached(
            "UPDATE sessions SET is_intercept = 1
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .execute(params![ctx.receiver.as_i64(), ctx.sender.as_i64()])?;
    }
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
        let shown_to_sender = both || draft.visible_to == Some(sender);
        if shown_to_sender {
            let sent = draft.counts_as_sent;
            advance_counting(conn, sender, receiver, seqno, ctx.now_us, true, false, sent)?;
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
        if draft.counts_as_sent && !shown_to_sender {
            conn.prepare_cached(
                "UPDATE sessions SET sent_count = sent_count + 1
                 WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
            )?
            .execute(params![sender.as_i64(), receiver.as_i64()])?;
        }
        stored.push((message, draft.visible_to));
    }
    if let (Some(fingerprint), Some((first, _))) = (plan.remember, stored.first()) {
        remember(
            conn,
            ctx.sender,
            &fingerprint,
            ctx.retry.map(|(_, since)| since),
            ctx.now_us,
            first.msg_key,
        )?;
    }
    if let Some(rate) = &plan.rate {
        store_rate(conn, ctx.sender, rate)?;
    }
    Ok(SendOutcome::Stored {
        messages: stored,
        recalled: plan.recall.map(|r| r.target),
    })
}

/// The second in which old retry rows were last forgotten.
static PURGED_AT: AtomicI64 = AtomicI64::new(i64::MIN);

/// Remembers a send for retry detection (and forgets those older than
/// `since`, unix seconds, or now).
pub(in crate::store::sqlite) fn remember(
    conn: &Connection,
    sender: Mid,
    fingerprint: &Fingerprint,
    since: Option<i64>,
    now_us: i64,
    msg_key: MsgKey,
) -> rusqlite::Result<()> {
    let now_secs = now_us / 1_000_000;
    let since = since.unwrap_or(now_secs);
    // Look-ups ignore rows older than their window, so forgetting them is
    // only housekeeping: once a second is enough, not once a send.
    if PURGED_AT.swap(now_secs, Ordering::Relaxed) != now_secs {
        conn.prepare_cached("DELETE FROM send_retries WHERE created_at < ?1")?
            .execute([since])?;
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO send_retries (sender, fingerprint, msg_key, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        sender.as_i64(),
        &fingerprint[..],
        msg_key.get() as i64,
        now_secs
    ])?;
    Ok(())
}

pub(in crate::store::sqlite) fn stored_message(
    draft: &Draft,
    seqno: Seqno,
    msg_key: MsgKey,
    ts_us: i64,
) -> Message {
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
