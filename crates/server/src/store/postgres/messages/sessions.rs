//! Sessions, history and read state in PostgreSQL: with users and with
//! fan groups (a [`Talker`]).

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::super::accounts::{system_at, user_exists, SYSTEM_COLUMNS};
use super::super::groups::{group_at, lock_group, GROUP_COLUMNS};
use super::super::relations::attribute_or_none;
use super::super::{execute, int, lock, query, query_one, query_opt, Lock};
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
pub(in crate::store::postgres) fn key(talker: Talker) -> (i64, i64) {
    (talker.session_type(), talker.id() as i64)
}

fn seqno(row: &Row, at: usize) -> Seqno {
    Seqno(row.get::<_, i64>(at).max(0) as u64)
}

fn non_negative(row: &Row, at: usize) -> u64 {
    row.get::<_, i64>(at).max(0) as u64
}

/// Reads the 13 state columns starting at `at`.
fn state_at(row: &Row, at: usize) -> SessionState {
    SessionState {
        top_ts: row.get(at),
        is_dnd: row.get(at + 1),
        push_setting: row.get(at + 2),
        is_intercept: row.get(at + 3),
        is_trust: row.get(at + 4),
        removed: row.get(at + 5),
        ack_seqno: seqno(row, at + 6),
        ack_ts: row.get(at + 7),
        last_seqno: seqno(row, at + 8),
        unread_count: non_negative(row, at + 9),
        at_seqno: seqno(row, at + 10),
        push_unread: non_negative(row, at + 11),
        biz_unread: non_negative(row, at + 12),
    }
}

/// A group session is listed while its owner is a member of the group
/// and the group is not dissolved (needs the joins of [`session_sql`]).
const LIVE_GROUP: &str = "(s.session_type = 2 AND gm.mid IS NOT NULL AND NOT g.dissolved)";
/// A user session that is not intercepted.
const USER: &str = "(s.session_type = 1 AND NOT s.is_intercept)";

/// The joins that say who a session's talker is: the owner's relation to a
/// user, a system account, a group and the owner's membership.
const TALKER_JOINS: &str = "
         LEFT JOIN relations r ON s.session_type = 1 AND r.mid = s.owner AND r.fid = s.talker_id
         LEFT JOIN system_accounts sa ON s.session_type = 1 AND sa.mid = s.talker_id
         LEFT JOIN fan_groups g ON s.session_type = 2 AND g.id = s.talker_id
         LEFT JOIN group_members gm
           ON s.session_type = 2 AND gm.group_id = s.talker_id AND gm.mid = s.owner";

/// The 13 columns of [`message_at`] from the last message a session
/// shows, kept in its row (`last_msg`, migration 0007: the newest the
/// owner sees up to `last_seqno` that the system did not withdraw), so
/// that a session list never reads `messages`.
const LAST_MESSAGE_COLUMNS: &str = "(s.last_msg->>'sender_uid')::BIGINT, \
     (s.last_msg->>'receiver_type')::BIGINT, (s.last_msg->>'receiver_id')::BIGINT, \
     (s.last_msg->>'msg_type')::BIGINT, s.last_msg->>'content', \
     (s.last_msg->>'seqno')::BIGINT, (s.last_msg->>'ts_us')::BIGINT, \
     s.last_msg->>'at_uids', (s.last_msg->>'msg_key')::BIGINT, \
     (s.last_msg->>'msg_status')::BIGINT, s.last_msg->>'notify_code', \
     (s.last_msg->>'new_face_version')::BIGINT, (s.last_msg->>'msg_source')::BIGINT";

fn session_sql(tail: &str) -> String {
    format!(
        "SELECT s.talker_id, s.session_type, s.session_ts, r.attribute, {STATE_COLUMNS},
                {SYSTEM_COLUMNS}, {GROUP_COLUMNS}, {LAST_MESSAGE_COLUMNS}
         FROM sessions s {TALKER_JOINS}
         {tail}"
    )
}

fn record_at(row: &Row) -> SessionRecord {
    let has_msg = row.get::<_, Option<i64>>(27).is_some();
    SessionRecord {
        talker_id: row.get::<_, i64>(0) as u64,
        session_type: row.get(1),
        session_ts: row.get(2),
        owner_to_talker: attribute_or_none(row.get(3)),
        state: state_at(row, 4),
        system: system_at(row, 17),
        group: group_at(row, 20),
        last_msg: has_msg.then(|| message_at(row, 27)),
    }
}

