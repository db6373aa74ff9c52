//! Deliveries (pushes) in SQLite: `push_jobs`, the content once in
//! `shared_contents`, and per receiver a message row pointing at it.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::keys::KeyGen;
use super::messages::send::{advance, session_time};
use super::messages::{ensure_session, open_conversation};
use super::relations::stored_attribute;
use super::Sqlite;
use crate::domain::message::push::PushFacts;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::pushes::{Admit, NewPush, PushJob, PushStore};
use crate::store::StoreError;

const JOB_COLUMNS: &str = "id, sender, msg_type, msg_source, to_everyone, total, delivered, \
     skipped, first_key, created_at, finished_at";

fn job_at(r: &Row<'_>) -> rusqlite::Result<PushJob> {
    Ok(PushJob {
        id: r.get::<_, i64>(0)? as u64,
        sender: Mid::from_i64(r.get(1)?),
        msg_type: r.get(2)?,
        msg_source: r.get(3)?,
        to_everyone: r.get(4)?,
        total: r.get::<_, i64>(5)? as u64,
        delivered: r.get::<_, i64>(6)? as u64,
        skipped: r.get::<_, i64>(7)? as u64,
        first_key: r.get::<_, Option<i64>>(8)?.map(|k| MsgKey(k as u64)),
        created_at: r.get(9)?,
        finished_at: r.get(10)?,
    })
}

fn job(conn: &Connection, id: u64) -> rusqlite::Result<Option<PushJob>> {
    conn.prepare_cached(&format!(
        "SELECT {JOB_COLUMNS} FROM push_jobs WHERE id = ?1"
    ))?
    .query_row([id as i64], job_at)
    .optional()
}

fn create(conn: &Connection, push: &NewPush, now_us: i64) -> rusqlite::Result<PushJob> {
    conn.prepare_cached("INSERT INTO shared_contents (content) VALUES (?1)")?
        .execute([&push.content])?;
    let content_id = conn.last_insert_rowid();
    let last_mid: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(mid), 0) FROM users")?
        .query_row([], |r| r.get(0))?;
    let total: i64 = match &push.receivers {
        Some(list) => list.len() as i64,
        None => conn
            .prepare_cached("SELECT COUNT(*) FROM users WHERE mid != ?1")?
            .query_row([push.sender.as_i64()], |r| r.get(0))?,
    };
    conn.prepare_cached(
        "INSERT INTO push_jobs (sender, msg_type, content_id, msg_source, notify_code,
             unread_kind, to_everyone, last_mid, total, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        push.sender.as_i64(),
        push.msg_type,
        content_id,
        push.msg_source,
        push.notify_code,
        push.unread_kind.code(),
        push.receivers.is_none(),
        last_mid,
        total,
        now_us
    ])?;
    let id = conn.last_insert_rowid() as u64;
    if let Some(list) = &push.receivers {
        let mut insert = conn
            .prepare_cached("INSERT INTO push_receivers (job_id, pos, mid) VALUES (?1, ?2, ?3)")?;
        for (pos, mid) in list.iter().enumerate() {
            insert.execute(params![id as i64, pos as i64, mid.as_i64()])?;
        }
    }
    Ok(job(conn, id)?.expect("the job just stored"))
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

