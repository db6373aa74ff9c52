//! Private messages in SQLite.
//!
//! Sending is a constant number of indexed reads and writes inside the
//! writer's transaction: the retry table, both relation rows, the
//! conversation row, both session rows, one or two message rows. History and
//! session lists are range scans of `messages(conversation_id, seqno)` and
//! `sessions(owner, session_ts)`; unread totals visit only sessions with
//! unread messages (a partial index).

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sixin_api::Code;

use super::Sqlite;
use crate::domain::Mid;
use crate::messages::content::{RECALL, SOURCE_TIP, SYSTEM_TIP};
use crate::messages::policy::{self, Admission, RecallTarget, SendFacts};
use crate::store::messages::{
    Emote, HistoryQuery, KeywordRule, MessageStore, Origin, Outgoing, Sent, SessionChange,
    SessionFilter, SessionOrder, SessionQuery, SessionRecord, StoredMessage, UnreadTotals, Upload,
};
use crate::store::StoreError;

/// Issues msg_keys: milliseconds since the epoch in the high bits and a
/// counter in the low 22, strictly increasing even across restarts (it
/// starts above the largest stored key). Values exceed 2^53, as Bilibili's do.
#[derive(Debug, Default)]
pub struct KeyGen {
    last: AtomicU64,
}

impl KeyGen {
    pub fn starting_after(last: u64) -> KeyGen {
        KeyGen {
            last: AtomicU64::new(last),
        }
    }

    pub fn next(&self, now_us: i64) -> u64 {
        let floor = ((now_us.max(0) as u64) / 1000) << 22;
        let mut current = self.last.load(Ordering::Relaxed);
        loop {
            let next = floor.max(current + 1);
            match self.last.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => current = seen,
            }
        }
    }
}

/// The largest stored msg_key, to start the generator above it.
pub(super) fn max_msg_key(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT COALESCE(MAX(msg_key), 0) FROM messages", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|k| k as u64)
}

const MESSAGE_COLUMNS: &str =
    "m.sender_uid, m.receiver_type, m.receiver_id, m.msg_type, m.content, \
     m.seqno, m.ts_us, m.at_uids, m.msg_key, m.msg_status, m.notify_code, m.new_face_version, \
     m.msg_source";

/// Reads the 13 message columns starting at `at`.
fn message_at(row: &Row<'_>, at: usize) -> rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        sender_uid: row.get::<_, i64>(at)? as u64,
        receiver_type: row.get(at + 1)?,
        receiver_id: row.get::<_, i64>(at + 2)? as u64,
        msg_type: row.get(at + 3)?,
        content: row.get(at + 4)?,
        seqno: row.get::<_, i64>(at + 5)? as u64,
        ts_us: row.get(at + 6)?,
        at_uids: row.get(at + 7)?,
        msg_key: row.get::<_, i64>(at + 8)? as u64,
        msg_status: row.get(at + 9)?,
        notify_code: row.get(at + 10)?,
        new_face_version: row.get(at + 11)?,
        msg_source: row.get(at + 12)?,
    })
}

const SESSION_SELECT: &str =
    "SELECT s.talker_id, s.session_type, s.top_ts, s.is_dnd, s.ack_seqno, \
     s.ack_ts, s.session_ts, s.unread_count, s.last_seqno, s.push_setting, s.is_intercept, \
     s.is_trust, r.attribute, ";

fn session_sql(tail: &str) -> String {
    format!(
        "{SESSION_SELECT}{MESSAGE_COLUMNS}
         FROM sessions s
         LEFT JOIN relations r ON r.mid = s.owner AND r.fid = s.talker_id
         LEFT JOIN messages m ON m.conversation_id = s.conversation_id AND m.seqno = s.last_seqno
         {tail}"
    )
}

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let has_msg = row.get::<_, Option<i64>>(13)?.is_some();
    Ok(SessionRecord {
        talker_id: row.get::<_, i64>(0)? as u64,
        session_type: row.get(1)?,
        top_ts: row.get(2)?,
        is_dnd: row.get::<_, i64>(3)? != 0,
        ack_seqno: row.get::<_, i64>(4)? as u64,
        ack_ts: row.get(5)?,
        session_ts: row.get(6)?,
        unread_count: row.get::<_, i64>(7)?.max(0) as u64,
        max_seqno: row.get::<_, i64>(8)? as u64,
        push_setting: row.get(9)?,
        is_intercept: row.get::<_, i64>(10)? != 0,
        is_trust: row.get::<_, i64>(11)? != 0,
        is_follow: policy::is_following(row.get(12)?),
        last_msg: if has_msg {
            Some(message_at(row, 13)?)
        } else {
            None
        },
    })
}