pub(super) async fn list(
    c: &impl GenericClient,
    owner: Mid,
    query: SessionQuery,
) -> Result<(Vec<SessionRecord>, bool), StoreError> {
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
        SessionFilter::Intercepted => "s.session_type = 1 AND s.is_intercept".to_owned(),
        SessionFilter::Groups => LIVE_GROUP.to_owned(),
    };
    let column = match query.order {
        SessionOrder::SessionTime => "s.session_ts",
        SessionOrder::AckTime => "s.ack_ts",
    };
    let sql = session_sql(&format!(
        "WHERE s.owner = $1 AND s.last_seqno > 0 AND NOT s.removed AND {filter}
           AND {column} > $2 AND {column} < $3
         ORDER BY {column} DESC, s.talker_id DESC LIMIT $4"
    ));
    let size = usize::try_from(query.size).unwrap_or(usize::MAX);
    let rows = super::super::query(
        c,
        &sql,
        &[
            &owner.as_i64(),
            &query.after_ts.unwrap_or(i64::MIN),
            &query.before_ts.unwrap_or(i64::MAX),
            &int(query.size).min(i64::MAX - 1).saturating_add(1),
        ],
    )
    .await?;
    let mut sessions: Vec<SessionRecord> = rows.iter().map(record_at).collect();
    let has_more = sessions.len() > size;
    sessions.truncate(size);
    Ok((sessions, has_more))
}

pub(super) async fn one(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
) -> Result<Option<SessionRecord>, StoreError> {
    let sql = session_sql(
        "WHERE s.owner = $1 AND s.session_type = $2 AND s.talker_id = $3 AND s.last_seqno > 0
           AND (s.session_type = 1 OR gm.mid IS NOT NULL)",
    );
    let (session_type, talker_id) = key(talker);
    Ok(
        query_opt(c, &sql, &[&owner.as_i64(), &session_type, &talker_id])
            .await?
            .map(|r| record_at(&r)),
    )
}

/// One statement: the conversation is found through the owner's session
/// (a group's whoever asks).
pub(super) async fn history(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    query: HistoryQuery,
) -> Result<(Vec<Message>, bool), StoreError> {
    let direction = if query.oldest_first { "ASC" } else { "DESC" };
    let conversation = match talker {
        Talker::User(_) => {
            "SELECT conversation_id FROM sessions
             WHERE owner = $1 AND session_type = 1 AND talker_id = $2"
        }
        Talker::Group(_) => "SELECT id FROM conversations WHERE kind = 2 AND a = $2 AND b = 0",
    };
    let bound = |s: Seqno| int(s.get());
    let size = usize::try_from(query.size).unwrap_or(usize::MAX);
    let rows = super::super::query(
        c,
        &format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.conversation_id = ({conversation})
               AND m.seqno > $3 AND m.seqno < $4
               AND (m.visible_to = 0 OR m.visible_to = $1) AND m.msg_status <> 2
             ORDER BY m.seqno {direction} LIMIT $5"
        ),
        &[
            &owner.as_i64(),
            &(talker.id() as i64),
            &bound(query.after),
            &bound(query.before),
            &int(query.size).min(i64::MAX - 1).saturating_add(1),
        ],
    )
    .await?;
    let mut messages: Vec<Message> = rows.iter().map(|r| message_at(r, 0)).collect();
    let has_more = messages.len() > size;
    messages.truncate(size);
    Ok((messages, has_more))
}

/// `owner`'s session with `talker`, if there is one (`for_update` locks it).
pub(super) async fn state(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    for_update: bool,
) -> Result<Option<SessionState>, StoreError> {
    let lock = if for_update { "FOR UPDATE" } else { "" };
    let (session_type, talker_id) = key(talker);
    Ok(query_opt(
        c,
        &format!(
            "SELECT {STATE_COLUMNS} FROM sessions s
             WHERE s.owner = $1 AND s.session_type = $2 AND s.talker_id = $3 {lock}"
        ),
        &[&owner.as_i64(), &session_type, &talker_id],
    )
    .await?
    .map(|r| state_at(&r, 0)))
}

