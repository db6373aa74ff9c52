//! Deliveries (pushes) in PostgreSQL: `push_jobs`, the content once in
//! `shared_contents`, and per receiver a message row pointing at it, as on
//! SQLite.
//!
//! A batch locks the job's row first (so two nodes running one job take
//! turns, and the second finds the cursor moved: nothing is delivered
//! twice), then, as a send does, the sender and the batch's receivers
//! (whose relations are the facts of `admit`, and whose sessions and
//! conversations it writes). No other write locks a job's row, so taking
//! it before the advisory locks makes no cycle.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::messages::last::{self, SHOWN};
use super::messages::ordered;
use super::messages::send::{advance, Side};
use super::relations::attribute_or_none;
use super::{lock, query, query_one, query_opt, Lock, Pipeline, Postgres};
use crate::domain::message::push::PushFacts;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::pushes::{Admit, NewPush, PushJob, PushStore};
use crate::store::StoreError;

const JOB_COLUMNS: &str = "id, sender, msg_type, msg_source, to_everyone, total, delivered, \
     skipped, first_key, created_at, finished_at";

fn job_at(r: &Row) -> PushJob {
    PushJob {
        id: r.get::<_, i64>(0) as u64,
        sender: Mid::from_i64(r.get(1)),
        msg_type: r.get(2),
        msg_source: r.get(3),
        to_everyone: r.get(4),
        total: r.get::<_, i64>(5).max(0) as u64,
        delivered: r.get::<_, i64>(6).max(0) as u64,
        skipped: r.get::<_, i64>(7).max(0) as u64,
        first_key: r.get::<_, Option<i64>>(8).map(|k| MsgKey(k as u64)),
        created_at: r.get(9),
        finished_at: r.get(10),
    }
}

async fn job(c: &impl GenericClient, id: u64) -> Result<Option<PushJob>, StoreError> {
    Ok(query_opt(
        c,
        &format!("SELECT {JOB_COLUMNS} FROM push_jobs WHERE id = $1"),
        &[&(id as i64)],
    )
    .await?
    .map(|r| job_at(&r)))
}

async fn create(
    c: &impl GenericClient,
    push: &NewPush,
    now_us: i64,
) -> Result<PushJob, StoreError> {
    let content_id: i64 = query_one(
        c,
        "INSERT INTO shared_contents (content) VALUES ($1) RETURNING id",
        &[&push.content],
    )
    .await?
    .get(0);
    // The newest mid and how many users there are, from one snapshot.
    let users = query_one(
        c,
        "SELECT COALESCE(MAX(mid), 0), COUNT(*) FILTER (WHERE mid <> $1) FROM users",
        &[&push.sender.as_i64()],
    )
    .await?;
    let last_mid: i64 = users.get(0);
    let total: i64 = match &push.receivers {
        Some(list) => list.len() as i64,
        None => users.get(1),
    };
    let id: i64 = query_one(
        c,
        "INSERT INTO push_jobs (sender, msg_type, content_id, msg_source, notify_code,
             unread_kind, to_everyone, last_mid, total, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id",
        &[
            &push.sender.as_i64(),
            &push.msg_type,
            &content_id,
            &push.msg_source,
            &push.notify_code,
            &push.unread_kind.code(),
            &push.receivers.is_none(),
            &last_mid,
            &total,
            &now_us,
        ],
    )
    .await?
    .get(0);
    if let Some(list) = &push.receivers {
        let mids: Vec<i64> = list.iter().map(|m| m.as_i64()).collect();
        super::execute(
            c,
            "INSERT INTO push_receivers (job_id, pos, mid)
             SELECT $1, x.ord - 1, x.mid FROM unnest($2::BIGINT[]) WITH ORDINALITY AS x(mid, ord)",
            &[&id, &mids],
        )
        .await?;
    }
    job(c, id as u64)
        .await?
        .ok_or_else(|| StoreError::backend("a push job just stored is missing"))
}

/// What a delivery writes for every receiver.
struct Delivery {
    sender: Mid,
    msg_type: i64,
    content_id: i64,
    msg_source: i64,
    notify_code: String,
    unread_kind: i64,
}

/// The next receivers of a job after `cursor`, at most `limit`; the new
/// cursor, and whether none remain after them.
async fn next_receivers(
    c: &impl GenericClient,
    id: u64,
    sender: Mid,
    (to_everyone, last_mid, cursor): (bool, i64, i64),
    limit: usize,
) -> Result<(Vec<Mid>, i64, bool), StoreError> {
    let rows = if to_everyone {
        query(
            c,
            "SELECT mid FROM users WHERE mid > $1 AND mid <= $2 AND mid <> $3
             ORDER BY mid LIMIT $4",
            &[&cursor, &last_mid, &sender.as_i64(), &(limit as i64 + 1)],
        )
        .await?
    } else {
        query(
            c,
            "SELECT mid FROM push_receivers WHERE job_id = $1 AND pos >= $2
             ORDER BY pos LIMIT $3",
            &[&(id as i64), &cursor, &(limit as i64 + 1)],
        )
        .await?
    };
    let mut next: Vec<Mid> = rows.iter().map(|r| Mid::from_i64(r.get(0))).collect();
    let exhausted = next.len() <= limit;
    next.truncate(limit);
    let new_cursor = if to_everyone {
        next.last().map_or(last_mid, |m| m.as_i64())
    } else {
        cursor + next.len() as i64
    };
    Ok((next, new_cursor, exhausted))
}

