//! Sends to a fan group in PostgreSQL: the sender's lock and the group's
//! row, then every fact in one statement (one round trip), then the plan's
//! writes in another.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::super::messages::last;
use super::super::messages::send::{remember_retry, store_rate};
use super::super::{execute, Lock, Param, Pipeline};
use super::{group_at, key_at, lock_group_sql, open_group_conversation, post, posted};
use crate::domain::group::Group;
use crate::domain::message::group_send::{GroupSendDecision, GroupSendFacts, GroupSendPlan};
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::RecallTarget;
use crate::domain::message::Sent;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::groups::GroupSendContext;
use crate::store::messages::SendOutcome;
use crate::store::{Decide, StoreError};

/// Every fact of a send to a group but the group itself: `$1` sender, `$2`
/// group, `$3` now (unix seconds), `$4` image, `$5`/`$6` retry fingerprint
/// and since, `$7` recall target, `$8` the users mentioned.
const SEND_FACTS: &str = "SELECT
        c.id, c.max_seqno,
        (SELECT until FROM send_bans WHERE mid = $1 AND until > $3),
        EXISTS (SELECT 1 FROM uploads WHERE name = $4::TEXT),
        EXISTS (SELECT 1 FROM group_members WHERE group_id = $2 AND mid = $1),
        (SELECT array_agg(x.mid ORDER BY x.ord)
         FROM unnest($8::BIGINT[]) WITH ORDINALITY AS x(mid, ord)
         WHERE EXISTS (SELECT 1 FROM group_members WHERE group_id = $2 AND mid = x.mid)),
        e.msg_key, e.seqno,
        t.conversation_id, t.seqno, t.sender_uid, t.msg_status, t.msg_type, t.ts_us, t.visible_to,
        sr.window_start, sr.count, sr.strikes
     FROM (SELECT 1) one
     LEFT JOIN send_rates sr ON sr.mid = $1
     LEFT JOIN conversations c ON c.kind = 2 AND c.a = $2 AND c.b = 0
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

fn send_facts_params(ctx: &GroupSendContext) -> Vec<Param> {
    let (fingerprint, since) = match &ctx.retry {
        Some((fingerprint, since)) => (Some(fingerprint.to_vec()), Some(*since)),
        None => (None, None),
    };
    let mentioned: Vec<i64> = ctx.mentioned.iter().map(|m| m.as_i64()).collect();
    vec![
        Box::new(ctx.sender.as_i64()),
        Box::new(ctx.group.as_i64()),
        Box::new(ctx.now_us / 1_000_000),
        Box::new(ctx.image.clone()),
        Box::new(fingerprint),
        Box::new(since),
        Box::new(ctx.recall.map(|k| k.get() as i64)),
        Box::new(mentioned),
    ]
}

fn seqno(row: &Row, at: usize) -> Seqno {
    Seqno(row.get::<_, Option<i64>>(at).unwrap_or(0).max(0) as u64)
}

/// The facts of a send from the row of [`SEND_FACTS`], and the group's
/// conversation with its newest seqno.
fn read_send_facts(
    row: &Row,
    ctx: &GroupSendContext,
    group: Option<Group>,
) -> (GroupSendFacts, Option<(i64, Seqno)>) {
    let sender = ctx.sender;
    let conversation: Option<i64> = row.get(0);
    let mut members_mentioned: Vec<Mid> = Vec::new();
    for mid in row.get::<_, Option<Vec<i64>>>(5).unwrap_or_default() {
        let mid = Mid::from_i64(mid);
        if !members_mentioned.contains(&mid) {
            members_mentioned.push(mid);
        }
    }
    let earlier: Option<i64> = row.get(6);
    let target: Option<i64> = row.get(8);
    let facts = GroupSendFacts {
        earlier: earlier.map(|key| Sent {
            msg_key: MsgKey(key as u64),
            msg_seqno: seqno(row, 7),
        }),
        banned_until: row.get(2),
        image_uploaded: ctx.image.as_ref().map(|_| row.get(3)),
        group,
        is_member: row.get(4),
        members_mentioned,
        recall_target: target.map(|target_conversation| {
            let visible_to: i64 = row.get(14);
            let shown = visible_to == 0 || visible_to == sender.as_i64();
            RecallTarget {
                same_conversation: Some(target_conversation) == conversation,
                seqno: seqno(row, 9),
                sent_by_caller: row.get::<_, i64>(10) == sender.as_i64(),
                msg_status: row.get(11),
                msg_type: row.get(12),
                ts_us: row.get(13),
                shown_to_caller: shown,
                shown_to_other: shown,
            }
        }),
        sender_rate: match row.get::<_, Option<i64>>(15) {
            Some(window_start) => SendRate {
                window_start,
                count: u32::try_from(row.get::<_, i64>(16)).unwrap_or(u32::MAX),
                strikes: row.get(17),
            },
            None => SendRate::default(),
        },
    };
    (facts, conversation.map(|id| (id, seqno(row, 1))))
}

