//! Sessions, history and read state in SQLite.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::super::accounts::{system_at, user_exists, SYSTEM_COLUMNS};
use super::super::groups::{group_at, group_conversation, GROUP_COLUMNS};
use super::super::relations::attribute_or_none;
use super::{ensure_session, message_at, open_conversation, MESSAGE_COLUMNS};
use crate::domain::message::session::{at_after_read, SessionState, Talker};
use crate::domain::message::Message;
use crate::domain::system::SystemKind;
use crate::domain::{Mid, Seqno};
use crate::store::messages::{
    HistoryQuery, ReadFacts, SessionFacts, SessionFilter, SessionOrder, SessionQuery,
    SessionRecord, UnreadSession, UnreadVersion,
};
use crate::store::{Decide, StoreError};

const STATE_COLUMNS: &str = "s.top_ts, s.is_dnd, s.push_setting, s.is_intercept, s.is_trust, \
     s.removed, s.ack_seqno, s.ack_ts, s.last_seqno, s.unread_count, s.at_seqno, \
     s.push_unread, s.biz_unread";

/// `(session_type, talker_id)` of a session with `talker`.
pub(super) fn key(talker: Talker) -> (i64, i64) {
    (talker.session_type(), talker.id() as i64)
}

/// Reads the 13 state columns starting at `at`.
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
        at_seqno: Seqno(row.get::<_, i64>(at + 10)? as u64),
        push_unread: row.get::<_, i64>(at + 11)?.max(0) as u64,
        biz_unread: row.get::<_, i64>(at + 12)?.max(0) as u64,
    })
}

/// A group session is listed while its owner is a member of the group
/// and the group is not dissolved (needs the joins of [`session_sql`]).
const LIVE_GROUP: &str = "(s.session_type = 2 AND gm.mid IS NOT NULL AND g.dissolved = 0)";
/// A user session that is not intercepted.
const USER: &str = "(s.session_type = 1 AND s.is_intercept = 0)";

/// The joins that say who a session's talker is: the owner's relation to a
/// user, a system account, a group and the owner's membership.
const TALKER_JOINS: &str = "
         LEFT JOIN relations r ON s.session_type = 1 AND r.mid = s.owner AND r.fid = s.talker_id
         LEFT JOIN system_accounts sa ON s.session_type = 1 AND sa.mid = s.talker_id
         LEFT JOIN fan_groups g ON s.session_type = 2 AND g.id = s.talker_id
         LEFT JOIN group_members gm
           ON s.session_type = 2 AND gm.group_id = s.talker_id AND gm.mid = s.owner";

/// The last message shown: the newest the owner sees up to `last_seqno`
/// that the system did not recall (walks the primary key backwards).
fn session_sql(tail: &str) -> String {
    format!(
        "SELECT s.talker_id, s.session_type, s.session_ts, r.attribute, {STATE_COLUMNS},
                {SYSTEM_COLUMNS}, {GROUP_COLUMNS}, {MESSAGE_COLUMNS}
         FROM sessions s {TALKER_JOINS}
         LEFT JOIN messages m ON m.conversation_id = s.conversation_id AND m.seqno = (
             SELECT x.seqno FROM messages x
             WHERE x.conversation_id = s.conversation_id AND x.seqno <= s.last_seqno
               AND x.msg_status != 2 AND (x.visible_to = 0 OR x.visible_to = s.owner)
             ORDER BY x.seqno DESC LIMIT 1)
         {tail}"
    )
}