async fn deliver(
    c: &impl GenericClient,
    id: u64,
    batch: usize,
    now_us: i64,
    admit: Admit,
) -> Result<(Option<PushJob>, Vec<Message>), StoreError> {
    let found = query_opt(
        c,
        "SELECT sender, msg_type, content_id, msg_source, notify_code, unread_kind,
                to_everyone, last_mid, cursor
         FROM push_jobs WHERE id = $1 AND finished_at IS NULL FOR UPDATE",
        &[&(id as i64)],
    )
    .await?;
    let Some(row) = found else {
        return Ok((job(c, id).await?, Vec::new()));
    };
    let delivery = Delivery {
        sender: Mid::from_i64(row.get(0)),
        msg_type: row.get(1),
        content_id: row.get(2),
        msg_source: row.get(3),
        notify_code: row.get(4),
        unread_kind: row.get(5),
    };
    let position = (row.get(6), row.get(7), row.get(8));
    let (next, new_cursor, exhausted) =
        next_receivers(c, id, delivery.sender, position, batch.max(1)).await?;
    let mut locks = vec![Lock::User(delivery.sender)];
    locks.extend(next.iter().map(|&m| Lock::User(m)));
    lock(c, &locks).await?;
    let mids: Vec<i64> = next.iter().map(|m| m.as_i64()).collect();
    let facts = query(
        c,
        "SELECT x.mid, EXISTS (SELECT 1 FROM users u WHERE u.mid = x.mid), r.attribute
         FROM unnest($1::BIGINT[]) WITH ORDINALITY AS x(mid, ord)
         LEFT JOIN followers r ON r.fid = $2 AND r.mid = x.mid
         ORDER BY x.ord",
        &[&mids, &delivery.sender.as_i64()],
    )
    .await?;
    let mut admitted = Vec::with_capacity(next.len());
    for row in &facts {
        let receiver = Mid::from_i64(row.get(0));
        let facts = PushFacts {
            receiver_exists: row.get(1),
            receiver_to_sender: attribute_or_none(row.get(2)),
        };
        if admit(receiver, &facts) {
            admitted.push(receiver);
        }
    }
    let skipped = (next.len() - admitted.len()) as i64;
    let stored = deliver_to(c, &delivery, &admitted, now_us).await?;
    let first_key = stored.first().map(|m| m.msg_key.get() as i64);
    super::execute(
        c,
        "UPDATE push_jobs SET cursor = $2, delivered = delivered + $3, skipped = skipped + $4,
             first_key = COALESCE(first_key, $5),
             finished_at = CASE WHEN $6 THEN $7::BIGINT ELSE NULL END
         WHERE id = $1",
        &[
            &(id as i64),
            &new_cursor,
            &(stored.len() as i64),
            &skipped,
            &first_key,
            &exhausted,
            &now_us,
        ],
    )
    .await?;
    Ok((job(c, id).await?, stored))
}