/// Writes the settings of a session (its messages are not touched).
async fn write_state(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    s: &SessionState,
) -> Result<(), StoreError> {
    let (session_type, talker_id) = key(talker);
    execute(
        c,
        "UPDATE sessions SET top_ts = $4, is_dnd = $5, push_setting = $6, is_intercept = $7,
            is_trust = $8, removed = $9, ack_seqno = $10, ack_ts = $11, unread_count = $12,
            at_seqno = $13, push_unread = $14, biz_unread = $15
         WHERE owner = $1 AND session_type = $2 AND talker_id = $3",
        &[
            &owner.as_i64(),
            &session_type,
            &talker_id,
            &s.top_ts,
            &s.is_dnd,
            &s.push_setting,
            &s.is_intercept,
            &s.is_trust,
            &s.removed,
            &int(s.ack_seqno.get()),
            &s.ack_ts,
            &int(s.unread_count),
            &int(s.at_seqno.get()),
            &int(s.push_unread),
            &int(s.biz_unread),
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn change(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    decide: Decide<SessionFacts, SessionState>,
) -> Result<(), StoreError> {
    let talker_exists = match talker {
        Talker::User(mid) => {
            // Both users, as a send does: it may create the conversation.
            lock(c, &[Lock::User(owner), Lock::User(mid)]).await?;
            user_exists(c, mid).await?
        }
        Talker::Group(id) => {
            // The owner's sessions, then the group's membership (shared:
            // members change their sessions side by side).
            lock(c, &[Lock::User(owner)]).await?;
            lock_group(c, id, false).await?;
            query_opt(
                c,
                "SELECT 1 FROM group_members gm JOIN fan_groups g ON g.id = gm.group_id
                 WHERE gm.group_id = $1 AND gm.mid = $2 AND NOT g.dissolved",
                &[&id.as_i64(), &owner.as_i64()],
            )
            .await?
            .is_some()
        }
    };
    let existing = state(c, owner, talker, true).await?;
    let facts = SessionFacts {
        talker_exists,
        state: existing.unwrap_or_default(),
    };
    let next = decide(&facts)?;
    match talker {
        Talker::User(mid) => {
            let conversation = open_conversation(c, owner, mid).await?;
            ensure_session(c, owner, mid, conversation).await?;
        }
        // A group session exists from when its owner joined.
        Talker::Group(_) if existing.is_none() => return Ok(()),
        Talker::Group(_) => {}
    }
    write_state(c, owner, talker, &next).await
}

pub(super) async fn change_intercepted(
    c: &impl GenericClient,
    owner: Mid,
    change: Box<dyn Fn(SessionState) -> SessionState + Send>,
) -> Result<(), StoreError> {
    lock(c, &[Lock::User(owner)]).await?;
    let sessions: Vec<(Mid, SessionState)> = query(
        c,
        &format!(
            "SELECT s.talker_id, {STATE_COLUMNS} FROM sessions s
             WHERE s.owner = $1 AND s.session_type = 1 AND s.is_intercept
             FOR UPDATE"
        ),
        &[&owner.as_i64()],
    )
    .await?
    .iter()
    .map(|r| (Mid::from_i64(r.get(0)), state_at(r, 1)))
    .collect();
    for (talker, state) in sessions {
        let next = change(state);
        if next != state {
            write_state(c, owner, Talker::User(talker), &next).await?;
        }
    }
    Ok(())
}

/// Applies `change` to `owner`'s listed sessions with unread messages
/// (their rows locked, after the owner's lock, as `read` locks one);
/// those it changed.
pub(super) async fn change_unread(
    c: &impl GenericClient,
    owner: Mid,
    change: Box<dyn Fn(SessionState) -> SessionState + Send>,
) -> Result<Vec<(Talker, SessionState)>, StoreError> {
    lock(c, &[Lock::User(owner)]).await?;
    let sessions: Vec<(Option<Talker>, SessionState)> = query(
        c,
        &format!(
            "SELECT s.talker_id, s.session_type, {STATE_COLUMNS} FROM sessions s
             LEFT JOIN fan_groups g ON s.session_type = 2 AND g.id = s.talker_id
             LEFT JOIN group_members gm
               ON s.session_type = 2 AND gm.group_id = s.talker_id AND gm.mid = s.owner
             WHERE s.owner = $1 AND s.unread_count > 0 AND NOT s.removed
               AND ({USER} OR {LIVE_GROUP})
             ORDER BY s.session_type, s.talker_id
             FOR UPDATE OF s"
        ),
        &[&owner.as_i64()],
    )
    .await?
    .iter()
    .map(|r| {
        let talker = Talker::parse(r.get::<_, i64>(0) as u64, r.get(1));
        (talker, state_at(r, 2))
    })
    .collect();
    let mut changed = Vec::new();
    for (talker, state) in sessions {
        let Some(talker) = talker else { continue };
        let next = change(state);
        if next != state {
            write_state(c, owner, talker, &next).await?;
            changed.push((talker, next));
        }
    }
    Ok(changed)
}

pub(super) async fn read(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    now_us: i64,
    decide: Decide<ReadFacts, Option<Seqno>>,
) -> Result<Option<Seqno>, StoreError> {
    let (session_type, talker_id) = key(talker);
    // The session's row lock orders this with the sends (and posts) that
    // move it.
    let found = query_opt(
        c,
        "SELECT ack_seqno, last_seqno, at_seqno FROM sessions
         WHERE owner = $1 AND session_type = $2 AND talker_id = $3 FOR UPDATE",
        &[&owner.as_i64(), &session_type, &talker_id],
    )
    .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    let facts = ReadFacts {
        ack: seqno(&row, 0),
        last: seqno(&row, 1),
    };
    let at = seqno(&row, 2);
    let Some(target) = decide(&facts)? else {
        return Ok(None);
    };
    // Unread: the messages after the new position that count for the
    // owner: the talker's (in a group, anyone else's) that the owner sees,
    // not recalled and not recalls (5, or 8: a system recall); of them,
    // the pushes and notifications.
    let from = match talker {
        Talker::User(_) => "m.sender_uid = $2",
        Talker::Group(_) => "m.sender_uid <> $1",
    };
    execute(
        c,
        &format!(
            "UPDATE sessions s SET ack_seqno = $4, ack_ts = $5, at_seqno = $6,
                (unread_count, push_unread, biz_unread) = (
                    SELECT COUNT(*), COUNT(*) FILTER (WHERE m.unread_kind = 1),
                           COUNT(*) FILTER (WHERE m.unread_kind = 2)
                    FROM messages m
                    WHERE m.conversation_id = s.conversation_id AND m.seqno > $4 AND {from}
                      AND m.msg_status = 0 AND m.msg_type NOT IN (5, 8)
                      AND (m.visible_to = 0 OR m.visible_to = $1))
             WHERE s.owner = $1 AND s.session_type = $3 AND s.talker_id = $2"
        ),
        &[
            &owner.as_i64(),
            &talker_id,
            &session_type,
            &int(target.get()),
            &now_us,
            &int(at_after_read(at, target).get()),
        ],
    )
    .await?;
    Ok(Some(target))
}

/// The version of `owner`'s unread sessions (migration 0009).
pub(super) async fn unread_version(
    c: &impl GenericClient,
    owner: Mid,
) -> Result<UnreadVersion, StoreError> {
    let row = query_one(
        c,
        "SELECT (SELECT version FROM unread_versions WHERE owner = $1),
                (SELECT version FROM unread_versions WHERE owner = 0)",
        &[&owner.as_i64()],
    )
    .await?;
    let at = |i: usize| row.get::<_, Option<i64>>(i).unwrap_or(0).max(0) as u64;
    Ok(UnreadVersion {
        own: at(0),
        everyone: at(1),
    })
}

pub(super) async fn unread(
    c: &impl GenericClient,
    owner: Mid,
) -> Result<Vec<UnreadSession>, StoreError> {
    Ok(query(
        c,
        &format!(
            "SELECT s.session_type, s.is_intercept, r.attribute, s.unread_count,
                    sa.system_msg_type, s.push_unread, s.biz_unread
             FROM sessions s {TALKER_JOINS}
             WHERE s.owner = $1 AND s.unread_count > 0 AND (s.session_type = 1 OR {LIVE_GROUP})"
        ),
        &[&owner.as_i64()],
    )
    .await?
    .iter()
    .map(|r| UnreadSession {
        group: r.get::<_, i64>(0) == 2,
        intercepted: r.get(1),
        owner_to_talker: attribute_or_none(r.get(2)),
        unread: non_negative(r, 3),
        system: r.get::<_, Option<i64>>(4).and_then(SystemKind::new),
        push: non_negative(r, 5),
        biz: non_negative(r, 6),
    })
    .collect())
}