/// The stored relation of `mid` to `fid`, if any.
fn relation(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT attribute FROM relations WHERE mid = ?1 AND fid = ?2")?
        .query_row(params![mid.as_i64(), fid.as_i64()], |r| r.get(0))
        .optional()
}

fn user_exists(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE mid = ?1")?
        .exists([mid.as_i64()])
}

/// The changed fields of a user's message settings (empty: all defaults).
fn stored_settings(
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

/// A user's `receive_unfollow_msg` setting (1, receive, by default).
fn accepts_strangers(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    let settings = stored_settings(conn, mid)?;
    let value = settings
        .get("receive_unfollow_msg")
        .and_then(|x| x.as_i64());
    Ok(value.unwrap_or(1) != 0)
}

/// The conversation between two users, created when `create` is set.
fn user_conversation(
    conn: &Connection,
    x: Mid,
    y: Mid,
    create: bool,
) -> rusqlite::Result<Option<(i64, u64)>> {
    let (a, b) = if x <= y { (x, y) } else { (y, x) };
    let found = conn
        .prepare_cached(
            "SELECT id, max_seqno FROM conversations WHERE kind = 1 AND a = ?1 AND b = ?2",
        )?
        .query_row(params![a.as_i64(), b.as_i64()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64))
        })
        .optional()?;
    if found.is_some() || !create {
        return Ok(found);
    }
    conn.prepare_cached("INSERT INTO conversations (kind, a, b) VALUES (1, ?1, ?2)")?
        .execute(params![a.as_i64(), b.as_i64()])?;
    Ok(Some((conn.last_insert_rowid(), 0)))
}

fn ensure_session(
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

/// `(ack_seqno, sent_count)` of a user session.
fn session_counters(conn: &Connection, owner: Mid, talker: Mid) -> rusqlite::Result<(u64, u64)> {
    conn.prepare_cached(
        "SELECT ack_seqno, sent_count FROM sessions
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
    })
}

/// A session time for `owner` that is at least `now_us` and later than any
/// of their sessions, so that paging by time never skips a tie.
fn session_time(conn: &Connection, owner: Mid, now_us: i64) -> rusqlite::Result<i64> {
    let latest: Option<i64> = conn
        .prepare_cached("SELECT MAX(session_ts) FROM sessions WHERE owner = ?1")?
        .query_row([owner.as_i64()], |r| r.get(0))?;
    Ok(latest.map_or(now_us, |l| now_us.max(l + 1)))
}

struct NewMessage<'a> {
    conversation: i64,
    seqno: u64,
    key: u64,
    sender: Mid,
    receiver: Mid,
    msg_type: i64,
    content: &'a str,
    ts_us: i64,
    new_face_version: Option<i64>,
    msg_source: i64,
    at_uids: Option<&'a str>,
    visible_to: Option<Mid>,
}

fn insert_message(conn: &Connection, m: &NewMessage<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, ts_us, new_face_version, msg_source, at_uids, visible_to)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        m.conversation,
        m.seqno as i64,
        m.key as i64,
        m.sender.as_i64(),
        m.receiver.as_i64(),
        m.msg_type,
        m.content,
        m.ts_us,
        m.new_face_version,
        m.msg_source,
        m.at_uids,
        m.visible_to.map_or(0, Mid::as_i64),
    ])?;
    conn.prepare_cached("UPDATE conversations SET max_seqno = ?2 WHERE id = ?1")?
        .execute(params![m.conversation, m.seqno as i64])?;
    Ok(())
}

