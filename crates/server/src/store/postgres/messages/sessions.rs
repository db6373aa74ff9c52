//! Sessions, history and read state in PostgreSQL: with users and with
//! fan groups (a [`Talker`]).

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::super::accounts::{system_at, SYSTEM_COLUMNS};
use super::super::groups::{group_at, GROUP_COLUMNS};
use super::super::relations::attribute_or_none;
use super::super::{int, query, query_one, query_opt};
use super::{message_at, MESSAGE_COLUMNS};
use crate::domain::message::session::{SessionState, Talker};
use crate::domain::message::Message;
use crate::domain::system::SystemKind;
use crate::domain::{Mid, Seqno};
use crate::store::messages::{
    HistoryQuery, SessionFilter, SessionOrder, SessionQuery, SessionRecord, UnreadSession,
    UnreadVersion,
};
use crate::store::StoreError;

pub(super) const STATE_COLUMNS: &str =
    "s.top_ts, s.is_dnd, s.push_setting, s.is_intercept, s.is_trust, \
     s.removed, s.ack_seqno, s.ack_ts, s.last_seqno, s.unread_count, s.at_seqno, \
     s.push_unread, s.biz_unread";

/// `(session_type, talker_id)` of a session with `talker`.
pub(in crate::store::postgres) fn key(talker: Talker) -> (i64, i64) {
    (talker.session_type(), talker.id() as i64)
}

pub(super) fn seqno(row: &Row, at: usize) -> Seqno {
    Seqno(row.get::<_, i64>(at).max(0) as u64)
}

fn non_negative(row: &Row, at: usize) -> u64 {
    row.get::<_, i64>(at).max(0) as u64
}

/// Reads the 13 state columns starting at `at`.
pub(super) fn state_at(row: &Row, at: usize) -> SessionState {
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
pub(super) const LIVE_GROUP: &str =
    "(s.session_type = 2 AND gm.mid IS NOT NULL AND NOT g.dissolved)";
/// A user session that is not intercepted.
pub(super) const USER: &str = "(s.session_type = 1 AND NOT s.is_intercept)";

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
