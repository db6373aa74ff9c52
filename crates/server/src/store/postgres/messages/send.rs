//! Sending in PostgreSQL: the facts of a send in one statement, and
//! applying its decision.
//!
//! Keys come from `sixin_msg_key` (see the migration): a server-wide
//! sequence, so they are unique and increase in the order sends take them
//! on every node; the sequence is kept within a second of the clock, so
//! their high bits are milliseconds as on SQLite.

use tokio_postgres::Row;

use super::super::{Flights, Lock, Param, Pipeline};
use super::last::{self, Counted, SHOWN};
pub(in crate::store::postgres) use super::limits::{remember_retry, store_rate};
use super::{open_conversation, ordered, settings_from};
use crate::domain::account::AccountState;
use crate::domain::message::block::BlockWord;
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::{Draft, MessagePlan, RecallTarget, SendDecision, SendFacts};
use crate::domain::message::{Message, Sent};
use crate::domain::relation::Attribute;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::messages::{SendContext, SendOutcome};
use crate::store::{Decide, StoreError};

/// Every fact of a send: `$1` sender, `$2` receiver, `$3` now (unix
/// seconds), `$4` image, `$5`/`$6` retry fingerprint and since, `$7`
/// recall target, `$8`/`$9` the conversation's two mids in order. A recall
/// target is looked up in this conversation (one shard when messages are
/// distributed by conversation); only a key not there (a recall the rules
/// refuse) is looked up by key alone, since the facts say that it is in
/// another conversation (`LIMIT 1` stops the `UNION ALL` at the first
/// branch's row). A retry's first send is looked up in this conversation
/// only: the fingerprint covers the receiver, so it can be in no other.
const FACTS: &str = "SELECT
        c.id, c.max_seqno,
        ss.sent_count, rs.ack_seqno, rs.sent_count,
        (SELECT until FROM send_bans WHERE mid = $1 AND until > $3),
        (SELECT state FROM users WHERE mid = $2),
        EXISTS (SELECT 1 FROM uploads WHERE name = $4::TEXT),
        (SELECT attribute FROM relations WHERE mid = $1 AND fid = $2),
        (SELECT attribute FROM relations WHERE mid = $2 AND fid = $1),
        (SELECT settings FROM message_settings WHERE mid = $2),
        (SELECT array_agg(word ORDER BY id) FROM message_block_words WHERE mid = $2),
        EXISTS (SELECT 1 FROM system_accounts WHERE mid = $1),
        EXISTS (SELECT 1 FROM system_accounts WHERE mid = $2),
        e.msg_key, e.seqno,
        t.conversation_id, t.seqno, t.sender_uid, t.msg_status, t.msg_type, t.ts_us, t.visible_to,
        sr.window_start, sr.count, sr.strikes,
        rs.is_trust,
        ss.unread_count, ss.push_unread, ss.biz_unread, ss.is_intercept,
        rs.unread_count, rs.push_unread, rs.biz_unread, rs.is_intercept
     FROM (SELECT 1) one
     LEFT JOIN send_rates sr ON sr.mid = $1
     LEFT JOIN sessions ss ON ss.owner = $1 AND ss.session_type = 1 AND ss.talker_id = $2
     LEFT JOIN sessions rs ON rs.owner = $2 AND rs.session_type = 1 AND rs.talker_id = $1
     LEFT JOIN conversations c ON c.kind = 1 AND c.a = $8 AND c.b = $9
     LEFT JOIN LATERAL (
        SELECT r.msg_key, m.seqno FROM send_retries r
        JOIN messages m ON m.conversation_id = c.id AND m.msg_key = r.msg_key
        WHERE r.sender = $1 AND r.fingerprint = $5::BYTEA AND r.created_at >= $6::BIGINT
     ) e ON TRUE
     LEFT JOIN LATERAL (
        SELECT conversation_id, seqno, sender_uid, msg_status, msg_type, ts_us, visible_to
        FROM messages WHERE conversation_id = c.id AND msg_key = $7::BIGINT
        UNION ALL
        SELECT conversation_id, seqno, sender_uid, msg_status, msg_type, ts_us, visible_to
        FROM messages WHERE msg_key = $7::BIGINT AND conversation_id IS DISTINCT FROM c.id
        LIMIT 1
     ) t ON TRUE";