/// Moves `owner`'s session to `seqno` as its newest message. The owner's own
/// messages also move the read position; the other side's add to unread.
fn advance_session(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    seqno: u64,
    now_us: i64,
    own: bool,
    counts_unread: bool,
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
            seqno as i64,
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
            seqno as i64,
            ts,
            i64::from(counts_unread)
        ])?;
    }
    Ok(())
}

/// Messages of `talker` after `ack` that count as unread for `owner`.
fn count_unread(
    conn: &Connection,
    conversation: i64,
    owner: Mid,
    talker: Mid,
    ack: u64,
) -> rusqlite::Result<u64> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM messages
         WHERE conversation_id = ?1 AND seqno > ?2 AND sender_uid = ?3
           AND msg_status = 0 AND msg_type != 5 AND (visible_to = 0 OR visible_to = ?4)",
    )?
    .query_row(
        params![conversation, ack as i64, talker.as_i64(), owner.as_i64()],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
}

/// The message an identical earlier send stored since `since` (unix seconds).
fn find_retry(
    conn: &Connection,
    sender: Mid,
    fingerprint: &[u8; 32],
    since: i64,
) -> rusqlite::Result<Option<Sent>> {
    conn.prepare_cached(
        "SELECT r.msg_key, m.seqno FROM send_retries r
         JOIN messages m ON m.msg_key = r.msg_key
         WHERE r.sender = ?1 AND r.fingerprint = ?2 AND r.created_at >= ?3",
    )?
    .query_row(params![sender.as_i64(), &fingerprint[..], since], |r| {
        Ok(Sent {
            msg_key: r.get::<_, i64>(0)? as u64,
            msg_seqno: r.get::<_, i64>(1)? as u64,
            retried: true,
        })
    })
    .optional()
}

