//! Changing sessions in PostgreSQL: their settings, the intercepted
//! folder, read positions. Each write moves its owner's unread version
//! when what the unread totals count changes (see `last`).

use deadpool_postgres::GenericClient;

use super::super::accounts::user_exists;
use super::super::groups::lock_group;
use super::super::{execute, int, lock, query, query_opt, Lock};
use super::last::{self, Counted};
use super::sessions::{key, seqno, state, state_at, LIVE_GROUP, STATE_COLUMNS, USER};
use super::{ensure_session, open_conversation};
use crate::domain::message::session::{at_after_read, SessionState, Talker};
use crate::domain::{Mid, Seqno};
use crate::store::messages::{ReadFacts, SessionFacts};
use crate::store::{Decide, StoreError};

/// What the unread totals count of a session's state (see `last`).
fn counted(s: &SessionState) -> Counted {
    Counted {
        unread: int(s.unread_count),
        push: int(s.push_unread),
        biz: int(s.biz_unread),
        intercept: s.is_intercept,
    }
}

/// Writes the settings of a session (its messages are not touched), which
/// were `before`: the owner's unread version moves if the totals see the
/// change.
async fn write_state(
    c: &impl GenericClient,
    owner: Mid,
    talker: Talker,
    before: &SessionState,
    s: &SessionState,
) -> Result<(), StoreError> {
    let (session_type, talker_id) = key(talker);
    let update =
        "UPDATE sessions SET top_ts = $4, is_dnd = $5, push_setting = $6, is_intercept = $7,
            is_trust = $8, removed = $9, ack_seqno = $10, ack_ts = $11, unread_count = $12,
            at_seqno = $13, push_unread = $14, biz_unread = $15
         WHERE owner = $1 AND session_type = $2 AND talker_id = $3
         RETURNING owner";
    let sql = if last::counted_change(counted(before), counted(s)) {
        last::bump_returned(update)
    } else {
        update.to_owned()
    };
    execute(
        c,
        &sql,
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
    write_state(c, owner, talker, &facts.state, &next).await
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
            write_state(c, owner, Talker::User(talker), &state, &next).await?;
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
            write_state(c, owner, talker, &state, &next).await?;
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
        "SELECT ack_seqno, last_seqno, at_seqno, unread_count, push_unread, biz_unread
         FROM sessions
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
    // the pushes and notifications. The owner's unread version moves if
    // the counts change while some are unread (before: `$7`..`$9`).
    let from = match talker {
        Talker::User(_) => "m.sender_uid = $2",
        Talker::Group(_) => "m.sender_uid <> $1",
    };
    let unread: (i64, i64, i64) = (row.get(3), row.get(4), row.get(5));
    execute(
        c,
        &format!(
            "WITH changed AS (
                UPDATE sessions s SET ack_seqno = $4, ack_ts = $5, at_seqno = $6,
                    (unread_count, push_unread, biz_unread) = (
                        SELECT COUNT(*), COUNT(*) FILTER (WHERE m.unread_kind = 1),
                               COUNT(*) FILTER (WHERE m.unread_kind = 2)
                        FROM messages m
                        WHERE m.conversation_id = s.conversation_id AND m.seqno > $4 AND {from}
                          AND m.msg_status = 0 AND m.msg_type NOT IN (5, 8)
                          AND (m.visible_to = 0 OR m.visible_to = $1))
                 WHERE s.owner = $1 AND s.session_type = $3 AND s.talker_id = $2
                 RETURNING s.owner, s.unread_count, s.push_unread, s.biz_unread)
             INSERT INTO unread_versions (owner, version)
             SELECT owner, 1 FROM changed
             WHERE ($7::BIGINT > 0 OR unread_count > 0)
               AND (unread_count, push_unread, biz_unread) IS DISTINCT FROM ($7, $8, $9)
             ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1"
        ),
        &[
            &owner.as_i64(),
            &talker_id,
            &session_type,
            &int(target.get()),
            &now_us,
            &int(at_after_read(at, target).get()),
            &unread.0,
            &unread.1,
            &unread.2,
        ],
    )
    .await?;
    Ok(Some(target))
}