pub(super) async fn send(
    c: &impl GenericClient,
    ctx: &GroupSendContext,
    decide: Decide<GroupSendFacts, GroupSendDecision>,
) -> Result<SendOutcome, StoreError> {
    // The sender (retries, stop, rate), then the group's row (its seqnos,
    // membership and the members' sessions): one round trip with the facts.
    let mut p = Pipeline::default();
    p.lock(&[Lock::User(ctx.sender)]);
    let group_at_ = p.push(lock_group_sql(true), vec![Box::new(ctx.group.as_i64())]);
    let facts_at = p.push(SEND_FACTS, send_facts_params(ctx));
    let rows = p.run(c).await?;
    let group = rows[group_at_].first().and_then(|r| group_at(r, 0));
    let row = rows[facts_at]
        .first()
        .ok_or_else(|| StoreError::backend("the facts of a group send came back empty"))?;
    let (facts, conversation) = read_send_facts(row, ctx, group);
    let plan = match decide(&facts)? {
        GroupSendDecision::Retried(sent) => return Ok(SendOutcome::Retried(sent)),
        GroupSendDecision::StopSender { until } => {
            execute(
                c,
                "INSERT INTO send_bans (mid, until) VALUES ($1, $2)
                 ON CONFLICT (mid) DO UPDATE SET until = excluded.until",
                &[&ctx.sender.as_i64(), &until],
            )
            .await?;
            return Ok(SendOutcome::SenderStopped { until });
        }
        GroupSendDecision::Refuse { refusal, rate } => {
            let mut p = Pipeline::default();
            store_rate(&mut p, ctx.sender, &rate);
            p.run(c).await?;
            return Ok(SendOutcome::Refused(refusal));
        }
        GroupSendDecision::Store(plan) => plan,
    };
    let (conversation, newest) = match conversation {
        Some(found) => found,
        None => open_group_conversation(c, ctx.group).await?,
    };
    store(c, ctx, conversation, newest.next(), &plan).await
}

/// Applies a send's plan in one round trip (see [`Pipeline`]).
async fn store(
    c: &impl GenericClient,
    ctx: &GroupSendContext,
    conversation: i64,
    seqno: Seqno,
    plan: &GroupSendPlan,
) -> Result<SendOutcome, StoreError> {
    let mut p = Pipeline::default();
    if let Some(target) = plan.recall {
        // Members who had not read it no longer count it.
        p.push(
            last::bump_returned(
                "UPDATE sessions s SET unread_count = s.unread_count - 1
                 FROM messages t
                 WHERE t.conversation_id = $2 AND t.msg_key = $1 AND s.conversation_id = $2
                   AND s.owner <> t.sender_uid AND s.ack_seqno < t.seqno AND s.unread_count > 0
                 RETURNING s.owner",
            ),
            vec![Box::new(target.get() as i64), Box::new(conversation)],
        );
        p.push(
            "UPDATE messages SET msg_status = 1 WHERE conversation_id = $2 AND msg_key = $1",
            vec![Box::new(target.get() as i64), Box::new(conversation)],
        );
        // The post below is the last message of its members' sessions;
        // those of former members may still show the target.
        last::message_changed(&mut p, conversation, target.get() as i64);
    }
    let at = post(
        &mut p,
        ctx.group,
        conversation,
        &plan.draft,
        seqno,
        ctx.now_us,
    );
    p.push(
        "UPDATE conversations SET max_seqno = $2 WHERE id = $1",
        vec![Box::new(conversation), Box::new(seqno.get() as i64)],
    );
    if let Some(fingerprint) = plan.remember {
        // The message's key, inserted above in this pipeline.
        let since = ctx.retry.map(|(_, since)| since);
        remember_retry(
            &mut p,
            ctx.sender,
            fingerprint,
            since,
            ctx.now_us,
            conversation,
            seqno,
        );
    }
    if let Some(rate) = &plan.rate {
        store_rate(&mut p, ctx.sender, rate);
    }
    let rows = p.run(c).await?;
    let message = posted(
        ctx.group,
        &plan.draft,
        seqno,
        key_at(&rows, at)?,
        ctx.now_us,
    );
    Ok(SendOutcome::Stored {
        messages: vec![(message, None)],
        recalled: plan.recall,
    })
}