fn record_at(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let has_msg = row.get::<_, Option<i64>>(27)?.is_some();
    Ok(SessionRecord {
        talker_id: row.get::<_, i64>(0)? as u64,
        session_type: row.get(1)?,
        session_ts: row.get(2)?,
        owner_to_talker: attribute_or_none(row.get(3)?),
        state: state_at(row, 4)?,
        system: system_at(row, 17)?,
        group: group_at(row, 20)?,
        last_msg: if has_msg {
            Some(message_at(row, 27)?)
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
        SessionFilter::All => format!("({USER} OR {LIVE_GROUP})"),
        SessionFilter::Users => USER.to_owned(),
        SessionFilter::FollowedOrSystem => {
            format!("{USER} AND (r.attribute IN (1, 2) OR sa.mid IS NOT NULL)")
        }
        SessionFilter::Unfollowed => {
            format!("{USER} AND (r.attribute IS NULL OR r.attribute NOT IN (1, 2))")
        }
        SessionFilter::Strangers => format!(
            "{USER} AND (r.attribute IS NULL OR r.attribute NOT IN (1, 2)) AND sa.mid IS NULL"
        ),
        SessionFilter::System => format!("{USER} AND sa.mid IS NOT NULL"),
        SessionFilter::Intercepted => "s.session_type = 1 AND s.is_intercept = 1".to_owned(),
        SessionFilter::Groups => LIVE_GROUP.to_owned(),
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
    talker: Talker,
) -> rusqlite::Result<Option<SessionRecord>> {
    let sql = session_sql(
        "WHERE s.owner = ?1 AND s.session_type = ?2 AND s.talker_id = ?3 AND s.last_seqno > 0
           AND (s.session_type = 1 OR gm.mid IS NOT NULL)",
    );
    let (session_type, talker_id) = key(talker);
    conn.prepare_cached(&sql)?
        .query_row(params![owner.as_i64(), session_type, talker_id], record_at)
        .optional()
}

/// The conversation of `owner`'s session with `talker`, if they talked (a
/// group's conversation whoever asks).
fn conversation_of(conn: &Connection, owner: Mid, talker: Talker) -> rusqlite::Result<Option<i64>> {
    match talker {
        Talker::User(mid) => conn
            .prepare_cached(
                "SELECT conversation_id FROM sessions
                 WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
            )?
            .query_row(params![owner.as_i64(), mid.as_i64()], |r| r.get(0))
            .optional(),
        Talker::Group(id) => group_conversation(conn, id),
    }
}

pub(super) fn history(
    conn: &Connection,
    owner: Mid,
    talker: Talker,
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
    talker: Talker,
) -> rusqlite::Result<Option<SessionState>> {
    let (session_type, talker_id) = key(talker);
    conn.prepare_cached(&format!(
        "SELECT {STATE_COLUMNS} FROM sessions s
         WHERE s.owner = ?1 AND s.session_type = ?2 AND s.talker_id = ?3"
    ))?
    .query_row(params![owner.as_i64(), session_type, talker_id], |r| {
        state_at(r, 0)
    })
    .optional()
}

/// Writes the settings of a session (its messages are not touched).
fn write_state(
    conn: &Connection,
    owner: Mid,
    talker: Talker,
    s: &SessionState,
) -> rusqlite::Result<()> {
    let (session_type, talker_id) = key(talker);
    conn.prepare_cached(
        "UPDATE sessions SET top_ts = ?4, is_dnd = ?5, push_setting = ?6, is_intercept = ?7,
            is_trust = ?8, removed = ?9, ack_seqno = ?10, ack_ts = ?11, unread_count = ?12,
            at_seqno = ?13, push_unread = ?14, biz_unread = ?15
         WHERE owner = ?1 AND session_type = ?2 AND talker_id = ?3",
    )?
    .execute(params![
        owner.as_i64(),
        session_type,
        talker_id,
        s.top_ts,
        i64::from(s.is_dnd),
        s.push_setting,
        i64::from(s.is_intercept),
        i64::from(s.is_trust),
        i64::from(s.removed),
        s.ack_seqno.get() as i64,
        s.ack_ts,
        s.unread_count as i64,
        s.at_seqno.get() as i64,
        s.push_unread as i64,
        s.biz_unread as i64,
    ])?;
    Ok(())
}

pub(super) fn change(
    conn: &Connection,
    owner: Mid,
    talker: Talker,
    decide: Decide<SessionFacts, SessionState>,
) -> Result<(), StoreError> {
    let existing = state(conn, owner, talker)?;
    let talker_exists = match talker {
        Talker::User(mid) => user_exists(conn, mid)?,
        Talker::Group(id) => super::super::groups::is_live_member(conn, id, owner)?,
    };
    let facts = SessionFacts {
        talker_exists,
        state: existing.unwrap_or_default(),
    };
    let next = decide(&facts)?;
    match talker {
        Talker::User(mid) => {
            let (conversation, _) = open_conversation(conn, owner, mid)?;
            ensure_session(conn, owner, mid, conversation)?;
        }
        Talker::Group(_) if existing.is_none() => return Ok(()),
        Talker::Group(_) => {}
    }
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
            write_state(conn, owner, Talker::User(talker), &next)?;
        }
    }
    Ok(())
}

/// Applies `change` to `owner`'s listed sessions with unread messages;
/// those it changed.
pub(super) fn change_unread(
    conn: &Connection,
    owner: Mid,
    change: Box<dyn Fn(SessionState) -> SessionState + Send>,
) -> rusqlite::Result<Vec<(Talker, SessionState)>> {
    let sessions: Vec<(Option<Talker>, SessionState)> = conn
        .prepare_cached(&format!(
            "SELECT s.talker_id, s.session_type, {STATE_COLUMNS} FROM sessions s
             LEFT JOIN fan_groups g ON s.session_type = 2 AND g.id = s.talker_id
             LEFT JOIN group_members gm
               ON s.session_type = 2 AND gm.group_id = s.talker_id AND gm.mid = s.owner
             WHERE s.owner = ?1 AND s.unread_count > 0 AND s.removed = 0
               AND ({USER} OR {LIVE_GROUP})"
        ))?
        .query_map([owner.as_i64()], |r| {
            let talker = Talker::parse(r.get::<_, i64>(0)? as u64, r.get(1)?);
            Ok((talker, state_at(r, 2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut changed = Vec::new();
    for (talker, state) in sessions {
        let Some(talker) = talker else { continue };
        let next = change(state);
        if next != state {
            write_state(conn, owner, talker, &next)?;
            changed.push((talker, next));
        }
    }
    Ok(changed)
}

/// Messages after `ack` that count as unread for `owner`: those of
/// `talker` (in a group, of anyone but the owner) shown to the owner, not
/// recalled, not recalls (type 5, or 8: a system recall, `sys_cancel`).
/// `(all, pushes, notifications)`.
fn count_unread(
    conn: &Connection,
    conversation: i64,
    owner: Mid,
    talker: Talker,
    ack: Seqno,
) -> rusqlite::Result<(u64, u64, u64)> {
    let (sql, sender) = match talker {
        Talker::User(mid) => (
            "SELECT COUNT(*), TOTAL(unread_kind = 1), TOTAL(unread_kind = 2) FROM messages
             WHERE conversation_id = ?1 AND seqno > ?2 AND sender_uid = ?3
               AND msg_status = 0 AND msg_type NOT IN (5, 8) AND (visible_to = 0 OR visible_to = ?4)",
            mid.as_i64(),
        ),
        Talker::Group(_) => (
            "SELECT COUNT(*), TOTAL(unread_kind = 1), TOTAL(unread_kind = 2) FROM messages
             WHERE conversation_id = ?1 AND seqno > ?2 AND sender_uid != ?3
               AND msg_status = 0 AND msg_type NOT IN (5, 8) AND (visible_to = 0 OR visible_to = ?4)",
            owner.as_i64(),
        ),
    };
    conn.prepare_cached(sql)?.query_row(
        params![conversation, ack.get() as i64, sender, owner.as_i64()],
        |r| {
            Ok((
                r.get::<_, i64>(0)?.max(0) as u64,
                r.get::<_, f64>(1)? as u64,
                r.get::<_, f64>(2)? as u64,
            ))
        },
    )
}

pub(super) fn read(
    conn: &Connection,
    owner: Mid,
    talker: Talker,
    now_us: i64,
    decide: Decide<ReadFacts, Option<Seqno>>,
) -> Result<Option<Seqno>, StoreError> {
    let (session_type, talker_id) = key(talker);
    let found = conn
        .prepare_cached(
            "SELECT conversation_id, ack_seqno, last_seqno, at_seqno FROM sessions
             WHERE owner = ?1 AND session_type = ?2 AND talker_id = ?3",
        )?
        .query_row(params![owner.as_i64(), session_type, talker_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ReadFacts {
                    ack: Seqno(r.get::<_, i64>(1)? as u64),
                    last: Seqno(r.get::<_, i64>(2)? as u64),
                },
                Seqno(r.get::<_, i64>(3)? as u64),
            ))
        })
        .optional()?;
    let Some((conversation, facts, at)) = found else {
        return Ok(None);
    };
    let Some(target) = decide(&facts)? else {
        return Ok(None);
    };
    let (unread, push, biz) = count_unread(conn, conversation, owner, talker, target)?;
    conn.prepare_cached(
        "UPDATE sessions SET ack_seqno = ?4, ack_ts = ?5, unread_count = ?6, at_seqno = ?7,
             push_unread = ?8, biz_unread = ?9
         WHERE owner = ?1 AND session_type = ?2 AND talker_id = ?3",
    )?
    .execute(params![
        owner.as_i64(),
        session_type,
        talker_id,
        target.get() as i64,
        now_us,
        unread as i64,
        at_after_read(at, target).get() as i64,
        push as i64,
        biz as i64,
    ])?;
    Ok(Some(target))
}

/// The version of `owner`'s unread sessions (migration 0017).
pub(super) fn unread_version(conn: &Connection, owner: Mid) -> rusqlite::Result<UnreadVersion> {
    conn.prepare_cached(
        "SELECT (SELECT version FROM unread_versions WHERE owner = ?1),
                (SELECT version FROM unread_versions WHERE owner = 0)",
    )?
    .query_row([owner.as_i64()], |r| {
        Ok(UnreadVersion {
            own: r.get::<_, Option<i64>>(0)?.unwrap_or(0) as u64,
            everyone: r.get::<_, Option<i64>>(1)?.unwrap_or(0) as u64,
        })
    })
}

pub(super) fn unread(conn: &Connection, owner: Mid) -> rusqlite::Result<Vec<UnreadSession>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.session_type, s.is_intercept, r.attribute, s.unread_count, sa.system_msg_type,
                s.push_unread, s.biz_unread
         FROM sessions s INDEXED BY sessions_unread {TALKER_JOINS}
         WHERE s.owner = ?1 AND s.unread_count > 0 AND (s.session_type = 1 OR {LIVE_GROUP})"
    ))?;
    let rows = stmt.query_map([owner.as_i64()], |r| {
        Ok(UnreadSession {
            group: r.get::<_, i64>(0)? == 2,
            intercepted: r.get::<_, i64>(1)? != 0,
            owner_to_talker: attribute_or_none(r.get(2)?),
            unread: r.get::<_, i64>(3)?.max(0) as u64,
            system: r.get::<_, Option<i64>>(4)?.and_then(SystemKind::new),
            push: r.get::<_, i64>(5)?.max(0) as u64,
            biz: r.get::<_, i64>(6)?.max(0) as u64,
        })
    })?;
    rows.collect()
}