fn send(conn: &Connection, keys: &KeyGen, m: &Outgoing) -> Result<Sent, StoreError> {
    let now_secs = m.now_us / 1_000_000;
    if let (Origin::User, Some(fp)) = (m.origin, &m.fingerprint) {
        if let Some(earlier) =
            find_retry(conn, m.sender, fp, now_secs - m.limits.retry_window_secs)?
        {
            return Ok(earlier);
        }
    }
    if !user_exists(conn, m.receiver)? {
        return Err(StoreError::Rejected(Code::BadRequest));
    }
    if m.origin == Origin::User {
        let banned = conn
            .prepare_cached("SELECT 1 FROM send_bans WHERE mid = ?1 AND until > ?2")?
            .exists(params![m.sender.as_i64(), now_secs])?;
        if banned {
            return Err(StoreError::Rejected(Code::SendBanned24h));
        }
    }

    let (conversation, max_seqno) =
        user_conversation(conn, m.sender, m.receiver, true)?.expect("created on demand");
    ensure_session(conn, m.sender, m.receiver, conversation)?;
    ensure_session(conn, m.receiver, m.sender, conversation)?;
    let (_, sender_sent) = session_counters(conn, m.sender, m.receiver)?;
    let (receiver_ack, receiver_sent) = session_counters(conn, m.receiver, m.sender)?;
    let is_recall = m.msg_type == RECALL;
    let facts = SendFacts {
        sender_to_receiver: relation(conn, m.sender, m.receiver)?,
        receiver_to_sender: relation(conn, m.receiver, m.sender)?,
        receiver_accepts_strangers: accepts_strangers(conn, m.receiver)?,
        receiver_sent,
        sender_sent,
        is_recall,
    };
    let admission = policy::admit(m.origin, facts).map_err(StoreError::Rejected)?;

    if let Some(target_key) = m.recall_target {
        let target = conn
            .prepare_cached(
                "SELECT conversation_id, seqno, sender_uid, msg_status, msg_type, ts_us, visible_to
                 FROM messages WHERE msg_key = ?1",
            )?
            .query_row([target_key as i64], |r| {
                let target = RecallTarget {
                    same_conversation: r.get::<_, i64>(0)? == conversation,
                    sent_by_caller: r.get::<_, i64>(2)? == m.sender.as_i64(),
                    msg_status: r.get(3)?,
                    msg_type: r.get(4)?,
                    ts_us: r.get(5)?,
                    visible_to_both: r.get::<_, i64>(6)? == 0,
                };
                Ok((target, r.get::<_, i64>(1)? as u64))
            })
            .optional()?;
        policy::check_recall(target.map(|(t, _)| t), m.now_us, m.limits.recall_window_us)
            .map_err(StoreError::Rejected)?;
        let (_, target_seqno) = target.expect("checked above");
        conn.prepare_cached("UPDATE messages SET msg_status = 1 WHERE msg_key = ?1")?
            .execute([target_key as i64])?;
        // The recalled message (the caller's own, shown to both, neither a
        // recall nor already recalled) counted as unread if the receiver had
        // not read up to it; it no longer waits to be read.
        if target_seqno > receiver_ack {
            conn.prepare_cached(
                "UPDATE sessions SET unread_count = MAX(unread_count - 1, 0)
                 WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
            )?
            .execute(params![m.receiver.as_i64(), m.sender.as_i64()])?;
        }
    }

    let seqno = max_seqno + 1;
    let key = keys.next(m.now_us);
    insert_message(
        conn,
        &NewMessage {
            conversation,
            seqno,
            key,
            sender: m.sender,
            receiver: m.receiver,
            msg_type: m.msg_type,
            content: &m.content,
            ts_us: m.now_us,
            new_face_version: m.new_face_version,
            msg_source: m.msg_source,
            at_uids: (m.origin == Origin::User).then_some("[0]"),
            visible_to: None,
        },
    )?;
    advance_session(conn, m.sender, m.receiver, seqno, m.now_us, true, false)?;
    advance_session(
        conn, m.receiver, m.sender, seqno, m.now_us, false, !is_recall,
    )?;
    conn.prepare_cached(
        "UPDATE sessions SET sent_count = sent_count + 1
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .execute(params![m.sender.as_i64(), m.receiver.as_i64()])?;

    if admission == Admission::FirstToStranger {
        let tip_seqno = seqno + 1;
        insert_message(
            conn,
            &NewMessage {
                conversation,
                seqno: tip_seqno,
                key: keys.next(m.now_us),
                sender: m.sender,
                receiver: m.receiver,
                msg_type: SYSTEM_TIP,
                content: policy::STRANGER_TIP,
                ts_us: m.now_us,
                new_face_version: None,
                msg_source: SOURCE_TIP,
                at_uids: None,
                visible_to: Some(m.sender),
            },
        )?;
        advance_session(conn, m.sender, m.receiver, tip_seqno, m.now_us, true, false)?;
    }

    if let (Origin::User, Some(fp)) = (m.origin, &m.fingerprint) {
        conn.prepare_cached("DELETE FROM send_retries WHERE created_at < ?1")?
            .execute([now_secs - m.limits.retry_window_secs])?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO send_retries (sender, fingerprint, msg_key, created_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![m.sender.as_i64(), &fp[..], key as i64, now_secs])?;
    }
    Ok(Sent {
        msg_key: key,
        msg_seqno: seqno,
        retried: false,
    })
}

/// The conversation id of `owner`'s session with `talker`, if they talked.
fn session_conversation(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
) -> rusqlite::Result<Option<(i64, u64, u64)>> {
    conn.prepare_cached(
        "SELECT conversation_id, ack_seqno, last_seqno FROM sessions
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
        Ok((
            r.get(0)?,
            r.get::<_, i64>(1)? as u64,
            r.get::<_, i64>(2)? as u64,
        ))
    })
    .optional()
}