fn seqno(row: &Row, at: usize) -> Seqno {
    Seqno(row.get::<_, Option<i64>>(at).unwrap_or(0).max(0) as u64)
}

fn attribute(row: &Row, at: usize) -> Option<Attribute> {
    row.get::<_, Option<i64>>(at).and_then(Attribute::from_code)
}

/// The parameters of [`FACTS`].
fn facts_params(ctx: &SendContext) -> Vec<Param> {
    let (a, b) = ordered(ctx.sender, ctx.receiver);
    let (fingerprint, since) = match &ctx.retry {
        Some((fingerprint, since)) => (Some(fingerprint.to_vec()), Some(*since)),
        None => (None, None),
    };
    vec![
        Box::new(ctx.sender.as_i64()),
        Box::new(ctx.receiver.as_i64()),
        Box::new(ctx.now_us / 1_000_000),
        Box::new(ctx.image.clone()),
        Box::new(fingerprint),
        Box::new(since),
        Box::new(ctx.recall.map(|k| k.get() as i64)),
        Box::new(a),
        Box::new(b),
    ]
}

/// What the send's pipeline needs to know of the two users' sessions:
/// whether each exists, and what its owner's unread totals count of it
/// (to bump their versions only when that changes).
#[derive(Debug, Clone, Copy, Default)]
struct Sides {
    sender: Option<Counted>,
    receiver: Option<Counted>,
}

fn counted(row: &Row, at: usize) -> Option<Counted> {
    Some(Counted {
        unread: row.get::<_, Option<i64>>(at)?,
        push: row.get(at + 1),
        biz: row.get(at + 2),
        intercept: row.get(at + 3),
    })
}

/// The facts of a send from the row of [`FACTS`], the conversation if
/// the two ever talked, and their sessions.
fn read_facts(row: &Row, ctx: &SendContext) -> (SendFacts, Option<(i64, Seqno)>, Sides) {
    let (sender, receiver) = (ctx.sender, ctx.receiver);
    let conversation: Option<i64> = row.get(0);
    let found = conversation.map(|id| (id, seqno(row, 1)));
    let count = |at: usize| row.get::<_, Option<i64>>(at).unwrap_or(0).max(0) as u64;
    let settings = settings_from(row.get::<_, Option<String>>(10).as_deref());
    let words: Option<Vec<String>> = row.get(11);
    let earlier: Option<i64> = row.get(14);
    let target: Option<i64> = row.get(16);
    let facts = SendFacts {
        earlier: earlier.map(|key| Sent {
            msg_key: MsgKey(key as u64),
            msg_seqno: seqno(row, 15),
        }),
        banned_until: row.get(5),
        receiver: row.get::<_, Option<i64>>(6).map(AccountState::from_code),
        image_uploaded: ctx.image.as_ref().map(|_| row.get(7)),
        sender_to_receiver: attribute(row, 8),
        receiver_to_sender: attribute(row, 9),
        receiver_accepts_strangers: settings.accepts_strangers(),
        receiver_intercepts_strangers: settings.intercepts_strangers(),
        receiver_trusts_sender: row.get::<_, Option<bool>>(26).unwrap_or(false),
        receiver_block_words: words
            .unwrap_or_default()
            .into_iter()
            .map(BlockWord::stored)
            .collect(),
        sender_is_system: row.get(12),
        receiver_is_system: row.get(13),
        sender_sent: count(2),
        receiver_sent: count(4),
        receiver_ack: seqno(row, 3),
        recall_target: target.map(|target_conversation| {
            let visible_to: i64 = row.get(22);
            RecallTarget {
                same_conversation: Some(target_conversation) == conversation,
                seqno: seqno(row, 17),
                sent_by_caller: row.get::<_, i64>(18) == sender.as_i64(),
                msg_status: row.get(19),
                msg_type: row.get(20),
                ts_us: row.get(21),
                shown_to_caller: visible_to == 0 || visible_to == sender.as_i64(),
                shown_to_other: visible_to == 0 || visible_to == receiver.as_i64(),
            }
        }),
        sender_rate: match row.get::<_, Option<i64>>(23) {
            Some(window_start) => SendRate {
                window_start,
                count: u32::try_from(row.get::<_, i64>(24)).unwrap_or(u32::MAX),
                strikes: row.get(25),
            },
            None => SendRate::default(),
        },
    };
    let sides = Sides {
        sender: counted(row, 27),
        receiver: counted(row, 31),
    };
    (facts, found, sides)
}

