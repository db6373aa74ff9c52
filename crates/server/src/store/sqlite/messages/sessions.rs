//! Sessions, history and read state in SQLite.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::super::accounts::user_exists;
use super::super::relations::attribute_or_none;
use super::{ensure_session, message_at, open_conversation, MESSAGE_COLUMNS};
use crate::domain::message::session::SessionState;
use crate::domain::message::Message;
use crate::domain::{Mid, Seqno};
use crate::store::messages::{
    HistoryQuery, ReadFacts, SessionFacts, SessionFilter, SessionOrder, SessionQuery,
    SessionRecord, UnreadSession,
};
use crate::store::{Decide, StoreError};

const STATE_COLUMNS: &str = "s.top_ts, s.is_dnd, s.push_setting, s.is_intercept, s.is_trust, \
     s.removed, s.ack_seqno, s.ack_ts, s.last_seqno, s.unread_count";

/// Reads the 10 state columns starting at `at`.
fn state_at(row: &Row<'_>, at: usize) -> rusqlite::Result<SessionState> {
    Ok(SessionState {
        top_ts: row.get(at)?,
        is_dnd: row.get::<_, i64>(at + 1)? != 0,
        push_setting: row.get(at + 2)?,
        is_intercept: row.get::<_, i64>(at + 3)? != 0,
        is_trust: row.get::<_, i64>(at + 4)? != 0,
        removed: row.get::<_, i64>(at + 5)? != 0,
        ack_seqno: Seqno(row.get::<_, i64>(at + 6)? as u64),
        ack_ts: row.get(at + 7)?,
        last_seqno: Seqno(row.get::<_, i64>(at + 8)? as u64),
        unread_count: row.get::<_, i64>(at + 9)?.max(0) as u64,
    })
}

fn session_sql(tail: &str) -> String {
    format!(
        "SELECT s.talker_id, s.session_type, s.session_ts, r.attribute, {STATE_COLUMNS},
                {MESSAGE_COLUMNS}
         FROM sessions s
         LEFT JOIN relations r ON r.mid = s.owner AND r.fid = s.talker_id
         LEFT JOIN messages m ON m.conversation_id = s.conversation_id AND m.seqno = s.last_seqno
         {tail}"
    )
}

fn record_at(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let has_msg = row.get::<_, Option<i64>>(14)?.is_some();
    Ok(SessionRecord {
        talker_id: row.get::<_, i64>(0)? as u64,
        session_type: row.get(1)?,
        session_ts: row.get(2)?,
        owner_to_talker: attribute_or_none(row.get(3)?),
        state: state_at(row, 4)?,
        last_msg: if has_msg {
            Some(message_at(row, 14)?)
        } else {
            None
        },
    })
}

pub(super) fn list(
    conn: &Connection,
    owner: Mid,
    query: SessionQuery,
) -> rusqlite::Result<(Vec<SessionRecord>, bool)> {
    let filter = match query.filter {
        SessionFilter::All => "s.is_intercept = 0",
        SessionFilter::Followed => "s.is_intercept = 0 AND r.attribute IN (1, 2)",
        SessionFilter::Unfollowed => {
            "s.is_intercept = 0 AND (r.attribute IS NULL OR r.attribute NOT IN (1, 2))"
        }
        SessionFilter::Intercepted => "s.is_intercept = 1",
        SessionFilter::Groups => "s.session_type = 2",
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
    let size = usize::try_from(query.size).unwrap_or(usize::MAX);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            owner.as_i64(),
            query.after_ts.unwrap_or(i64::MIN),
            query.before_ts.unwrap_or(i64::MAX),
            i64::try_from(query.size).unwrap_or(i64::MAX - 1) + 1
        ],
        record_at,
    )?;
    let mut sessions = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = sessions.len() > size;
    sessions.truncate(size);
    Ok((sessions, has_more))
}

pub(super) fn one(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
) -> rusqlite::Result<Option<SessionRecord>> {
    let sql = session_sql(
        "WHERE s.owner = ?1 AND s.session_type = 1 AND s.talker_id = ?2 AND s.last_seqno > 0",
    );
    conn.prepare_cached(&sql)?
        .query_row(params![owner.as_i64(), talker.as_i64()], record_at)
        .optional()
}

/// The conversation of `owner`'s session with `talker`, if they talked.
fn conversation_of(conn: &Connection, owner: Mid, talker: Mid) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT conversation_id FROM sessions
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .query_row(params![owner.as_i64(), talker.as_i64()], |r| r.get(0))
    .optional()
}

pub(super) fn history(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    query: HistoryQuery,
) -> rusqlite::Result<(Vec<Message>, bool)> {
    let Some(conversation) = conversation_of(conn, owner, talker)? else {
        return Ok((Vec::new(), false));
    };
    let direction = if query.oldest_first { "ASC" } else { "DESC" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m
         WHERE m.conversation_id = ?1 AND m.seqno > ?2 AND m.seqno < ?3
           AND (m.visible_to = 0 OR m.visible_to = ?4) AND m.msg_status != 2
         ORDER BY m.seqno {direction} LIMIT ?5"
    ))?;
    let bound = |s: Seqno| i64::try_from(s.get()).unwrap_or(i64::MAX);
    let size = usize::try_from(query.size).unwrap_or(usize::MAX);
    let rows = stmt.query_map(
        params![
            conversation,
            bound(query.after),
            bound(query.before),
            owner.as_i64(),
            i64::try_from(query.size).unwrap_or(i64::MAX - 1) + 1
        ],
        |r| message_at(r, 0),
    )?;
    let mut messages = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = messages.len() > size;
    messages.truncate(size);
    Ok((messages, has_more))
}