fn ack(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    seqno: Option<u64>,
    now_us: i64,
) -> Result<(), StoreError> {
    let Some((conversation, current, last)) = session_conversation(conn, owner, talker)? else {
        return Ok(());
    };
    let target = seqno.unwrap_or(last).min(last);
    if target <= current {
        return Ok(());
    }
    let unread = count_unread(conn, conversation, owner, talker, target)?;
    conn.prepare_cached(
        "UPDATE sessions SET ack_seqno = ?3, ack_ts = ?4, unread_count = ?5
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .execute(params![
        owner.as_i64(),
        talker.as_i64(),
        target as i64,
        now_us,
        unread as i64
    ])?;
    Ok(())
}

#[async_trait]
impl MessageStore for Sqlite {
    async fn send_message(&self, message: Outgoing) -> Result<Sent, StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| send(conn, &keys, &message)).await
    }

    async fn find_retry(
        &self,
        sender: Mid,
        fingerprint: [u8; 32],
        since: i64,
    ) -> Result<Option<Sent>, StoreError> {
        self.read(move |conn| Ok(find_retry(conn, sender, &fingerprint, since)?))
            .await
    }

    async fn sessions(
        &self,
        owner: Mid,
        query: SessionQuery,
    ) -> Result<(Vec<SessionRecord>, bool), StoreError> {
        let filter = match query.filter {
            SessionFilter::All => "s.is_intercept = 0",
            SessionFilter::Followed => "s.is_intercept = 0 AND r.attribute IN (1, 2)",
            SessionFilter::Unfollowed => {
                "s.is_intercept = 0 AND (r.attribute IS NULL OR r.attribute NOT IN (1, 2))"
            }
            SessionFilter::Intercepted => "s.is_intercept = 1",
            SessionFilter::Groups => "s.session_type = 2",
            SessionFilter::Nothing => return Ok((Vec::new(), false)),
        };
        let column = match query.order {
            SessionOrder::SessionTime => "s.session_ts",
            SessionOrder::AckTime => "s.ack_ts",
        };
        let sql = session_sql(&format!(
            "WHERE s.owner = ?1 AND s.last_seqno > 0 AND s.removed = 0 AND {filter}
               AND {column} > ?2 AND {column} < ?3
             ORDER BY {column} DESC, s.talker_id DESC LIMIT ?4"
        ));
        let size = query.size as usize;
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    owner.as_i64(),
                    query.after_ts.unwrap_or(i64::MIN),
                    query.before_ts.unwrap_or(i64::MAX),
                    size as i64 + 1
                ],
                session_from_row,
            )?;
            let mut sessions = rows.collect::<Result<Vec<_>, _>>()?;
            let has_more = sessions.len() > size;
            sessions.truncate(size);
            Ok((sessions, has_more))
        })
        .await
    }

    async fn session(&self, owner: Mid, talker: Mid) -> Result<Option<SessionRecord>, StoreError> {
        let sql = session_sql(
            "WHERE s.owner = ?1 AND s.session_type = 1 AND s.talker_id = ?2 AND s.last_seqno > 0",
        );
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(&sql)?
                .query_row(params![owner.as_i64(), talker.as_i64()], session_from_row)
                .optional()?)
        })
        .await
    }

    async fn history(
        &self,
        owner: Mid,
        talker: Mid,
        query: HistoryQuery,
    ) -> Result<(Vec<StoredMessage>, bool), StoreError> {
        self.read(move |conn| {
            let Some((conversation, _, _)) = session_conversation(conn, owner, talker)? else {
                return Ok((Vec::new(), false));
            };
            let size = query.size as usize;
            // With only a lower bound the page starts right after it (the
            // oldest messages above it), so a client polling with the last
            // seqno it saw never skips any; otherwise it ends at the upper
            // bound (or the newest message). Either way it is returned newest
            // first, and has_more says whether the range holds more.
            let forward = query.after.is_some() && query.before.is_none();
            let direction = if forward { "ASC" } else { "DESC" };
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m
                 WHERE m.conversation_id = ?1 AND m.seqno > ?2 AND m.seqno < ?3
                   AND (m.visible_to = 0 OR m.visible_to = ?4) AND m.msg_status != 2
                 ORDER BY m.seqno {direction} LIMIT ?5"
            ))?;
            let after = query.after.map_or(0, |s| s.min(i64::MAX as u64) as i64);
            let before = query
                .before
                .map_or(i64::MAX, |s| s.min(i64::MAX as u64) as i64);
            let rows = stmt.query_map(
                params![conversation, after, before, owner.as_i64(), size as i64 + 1],
                |r| message_at(r, 0),
            )?;
            let mut messages = rows.collect::<Result<Vec<_>, _>>()?;
            let has_more = messages.len() > size;
            messages.truncate(size);
            if forward {
                messages.reverse();
            }
            Ok((messages, has_more))
        })
        .await
    }

    async fn ack(
        &self,
        owner: Mid,
        talker: Mid,
        seqno: Option<u64>,
        now_us: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| ack(conn, owner, talker, seqno, now_us))
            .await
    }

    async fn change_session(
        &self,
        owner: Mid,
        talker: Mid,
        change: SessionChange,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            if !user_exists(conn, talker)? {
                return Err(StoreError::Rejected(Code::BadRequest));
            }
            let (conversation, _) = user_conversation(conn, owner, talker, true)?.expect("created");
            ensure_session(conn, owner, talker, conversation)?;
            let update = |set: &str, value: i64| -> rusqlite::Result<usize> {
                conn.prepare_cached(&format!(
                    "UPDATE sessions SET {set} WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2"
                ))?
                .execute(params![owner.as_i64(), talker.as_i64(), value])
            };
            match change {
                SessionChange::Top(ts) => update("top_ts = ?3", ts)?,
                SessionChange::Dnd(on) => update("is_dnd = ?3", i64::from(on))?,
                SessionChange::Push(setting) => update("push_setting = ?3", setting)?,
                SessionChange::Intercept(true) => update("is_intercept = ?3, is_trust = 0", 1)?,
                SessionChange::Intercept(false) => update(
                    "is_trust = CASE WHEN is_intercept = 1 THEN 1 ELSE is_trust END, is_intercept = ?3",
                    0,
                )?,
                SessionChange::Remove => update(
                    "removed = ?3, unread_count = 0, ack_seqno = MAX(ack_seqno, last_seqno)",
                    1,
                )?,
            };
            Ok(())
        })
        .await
    }

    async fn session_settings(&self, owner: Mid, talker: Mid) -> Result<(bool, i64), StoreError> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT is_dnd, push_setting FROM sessions
                     WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
                )?
                .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
                    Ok((r.get::<_, i64>(0)? != 0, r.get::<_, i64>(1)?))
                })
                .optional()?;
            Ok(row.unwrap_or((false, 0)))
        })
        .await
    }

    async fn follow_status(&self, owner: Mid, talker: Mid) -> Result<(i64, bool), StoreError> {
        self.read(move |conn| {
            let theirs = relation(conn, talker, owner)?;
            let (mine, special) = conn
                .prepare_cached(
                    "SELECT attribute, special FROM relations WHERE mid = ?1 AND fid = ?2",
                )?
                .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
                    Ok((Some(r.get::<_, i64>(0)?), r.get::<_, i64>(1)? != 0))
                })
                .optional()?
                .unwrap_or((None, false));
            let status = match theirs {
                Some(policy::FOLLOW) if mine == Some(policy::FOLLOW) => 6,
                // A quiet follow is invisible to the one followed.
                Some(policy::QUIET_FOLLOW) => 0,
                Some(attribute) => attribute,
                None => 0,
            };
            Ok((status, special))
        })
        .await
    }

    async fn ack_dustbin(&self, owner: Mid, now_us: i64) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE sessions SET ack_seqno = last_seqno, ack_ts = ?2, unread_count = 0
                 WHERE owner = ?1 AND unread_count > 0 AND is_intercept = 1",
            )?
            .execute(params![owner.as_i64(), now_us])?;
            Ok(())
        })
        .await
    }

    async fn clear_dustbin(&self, owner: Mid) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE sessions SET removed = 1, unread_count = 0, ack_seqno = last_seqno
                 WHERE owner = ?1 AND is_intercept = 1",
            )?
            .execute([owner.as_i64()])?;
            Ok(())
        })
        .await
    }

    async fn unread_totals(&self, owner: Mid) -> Result<UnreadTotals, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT s.is_intercept, r.attribute, s.unread_count
                 FROM sessions s INDEXED BY sessions_unread
                 LEFT JOIN relations r ON r.mid = s.owner AND r.fid = s.talker_id
                 WHERE s.owner = ?1 AND s.unread_count > 0 AND s.session_type = 1",
            )?;
            let mut totals = UnreadTotals::default();
            let rows = stmt.query_map([owner.as_i64()], |r| {
                Ok((
                    r.get::<_, i64>(0)? != 0,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (intercepted, attribute, unread) = row?;
                let unread = unread.max(0) as u64;
                if intercepted {
                    totals.dustbin += unread;
                } else if policy::is_following(attribute) {
                    totals.follow += unread;
                } else {
                    totals.unfollow += unread;
                }
            }
            Ok(totals)
        })
        .await
    }

    async fn message_settings(
        &self,
        mid: Mid,
    ) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
        self.read(move |conn| Ok(stored_settings(conn, mid)?)).await
    }

    async fn update_message_settings(
        &self,
        mid: Mid,
        changes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let mut settings = stored_settings(conn, mid)?;
            settings.extend(changes);
            conn.prepare_cached(
                "INSERT OR REPLACE INTO message_settings (mid, settings) VALUES (?1, ?2)",
            )?
            .execute(params![
                mid.as_i64(),
                serde_json::Value::Object(settings).to_string()
            ])?;
            Ok(())
        })
        .await
    }

    async fn record_upload(&self, upload: Upload) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO uploads (name, owner, mime, width, height, bytes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                upload.name,
                upload.owner.as_i64(),
                upload.mime,
                upload.width,
                upload.height,
                upload.bytes as i64,
                upload.created_at
            ])?;
            Ok(())
        })
        .await
    }

    async fn upload(&self, name: String) -> Result<Option<Upload>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT name, owner, mime, width, height, bytes, created_at FROM uploads WHERE name = ?1",
                )?
                .query_row([name], |r| {
                    Ok(Upload {
                        name: r.get(0)?,
                        owner: Mid::from_i64(r.get(1)?),
                        mime: r.get(2)?,
                        width: r.get(3)?,
                        height: r.get(4)?,
                        bytes: r.get::<_, i64>(5)? as u64,
                        created_at: r.get(6)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn emotes(&self) -> Result<Vec<Emote>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT text, uri, size, gif_url FROM emotes ORDER BY text")?;
            let rows = stmt.query_map([], |r| {
                Ok(Emote {
                    text: r.get(0)?,
                    uri: r.get(1)?,
                    size: r.get(2)?,
                    gif_url: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_emote(&self, emote: Emote) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO emotes (text, uri, size, gif_url) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![emote.text, emote.uri, emote.size, emote.gif_url])?;
            Ok(())
        })
        .await
    }

    async fn delete_emote(&self, text: String) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM emotes WHERE text = ?1")?
                .execute([text])?
                > 0)
        })
        .await
    }

    async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT rule_id, keywords, toast FROM keyword_rules ORDER BY rule_id",
            )?;
            let rows = stmt.query_map([], |r| {
                let keywords: String = r.get(1)?;
                Ok(KeywordRule {
                    rule_id: r.get(0)?,
                    keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                    toast: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), StoreError> {
        self.write(move |conn| {
            let keywords = serde_json::to_string(&rule.keywords)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO keyword_rules (rule_id, keywords, toast) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![rule.rule_id, keywords, rule.toast])?;
            Ok(())
        })
        .await
    }

    async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM keyword_rules WHERE rule_id = ?1")?
                .execute([rule_id])?
                > 0)
        })
        .await
    }

    async fn send_ban(&self, mid: Mid, now: i64) -> Result<Option<i64>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT until FROM send_bans WHERE mid = ?1 AND until > ?2")?
                .query_row(params![mid.as_i64(), now], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    async fn ban_sender(&self, mid: Mid, until: i64) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("INSERT OR REPLACE INTO send_bans (mid, until) VALUES (?1, ?2)")?
                .execute(params![mid.as_i64(), until])?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_increase_strictly_and_exceed_2_pow_53() {
        let keys = KeyGen::default();
        let now = 1_712_305_278_098_351;
        let a = keys.next(now);
        let b = keys.next(now);
        let c = keys.next(now - 5_000_000);
        assert!(a > 1 << 53);
        assert!(b > a && c > b);
        let restarted = KeyGen::starting_after(c);
        assert!(restarted.next(now - 10_000_000) > c);
    }
}