pub(super) async fn send(
    client: deadpool_postgres::Client,
    ctx: &SendContext,
    decide: Decide<SendFacts, SendDecision>,
) -> Result<SendOutcome, StoreError> {
    // Both users: the sender's retries, stop and rate, each one's sessions
    // (their times are ordered per owner) and the conversation's seqnos.
    // One round trip with `BEGIN`: the facts are read once the locks are
    // granted.
    let mut pipeline = Pipeline::default();
    pipeline.lock(&[Lock::User(ctx.sender), Lock::User(ctx.receiver)]);
    let at = pipeline.push(FACTS, facts_params(ctx));
    let (tx, rows) = Flights::begin(client, pipeline).await?;
    let row = rows[at]
        .first()
        .ok_or_else(|| StoreError::backend("the facts of a send came back empty"))?;
    let (facts, conversation, sides) = read_facts(row, ctx);
    // Every outcome ends the transaction with its writes, if any, in one
    // round trip with `COMMIT`.
    let mut last = Pipeline::default();
    let outcome = match decide(&facts)? {
        SendDecision::Retried(sent) => SendOutcome::Retried(sent),
        SendDecision::StopSender { until } => {
            last.push(
                "INSERT INTO send_bans (mid, until) VALUES ($1, $2)
                 ON CONFLICT (mid) DO UPDATE SET until = excluded.until",
                vec![Box::new(ctx.sender.as_i64()), Box::new(until)],
            );
            SendOutcome::SenderStopped { until }
        }
        SendDecision::Refuse { refusal, rate } => {
            store_rate(&mut last, ctx.sender, &rate);
            SendOutcome::Refused(refusal)
        }
        SendDecision::Store(plan) => {
            return store(tx, ctx, conversation, sides, &plan).await;
        }
    };
    tx.commit(last).await?;
    Ok(outcome)
}

/// How a session moves to a message: its owner's own (read up to it,
/// `sent` counting it as one they sent) or the other side's (adding one
/// unread message when `unread`).
#[derive(Debug, Clone, Copy)]
pub(in crate::store::postgres) enum Side {
    Own { sent: bool },
    Other { unread: bool },
}