/// `owner`'s session with `talker`, if there is one.
pub(super) fn state(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
) -> rusqlite::Result<Option<SessionState>> {
    conn.prepare_cached(&format!(
        "SELECT {STATE_COLUMNS} FROM sessions s
         WHERE s.owner = ?1 AND s.session_type = 1 AND s.talker_id = ?2"
    ))?
    .query_row(params![owner.as_i64(), talker.as_i64()], |r| state_at(r, 0))
    .optional()
}

/// Writes the settings of a session (its messages are not touched).
fn write_state(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    s: &SessionState,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE sessions SET top_ts = ?3, is_dnd = ?4, push_setting = ?5, is_intercept = ?6,
            is_trust = ?7, removed = ?8, ack_seqno = ?9, ack_ts = ?10, unread_count = ?11
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .execute(params![
        owner.as_i64(),
        talker.as_i64(),
        s.top_ts,
        i64::from(s.is_dnd),
        s.push_setting,
        i64::from(s.is_intercept),
        i64::from(s.is_trust),
        i64::from(s.removed),
        s.ack_seqno.get() as i64,
        s.ack_ts,
        s.unread_count as i64,
    ])?;
    Ok(())
}

pub(super) fn change(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    decide: Decide<SessionFacts, SessionState>,
) -> Result<(), StoreError> {
    let facts = SessionFacts {
        talker_exists: user_exists(conn, talker)?,
        state: state(conn, owner, talker)?.unwrap_or_default(),
    };
    let next = decide(&facts)?;
    let (conversation, _) = open_conversation(conn, owner, talker)?;
    ensure_session(conn, owner, talker, conversation)?;
    Ok(write_state(conn, owner, talker, &next)?)
}

pub(super) fn change_intercepted(
    conn: &Connection,
    owner: Mid,
    change: Box<dyn Fn(SessionState) -> SessionState + Send>,
) -> rusqlite::Result<()> {
    let sessions: Vec<(Mid, SessionState)> = conn
        .prepare_cached(&format!(
            "SELECT s.talker_id, {STATE_COLUMNS} FROM sessions s
             WHERE s.owner = ?1 AND s.session_type = 1 AND s.is_intercept = 1"
        ))?
        .query_map([owner.as_i64()], |r| {
            Ok((Mid::from_i64(r.get(0)?), state_at(r, 1)?))
        })?
        .collect::<Result<_, _>>()?;
    for (talker, state) in sessions {
        let next = change(state);
        if next != state {
            write_state(conn, owner, talker, &next)?;
        }
    }
    Ok(())
}

/// Messages of `talker` after `ack` that count as unread for `owner`:
/// shown to them, not recalled, not recalls.
fn count_unread(
    conn: &Connection,
    conversation: i64,
    owner: Mid,
    talker: Mid,
    ack: Seqno,
) -> rusqlite::Result<u64> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM messages
         WHERE conversation_id = ?1 AND seqno > ?2 AND sender_uid = ?3
           AND msg_status = 0 AND msg_type != 5 AND (visible_to = 0 OR visible_to = ?4)",
    )?
    .query_row(
        params![
            conversation,
            ack.get() as i64,
            talker.as_i64(),
            owner.as_i64()
        ],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
}

pub(super) fn read(
    conn: &Connection,
    owner: Mid,
    talker: Mid,
    now_us: i64,
    decide: Decide<ReadFacts, Option<Seqno>>,
) -> Result<Option<Seqno>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT conversation_id, ack_seqno, last_seqno FROM sessions
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .query_row(params![owner.as_i64(), talker.as_i64()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ReadFacts {
                    ack: Seqno(r.get::<_, i64>(1)? as u64),
                    last: Seqno(r.get::<_, i64>(2)? as u64),
                },
            ))
        })
        .optional()?;
    let Some((conversation, facts)) = found else {
        return Ok(None);
    };
    let Some(target) = decide(&facts)? else {
        return Ok(None);
    };
    let unread = count_unread(conn, conversation, owner, talker, target)?;
    conn.prepare_cached(
        "UPDATE sessions SET ack_seqno = ?3, ack_ts = ?4, unread_count = ?5
         WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
    )?
    .execute(params![
        owner.as_i64(),
        talker.as_i64(),
        target.get() as i64,
        now_us,
        unread as i64
    ])?;
    Ok(Some(target))
}

pub(super) fn unread(conn: &Connection, owner: Mid) -> rusqlite::Result<Vec<UnreadSession>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.is_intercept, r.attribute, s.unread_count
         FROM sessions s INDEXED BY sessions_unread
         LEFT JOIN relations r ON r.mid = s.owner AND r.fid = s.talker_id
         WHERE s.owner = ?1 AND s.unread_count > 0 AND s.session_type = 1",
    )?;
    let rows = stmt.query_map([owner.as_i64()], |r| {
        Ok(UnreadSession {
            intercepted: r.get::<_, i64>(0)? != 0,
            owner_to_talker: attribute_or_none(r.get(1)?),
            unread: r.get::<_, i64>(2)?.max(0) as u64,
        })
    })?;
    rows.collect()
}