fn deliver(
    conn: &Connection,
    keys: &KeyGen,
    id: u64,
    batch: usize,
    now_us: i64,
    admit: Admit,
) -> rusqlite::Result<(Option<PushJob>, Vec<Message>)> {
    let found = conn
        .prepare_cached(
            "SELECT sender, msg_type, content_id, msg_source, notify_code, unread_kind,
                    to_everyone, last_mid, cursor
             FROM push_jobs WHERE id = ?1 AND finished_at IS NULL",
        )?
        .query_row([id as i64], |r| {
            Ok((
                Delivery {
                    sender: Mid::from_i64(r.get(0)?),
                    msg_type: r.get(1)?,
                    content_id: r.get(2)?,
                    msg_source: r.get(3)?,
                    notify_code: r.get(4)?,
                    unread_kind: r.get(5)?,
                },
                r.get::<_, bool>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })
        .optional()?;
    let Some((delivery, to_everyone, last_mid, cursor)) = found else {
        return Ok((job(conn, id)?, Vec::new()));
    };
    let limit = batch.max(1);
    let (next, new_cursor, exhausted): (Vec<Mid>, i64, bool) = match to_everyone {
        false => {
            let mut stmt = conn.prepare_cached(
                "SELECT mid FROM push_receivers WHERE job_id = ?1 AND pos >= ?2
                 ORDER BY pos LIMIT ?3",
            )?;
            let mut next: Vec<Mid> = stmt
                .query_map(params![id as i64, cursor, limit as i64 + 1], |r| {
                    Ok(Mid::from_i64(r.get(0)?))
                })?
                .collect::<Result<_, _>>()?;
            let exhausted = next.len() <= limit;
            next.truncate(limit);
            let new_cursor = cursor + next.len() as i64;
            (next, new_cursor, exhausted)
        }
        true => {
            let mut stmt = conn.prepare_cached(
                "SELECT mid FROM users WHERE mid > ?1 AND mid <= ?2 AND mid != ?3
                 ORDER BY mid LIMIT ?4",
            )?;
            let mut next: Vec<Mid> = stmt
                .query_map(
                    params![cursor, last_mid, delivery.sender.as_i64(), limit as i64 + 1],
                    |r| Ok(Mid::from_i64(r.get(0)?)),
                )?
                .collect::<Result<_, _>>()?;
            let exhausted = next.len() <= limit;
            next.truncate(limit);
            let new_cursor = next.last().map_or(last_mid, |m| m.as_i64());
            (next, new_cursor, exhausted)
        }
    };
    let mut stored = Vec::with_capacity(next.len());
    let mut skipped = 0i64;
    for receiver in next {
        let facts = PushFacts {
            receiver_exists: super::accounts::user_exists(conn, receiver)?,
            receiver_to_sender: stored_attribute(conn, receiver, delivery.sender)?,
        };
        if !admit(receiver, &facts) {
            skipped += 1;
            continue;
        }
        stored.push(deliver_one(conn, keys, &delivery, receiver, now_us)?);
    }
    let first_key = stored.first().map(|m| m.msg_key.get() as i64);
    conn.prepare_cached(
        "UPDATE push_jobs SET cursor = ?2, delivered = delivered + ?3, skipped = skipped + ?4,
             first_key = COALESCE(first_key, ?5),
             finished_at = CASE WHEN ?6 THEN ?7 ELSE NULL END
         WHERE id = ?1",
    )?
    .execute(params![
        id as i64,
        new_cursor,
        stored.len() as i64,
        skipped,
        first_key,
        exhausted,
        now_us
    ])?;
    Ok((job(conn, id)?, stored))
}

fn deliver_one(
    conn: &Connection,
    keys: &KeyGen,
    d: &Delivery,
    receiver: Mid,
    now_us: i64,
) -> rusqlite::Result<Message> {
    let (conversation, newest) = open_conversation(conn, d.sender, receiver)?;
    ensure_session(conn, receiver, d.sender, conversation)?;
    let seqno: Seqno = newest.next();
    let msg_key = keys.next(now_us);
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, content_ref, ts_us, notify_code, msg_source,
            unread_kind, new_face_version)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, '', ?7, ?8, ?9, ?10, ?11, 1)",
    )?
    .execute(params![
        conversation,
        seqno.get() as i64,
        msg_key.get() as i64,
        d.sender.as_i64(),
        receiver.as_i64(),
        d.msg_type,
        d.content_id,
        now_us,
        d.notify_code,
        d.msg_source,
        d.unread_kind
    ])?;
    conn.prepare_cached("UPDATE conversations SET max_seqno = ?2 WHERE id = ?1")?
        .execute(params![conversation, seqno.get() as i64])?;
    let ts = session_time(conn, receiver, now_us)?;
    conn.prepare_cached(
        "UPDATE sessions SET last_seqno = ?3, session_ts = ?4, removed = 0,
             unread_count = unread_count + 1,
             push_unread = push_unread + (?5 = 1),
             biz_unread = biz_unread + (?5 = 2)
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .execute(params![
        receiver.as_i64(),
        d.sender.as_i64(),
        seqno.get() as i64,
        ts,
        d.unread_kind
    ])?;
    // The sender's view moves only if they have one (a delivery to a
    // million users does not give the sender a million sessions).
    advance(conn, d.sender, receiver, seqno, now_us, true, false)?;
    let content: String = conn
        .prepare_cached("SELECT content FROM shared_contents WHERE id = ?1")?
        .query_row([d.content_id], |r| r.get(0))?;
    Ok(Message {
        sender_uid: d.sender.get(),
        receiver_type: 1,
        receiver_id: receiver.get(),
        msg_type: d.msg_type,
        content,
        seqno,
        ts_us: now_us,
        at_uids: None,
        msg_key,
        msg_status: 0,
        notify_code: d.notify_code.clone(),
        new_face_version: Some(1),
        msg_source: d.msg_source,
    })
}

#[async_trait]
impl PushStore for Sqlite {
    async fn create_push(&self, push: NewPush, now_us: i64) -> Result<PushJob, StoreError> {
        self.write(move |conn| Ok(create(conn, &push, now_us)?))
            .await
    }

    async fn deliver_push(
        &self,
        id: u64,
        batch: usize,
        now_us: i64,
        admit: Admit,
    ) -> Result<(Option<PushJob>, Vec<Message>), StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| Ok(deliver(conn, &keys, id, batch, now_us, admit)?))
            .await
    }

    async fn push_job(&self, id: u64) -> Result<Option<PushJob>, StoreError> {
        self.read(move |conn| Ok(job(conn, id)?)).await
    }

    async fn unfinished_pushes(&self) -> Result<Vec<u64>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM push_jobs INDEXED BY push_jobs_running
                 WHERE finished_at IS NULL ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| Ok(r.get::<_, i64>(0)? as u64))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