/// Stores the delivery's message for each of `receivers` (in order), in
/// three round trips: their conversations with the sender, created as
/// needed; then every message and session.
async fn deliver_to(
    c: &impl GenericClient,
    d: &Delivery,
    receivers: &[Mid],
    now_us: i64,
) -> Result<Vec<Message>, StoreError> {
    if receivers.is_empty() {
        return Ok(Vec::new());
    }
    let sender = d.sender.as_i64();
    let pairs: Vec<(i64, i64)> = receivers.iter().map(|&r| ordered(d.sender, r)).collect();
    let (a, b): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
    let mut p = Pipeline::default();
    p.push(
        "INSERT INTO conversations (kind, a, b)
         SELECT 1, x.a, x.b FROM unnest($1::BIGINT[], $2::BIGINT[]) AS x(a, b)
         ON CONFLICT DO NOTHING",
        vec![Box::new(a.clone()), Box::new(b.clone())],
    );
    let found = p.push(
        "SELECT c.a, c.b, c.id, c.max_seqno
         FROM unnest($1::BIGINT[], $2::BIGINT[]) AS x(a, b)
         JOIN conversations c ON c.kind = 1 AND c.a = x.a AND c.b = x.b",
        vec![Box::new(a), Box::new(b)],
    );
    let content_at = p.push(
        "SELECT content FROM shared_contents WHERE id = $1",
        vec![Box::new(d.content_id)],
    );
    let rows = p.run(c).await?;
    let mut conversations: std::collections::HashMap<(i64, i64), (i64, i64)> = rows[found]
        .iter()
        .map(|r| ((r.get(0), r.get(1)), (r.get(2), r.get(3))))
        .collect();
    let content: String = rows[content_at]
        .first()
        .ok_or_else(|| StoreError::backend("a push's content is missing"))?
        .get(0);

    let mut p = Pipeline::default();
    // The sender's own sessions move (below): those with unread messages
    // stop counting them, before they do.
    let mids: Vec<i64> = receivers.iter().map(|r| r.as_i64()).collect();
    p.push(
        "INSERT INTO unread_versions (owner, version)
         SELECT DISTINCT owner, 1 FROM sessions
         WHERE owner = $1 AND session_type = 1 AND talker_id = ANY($2::BIGINT[])
           AND unread_count > 0
         ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1",
        vec![Box::new(sender), Box::new(mids.clone())],
    );
    let mut inserted = Vec::with_capacity(receivers.len());
    for (&receiver, pair) in receivers.iter().zip(&pairs) {
        // A receiver listed twice gets two messages, one seqno after the other.
        let (conversation, newest) = conversations
            .get_mut(pair)
            .ok_or_else(|| StoreError::backend("a push's conversation is missing"))?;
        *newest = (*newest).max(0).saturating_add(1);
        let (conversation, seqno) = (*conversation, Seqno(*newest as u64));
        let r = receiver.as_i64();
        let message = Message {
            sender_uid: d.sender.get(),
            receiver_type: 1,
            receiver_id: receiver.get(),
            msg_type: d.msg_type,
            content: content.clone(),
            seqno,
            ts_us: now_us,
            at_uids: None,
            msg_key: MsgKey(0),
            msg_status: 0,
            notify_code: d.notify_code.clone(),
            new_face_version: Some(1),
            msg_source: d.msg_source,
        };
        let shown = last::shown(&message);
        p.push(
            "INSERT INTO sessions (owner, session_type, talker_id, conversation_id)
             VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING",
            vec![Box::new(r), Box::new(sender), Box::new(conversation)],
        );
        let at = p.push(
            "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
                receiver_id, msg_type, content, content_ref, ts_us, notify_code, msg_source,
                unread_kind, new_face_version)
             VALUES ($1, $2, sixin_msg_key($3), $4, 1, $5, $6, '', $7, $3, $8, $9, $10, 1)
             RETURNING msg_key",
            vec![
                Box::new(conversation),
                Box::new(seqno.get() as i64),
                Box::new(now_us),
                Box::new(sender),
                Box::new(r),
                Box::new(d.msg_type),
                Box::new(d.content_id),
                Box::new(d.notify_code.clone()),
                Box::new(d.msg_source),
                Box::new(d.unread_kind),
            ],
        );
        p.push(
            "UPDATE conversations SET max_seqno = $2 WHERE id = $1",
            vec![Box::new(conversation), Box::new(seqno.get() as i64)],
        );
        p.push(
            format!(
                "UPDATE sessions SET last_seqno = $3,
                    session_ts = GREATEST($4, (SELECT MAX(session_ts) + 1 FROM sessions WHERE owner = $1)),
                    removed = FALSE, unread_count = unread_count + 1,
                    push_unread = push_unread + ($6::BIGINT = 1)::INT,
                    biz_unread = biz_unread + ($6::BIGINT = 2)::INT,
                    last_msg = {SHOWN}
                 WHERE owner = $1 AND session_type = 1 AND talker_id = $2"
            ),
            vec![
                Box::new(r),
                Box::new(sender),
                Box::new(seqno.get() as i64),
                Box::new(now_us),
                Box::new(shown.clone()),
                Box::new(d.unread_kind),
            ],
        );
        // The sender's view moves only if they have one (a delivery to a
        // million users does not give the sender a million sessions).
        let side = Side::Own { sent: false };
        advance(&mut p, (d.sender, receiver), seqno, now_us, side, shown);
        inserted.push((message, at));
    }
    // Every receiver has one more unread message.
    last::bump(&mut p, &mids);
    let rows = p.run(c).await?;
    inserted
        .into_iter()
        .map(|(message, at)| {
            let key: i64 = rows[at]
                .first()
                .ok_or_else(|| StoreError::backend("an inserted message returned no key"))?
                .get(0);
            Ok(Message {
                msg_key: MsgKey(key as u64),
                ..message
            })
        })
        .collect()
}

#[async_trait]
impl PushStore for Postgres {
    async fn create_push(&self, push: NewPush, now_us: i64) -> Result<PushJob, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let job = create(&tx, &push, now_us).await?;
        tx.commit().await?;
        Ok(job)
    }

    async fn deliver_push(
        &self,
        id: u64,
        batch: usize,
        now_us: i64,
        admit: Admit,
    ) -> Result<(Option<PushJob>, Vec<Message>), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let delivered = deliver(&tx, id, batch, now_us, admit).await?;
        tx.commit().await?;
        Ok(delivered)
    }

    async fn push_job(&self, id: u64) -> Result<Option<PushJob>, StoreError> {
        let client = self.client().await?;
        job(&client, id).await
    }

    async fn unfinished_pushes(&self) -> Result<Vec<u64>, StoreError> {
        let client = self.client().await?;
        Ok(query(
            &client,
            "SELECT id FROM push_jobs WHERE finished_at IS NULL ORDER BY id",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get::<_, i64>(0) as u64)
        .collect())
    }
}