/// Moves `owner`'s session to `seqno` as its newest message, at a time at
/// least `now_us` and later than any of their sessions (so paging by time
/// never skips a tie), showing the message the pipeline inserted last,
/// whose JSON without its key is `shown` (see [`last::shown`]).
pub(in crate::store::postgres) fn advance(
    pipeline: &mut Pipeline,
    (owner, talker): (Mid, Mid),
    seqno: Seqno,
    now_us: i64,
    side: Side,
    shown: String,
) {
    let (owner, talker, seqno) = (owner.as_i64(), talker.as_i64(), seqno.get() as i64);
    let (sql, count): (String, i64) = match side {
        Side::Own { sent } => (
            format!(
                "UPDATE sessions SET last_seqno = $3,
                    session_ts = GREATEST($4, (SELECT MAX(session_ts) + 1 FROM sessions WHERE owner = $1)),
                    ack_seqno = $3, ack_ts = $4, unread_count = 0, push_unread = 0, biz_unread = 0,
                    removed = FALSE, sent_count = sent_count + $6, last_msg = {SHOWN}
                 WHERE owner = $1 AND session_type = 1 AND talker_id = $2"
            ),
            i64::from(sent),
        ),
        Side::Other { unread } => (
            format!(
                "UPDATE sessions SET last_seqno = $3,
                    session_ts = GREATEST($4, (SELECT MAX(session_ts) + 1 FROM sessions WHERE owner = $1)),
                    removed = FALSE, unread_count = unread_count + $6, last_msg = {SHOWN}
                 WHERE owner = $1 AND session_type = 1 AND talker_id = $2"
            ),
            i64::from(unread),
        ),
    };
    pipeline.push(
        sql,
        vec![
            Box::new(owner),
            Box::new(talker),
            Box::new(seqno),
            Box::new(now_us),
            Box::new(shown),
            Box::new(count),
        ],
    );
}

/// Inserts a message with a new key; its row holds the key.
pub(super) fn insert(
    pipeline: &mut Pipeline,
    conversation: i64,
    draft: &Draft,
    seqno: Seqno,
    now_us: i64,
) -> usize {
    let at_uids = draft
        .at_uids
        .as_ref()
        .map(|uids| serde_json::Value::from(uids.clone()).to_string());
    pipeline.push(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, ts_us, new_face_version, msg_source, at_uids, visible_to)
         VALUES ($1, $2, sixin_msg_key($3), $4, 1, $5, $6, $7, $3, $8, $9, $10, $11)
         RETURNING msg_key",
        vec![
            Box::new(conversation),
            Box::new(seqno.get() as i64),
            Box::new(now_us),
            Box::new(draft.sender.as_i64()),
            Box::new(draft.receiver.as_i64()),
            Box::new(draft.msg_type),
            Box::new(draft.content.clone()),
            Box::new(draft.new_face_version),
            Box::new(draft.msg_source),
            Box::new(at_uids),
            Box::new(draft.visible_to.map_or(0, Mid::as_i64)),
        ],
    )
}

/// Applies a plan and commits, in one round trip (see [`Flights`]).
async fn store(
    tx: Flights,
    ctx: &SendContext,
    existing: Option<(i64, Seqno)>,
    sides: Sides,
    plan: &MessagePlan,
) -> Result<SendOutcome, StoreError> {
    let (conversation, mut seqno) = match existing {
        Some(found) => found,
        None => (
            open_conversation(tx.client(), ctx.sender, ctx.receiver).await?,
            Seqno::ZERO,
        ),
    };
    let (sender, receiver) = (ctx.sender.as_i64(), ctx.receiver.as_i64());
    let mut p = Pipeline::default();
    if sides.sender.is_none() || sides.receiver.is_none() {
        // Made empty (`last_msg` NULL, nothing unread): nothing to bump.
        p.push(
            "INSERT INTO sessions (owner, session_type, talker_id, conversation_id)
             VALUES ($1, 1, $2, $3), ($2, 1, $1, $3) ON CONFLICT DO NOTHING",
            vec![Box::new(sender), Box::new(receiver), Box::new(conversation)],
        );
    }
    // What each side's unread totals count, before and as the plan goes.
    let before = [
        (ctx.sender, sides.sender.unwrap_or_default()),
        (ctx.receiver, sides.receiver.unwrap_or_default()),
    ];
    let mut after = before;
    // (Nobody sends to themselves: the service refuses it.)
    let side = |mid: Mid| usize::from(mid != ctx.sender);
    if plan.intercept {
        p.push(
            "UPDATE sessions SET is_intercept = TRUE
             WHERE owner = $1 AND session_type = 1 AND talker_id = $2",
            vec![Box::new(receiver), Box::new(sender)],
        );
        after[1].1.intercept = true;
    }
    if let Some(recall) = plan.recall {
        // No session shows the target afterwards (the recall is the last
        // message of both, or the receiver never saw the target): nothing
        // to read again (see `last`).
        p.push(
            "UPDATE messages SET msg_status = 1 WHERE conversation_id = $2 AND msg_key = $1",
            vec![Box::new(recall.target.get() as i64), Box::new(conversation)],
        );
        if recall.drops_unread {
            p.push(
                "UPDATE sessions SET unread_count = GREATEST(unread_count - 1, 0)
                 WHERE owner = $1 AND session_type = 1 AND talker_id = $2",
                vec![Box::new(receiver), Box::new(sender)],
            );
            after[1].1.unread = (after[1].1.unread - 1).max(0);
        }
    }
    let mut inserted = Vec::with_capacity(plan.drafts.len());
    for draft in &plan.drafts {
        seqno = seqno.next();
        inserted.push((
            seqno,
            insert(&mut p, conversation, draft, seqno, ctx.now_us),
        ));
        let shown = last::shown(&stored_message(draft, seqno, MsgKey(0), ctx.now_us));
        let (from, to) = (draft.sender, draft.receiver);
        let both = draft.visible_to.is_none();
        let own = both || draft.visible_to == Some(from);
        if own {
            let sent = draft.counts_as_sent;
            advance(
                &mut p,
                (from, to),
                seqno,
                ctx.now_us,
                Side::Own { sent },
                shown.clone(),
            );
            let at = side(from);
            after[at].1 = Counted {
                intercept: after[at].1.intercept,
                ..Counted::default()
            };
        } else if draft.counts_as_sent {
            p.push(
                "UPDATE sessions SET sent_count = sent_count + 1
                 WHERE owner = $1 AND session_type = 1 AND talker_id = $2",
                vec![Box::new(from.as_i64()), Box::new(to.as_i64())],
            );
        }
        if both || draft.visible_to == Some(to) {
            let unread = draft.counts_unread;
            advance(
                &mut p,
                (to, from),
                seqno,
                ctx.now_us,
                Side::Other { unread },
                shown,
            );
            after[side(to)].1.unread += i64::from(unread);
        }
    }
    p.push(
        "UPDATE conversations SET max_seqno = $2 WHERE id = $1",
        vec![Box::new(conversation), Box::new(seqno.get() as i64)],
    );
    if let (Some(fingerprint), Some(&(first, _))) = (plan.remember, inserted.first()) {
        // The first message's key, inserted above in this pipeline.
        let since = ctx.retry.map(|(_, since)| since);
        remember_retry(
            &mut p,
            ctx.sender,
            fingerprint,
            since,
            ctx.now_us,
            conversation,
            first,
        );
    }
    if let Some(rate) = &plan.rate {
        store_rate(&mut p, ctx.sender, rate);
    }
    let changed: Vec<i64> = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| last::counted_change(*b, *a))
        .map(|((mid, _), _)| mid.as_i64())
        .collect();
    last::bump(&mut p, &changed);
    let rows = tx.commit(p).await?;
    let mut stored = Vec::with_capacity(inserted.len());
    for (draft, (seqno, at)) in plan.drafts.iter().zip(inserted) {
        let key: i64 = rows[at]
            .first()
            .ok_or_else(|| StoreError::backend("an inserted message returned no key"))?
            .get(0);
        stored.push((
            stored_message(draft, seqno, MsgKey(key as u64), ctx.now_us),
            draft.visible_to,
        ));
    }
    Ok(SendOutcome::Stored {
        messages: stored,
        recalled: plan.recall.map(|r| r.target),
    })
}

pub(in crate::store::postgres) fn stored_message(
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
