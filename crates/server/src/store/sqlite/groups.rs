//! Fan groups in SQLite: `fan_groups`, `group_members`, and the group's
//! conversation (kind 2). A post is one message row and two statements
//! over the members' sessions, whatever the group's size.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::keys::KeyGen;
use super::messages::send::{
    ban, earlier, insert, rate, recall_target, remember, session_time, store_rate,
};
use super::Sqlite;
use crate::domain::group::{Group, GroupDraft, GroupFacts, GroupId, GroupStep};
use crate::domain::message::group_send::{GroupSendDecision, GroupSendFacts};
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::groups::{GroupSendContext, GroupStore, NewGroup};
use crate::store::messages::SendOutcome;
use crate::store::{Decide, StoreError};

/// The 7 columns of a group, from `fan_groups g`.
pub(super) const GROUP_COLUMNS: &str =
    "g.id, g.owner, g.name, g.cover, g.group_type, g.frozen, g.dissolved";

/// Reads the 7 group columns starting at `at` (NULLs: no group).
pub(super) fn group_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<Group>> {
    let Some(id) = row.get::<_, Option<i64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(Group {
        id: GroupId::from_i64(id),
        owner: Mid::from_i64(row.get(at + 1)?),
        name: row.get(at + 2)?,
        cover: row.get(at + 3)?,
        group_type: row.get(at + 4)?,
        frozen: row.get::<_, i64>(at + 5)? != 0,
        dissolved: row.get::<_, i64>(at + 6)? != 0,
    }))
}

fn read_group(conn: &Connection, id: GroupId) -> rusqlite::Result<Option<Group>> {
    conn.prepare_cached(&format!(
        "SELECT {GROUP_COLUMNS} FROM fan_groups g WHERE g.id = ?1"
    ))?
    .query_row([id.as_i64()], |r| group_at(r, 0))
    .optional()
    .map(Option::flatten)
}

fn members(conn: &Connection, id: GroupId) -> rusqlite::Result<Vec<Mid>> {
    let mut stmt =
        conn.prepare_cached("SELECT mid FROM group_members WHERE group_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([id.as_i64()], |r| Ok(Mid::from_i64(r.get(0)?)))?;
    rows.collect()
}

fn is_member(conn: &Connection, id: GroupId, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM group_members WHERE group_id = ?1 AND mid = ?2")?
        .exists(params![id.as_i64(), mid.as_i64()])
}

/// Whether `mid` is a member of the group and it is not dissolved.
pub(super) fn is_live_member(conn: &Connection, id: GroupId, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM group_members gm JOIN fan_groups g ON g.id = gm.group_id
         WHERE gm.group_id = ?1 AND gm.mid = ?2 AND g.dissolved = 0",
    )?
    .exists(params![id.as_i64(), mid.as_i64()])
}

/// The conversation of a group, if it exists.
pub(super) fn group_conversation(conn: &Connection, id: GroupId) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM conversations WHERE kind = 2 AND a = ?1 AND b = 0")?
        .query_row([id.as_i64()], |r| r.get(0))
        .optional()
}

/// The conversation of a group and its newest seqno, created if needed.
fn open_group_conversation(conn: &Connection, id: GroupId) -> rusqlite::Result<(i64, Seqno)> {
    let found = conn
        .prepare_cached(
            "SELECT id, max_seqno FROM conversations WHERE kind = 2 AND a = ?1 AND b = 0",
        )?
        .query_row([id.as_i64()], |r| {
            Ok((r.get::<_, i64>(0)?, Seqno(r.get::<_, i64>(1)? as u64)))
        })
        .optional()?;
    if let Some(found) = found {
        return Ok(found);
    }
    conn.prepare_cached("INSERT INTO conversations (kind, a, b) VALUES (2, ?1, 0)")?
        .execute([id.as_i64()])?;
    Ok((conn.last_insert_rowid(), Seqno::ZERO))
}

fn uname(conn: &Connection, mid: Mid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT uname FROM users WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| r.get(0))
        .optional()
}

fn facts(
    conn: &Connection,
    id: GroupId,
    group: Option<Group>,
    users: &[Mid],
) -> rusqlite::Result<GroupFacts> {
    let members = if group.is_some() {
        members(conn, id)?
    } else {
        Vec::new()
    };
    let users = users
        .iter()
        .map(|&mid| Ok((mid, uname(conn, mid)?)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(GroupFacts {
        id,
        group,
        members,
        users,
    })
}

/// Applies the steps of a change in order; the messages posted.
fn apply(
    conn: &Connection,
    keys: &KeyGen,
    id: GroupId,
    steps: &[GroupStep],
    now_us: i64,
) -> rusqlite::Result<Vec<Message>> {
    let (conversation, mut seqno) = open_group_conversation(conn, id)?;
    let mut posted = Vec::new();
    for step in steps {
        match step {
            GroupStep::Set(settings) => {
                conn.prepare_cached(
                    "UPDATE fan_groups SET name = ?2, cover = ?3, frozen = ?4, dissolved = ?5
                     WHERE id = ?1",
                )?
                .execute(params![
                    id.as_i64(),
                    settings.name,
                    settings.cover,
                    i64::from(settings.frozen),
                    i64::from(settings.dissolved)
                ])?;
            }
            GroupStep::Join(mid) => join(conn, id, conversation, *mid, seqno, now_us)?,
            GroupStep::Leave(mid) => {
                conn.prepare_cached("DELETE FROM group_members WHERE group_id = ?1 AND mid = ?2")?
                    .execute(params![id.as_i64(), mid.as_i64()])?;
                conn.prepare_cached(
                    "UPDATE sessions SET at_seqno = 0
                     WHERE owner = ?1 AND session_type = 2 AND talker_id = ?2",
                )?
                .execute(params![mid.as_i64(), id.as_i64()])?;
            }
            GroupStep::Post(draft) => {
                seqno = seqno.next();
                posted.push(post(conn, keys, id, conversation, draft, seqno, now_us)?);
            }
        }
    }
    Ok(posted)
}

fn join(
    conn: &Connection,
    id: GroupId,
    conversation: i64,
    mid: Mid,
    newest: Seqno,
    now_us: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO group_members (group_id, mid, seq, joined_at)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM group_members WHERE group_id = ?1), ?3)",
    )?
    .execute(params![id.as_i64(), mid.as_i64(), now_us])?;
    let ts = session_time(conn, mid, now_us)?;
    conn.prepare_cached(
        "INSERT INTO sessions (owner, session_type, talker_id, conversation_id, last_seqno,
             session_ts, ack_seqno, ack_ts)
         VALUES (?1, 2, ?2, ?3, ?4, ?5, ?4, ?6)
         ON CONFLICT (owner, session_type, talker_id) DO UPDATE SET
             last_seqno = ?4, session_ts = ?5, ack_seqno = ?4, ack_ts = ?6,
             unread_count = 0, at_seqno = 0, removed = 0",
    )?
    .execute(params![
        mid.as_i64(),
        id.as_i64(),
        conversation,
        newest.get() as i64,
        ts,
        now_us
    ])?;
    Ok(())
}

/// Stores a group message and moves every member's session to it.
fn post(
    conn: &Connection,
    keys: &KeyGen,
    id: GroupId,
    conversation: i64,
    draft: &GroupDraft,
    seqno: Seqno,
    now_us: i64,
) -> rusqlite::Result<Message> {
    let message = Message {
        sender_uid: draft.sender,
        receiver_type: 2,
        receiver_id: id.get(),
        msg_type: draft.msg_type,
        content: draft.content.clone(),
        seqno,
        ts_us: now_us,
        at_uids: draft.at_uids.clone(),
        msg_key: keys.next(now_us),
        msg_status: 0,
        notify_code: String::new(),
        new_face_version: draft.new_face_version,
        msg_source: draft.msg_source,
    };
    insert(conn, conversation, &message, None)?;
    // Everyone else: one more unread, and a session time later than any of
    // theirs (as `session_time` gives one user).
    conn.prepare_cached(
        "UPDATE sessions SET last_seqno = ?3, removed = 0,
             unread_count = unread_count + ?4,
             session_ts = MAX(?5, (SELECT MAX(o.session_ts) + 1 FROM sessions o
                                   WHERE o.owner = sessions.owner))
         WHERE session_type = 2 AND talker_id = ?1 AND owner != ?2
           AND owner IN (SELECT mid FROM group_members WHERE group_id = ?1)",
    )?
    .execute(params![
        id.as_i64(),
        draft.sender as i64,
        seqno.get() as i64,
        i64::from(draft.counts_unread),
        now_us
    ])?;
    if let Some(sender) = Mid::new(draft.sender) {
        if is_member(conn, id, sender)? {
            let ts = session_time(conn, sender, now_us)?;
            conn.prepare_cached(
                "UPDATE sessions SET last_seqno = ?3, session_ts = ?4, ack_seqno = ?3, ack_ts = ?5,
                     unread_count = 0, at_seqno = 0, removed = 0
                 WHERE owner = ?1 AND session_type = 2 AND talker_id = ?2",
            )?
            .execute(params![
                sender.as_i64(),
                id.as_i64(),
                seqno.get() as i64,
                ts,
                now_us
            ])?;
        }
    }
    for mentioned in draft.mentioned() {
        conn.prepare_cached(
            "UPDATE sessions SET at_seqno = ?3
             WHERE owner = ?1 AND session_type = 2 AND talker_id = ?2
               AND owner IN (SELECT mid FROM group_members WHERE group_id = ?2)",
        )?
        .execute(params![mentioned.as_i64(), id.as_i64(), seqno.get() as i64])?;
    }
    Ok(message)
}

fn create(
    conn: &Connection,
    keys: &KeyGen,
    new: &NewGroup,
    now_us: i64,
    decide: Decide<GroupFacts, Vec<GroupStep>>,
) -> Result<(GroupId, Vec<Message>), StoreError> {
    let (id, existing) = match new.id {
        Some(id) => (id, read_group(conn, id)?),
        None => {
            let next: i64 = conn
                .prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM fan_groups")?
                .query_row([], |r| r.get(0))?;
            (GroupId::from_i64(next), None)
        }
    };
    let facts = facts(conn, id, existing, &[new.owner])?;
    let steps = decide(&facts)?;
    conn.prepare_cached(
        "INSERT INTO fan_groups (id, owner, name, cover, group_type, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id.as_i64(),
        new.owner.as_i64(),
        new.name,
        new.cover,
        new.group_type,
        now_us
    ])?;
    Ok((id, apply(conn, keys, id, &steps, now_us)?))
}

fn change(
    conn: &Connection,
    keys: &KeyGen,
    id: GroupId,
    users: &[Mid],
    now_us: i64,
    decide: Decide<GroupFacts, Vec<GroupStep>>,
) -> Result<Vec<Message>, StoreError> {
    let group = read_group(conn, id)?;
    let exists = group.is_some();
    let facts = facts(conn, id, group, users)?;
    let steps = decide(&facts)?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(apply(conn, keys, id, &steps, now_us)?)
}

fn send(
    conn: &Connection,
    keys: &KeyGen,
    ctx: &GroupSendContext,
    decide: Decide<GroupSendFacts, GroupSendDecision>,
) -> Result<SendOutcome, StoreError> {
    let group = read_group(conn, ctx.group)?;
    let conversation = group_conversation(conn, ctx.group)?;
    let mut members_mentioned = Vec::new();
    for &mid in &ctx.mentioned {
        if is_member(conn, ctx.group, mid)? && !members_mentioned.contains(&mid) {
            members_mentioned.push(mid);
        }
    }
    let facts = GroupSendFacts {
        earlier: match &ctx.retry {
            Some((fingerprint, since)) => earlier(conn, ctx.sender, fingerprint, *since)?,
            None => None,
        },
        banned_until: ban(conn, ctx.sender, ctx.now_us / 1_000_000)?,
        image_uploaded: match &ctx.image {
            Some(name) => Some(
                conn.prepare_cached("SELECT 1 FROM uploads WHERE name = ?1")?
                    .exists([name])?,
            ),
            None => None,
        },
        is_member: is_member(conn, ctx.group, ctx.sender)?,
        group,
        members_mentioned,
        recall_target: match ctx.recall {
            Some(key) => recall_target(conn, key, (ctx.sender, ctx.sender), conversation)?,
            None => None,
        },
        sender_rate: rate(conn, ctx.sender)?,
    };
    let plan = match decide(&facts)? {
        GroupSendDecision::Retried(sent) => return Ok(SendOutcome::Retried(sent)),
        GroupSendDecision::StopSender { until } => {
            conn.prepare_cached("INSERT OR REPLACE INTO send_bans (mid, until) VALUES (?1, ?2)")?
                .execute(params![ctx.sender.as_i64(), until])?;
            return Ok(SendOutcome::SenderStopped { until });
        }
        GroupSendDecision::Refuse { refusal, rate } => {
            store_rate(conn, ctx.sender, &rate)?;
            return Ok(SendOutcome::Refused(refusal));
        }
        GroupSendDecision::Store(plan) => plan,
    };
    if let Some(target) = plan.recall {
        recall(conn, target)?;
    }
    let messages = apply(
        conn,
        keys,
        ctx.group,
        &[GroupStep::Post(plan.draft.clone())],
        ctx.now_us,
    )?;
    if let (Some(fingerprint), Some(first)) = (plan.remember, messages.first()) {
        remember(
            conn,
            ctx.sender,
            &fingerprint,
            ctx.retry.map(|(_, since)| since),
            ctx.now_us,
            first.msg_key,
        )?;
    }
    if let Some(rate) = &plan.rate {
        store_rate(conn, ctx.sender, rate)?;
    }
    Ok(SendOutcome::Stored {
        messages: messages.into_iter().map(|m| (m, None)).collect(),
        recalled: plan.recall,
    })
}

/// Marks a group message recalled; members who had not read it no longer
/// count it.
fn recall(conn: &Connection, target: MsgKey) -> rusqlite::Result<()> {
    let found: Option<(i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT conversation_id, seqno, sender_uid FROM messages WHERE msg_key = ?1",
        )?
        .query_row([target.get() as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((conversation, seqno, sender)) = found else {
        return Ok(());
    };
    conn.prepare_cached("UPDATE messages SET msg_status = 1 WHERE msg_key = ?1")?
        .execute([target.get() as i64])?;
    conn.prepare_cached(
        "UPDATE sessions SET unread_count = unread_count - 1
         WHERE conversation_id = ?1 AND owner != ?2 AND ack_seqno < ?3 AND unread_count > 0",
    )?
    .execute(params![conversation, sender, seqno])?;
    Ok(())
}

#[async_trait]
impl GroupStore for Sqlite {
    async fn create_group(
        &self,
        new: NewGroup,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<(GroupId, Vec<Message>), StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| create(conn, &keys, &new, now_us, decide))
            .await
    }

    async fn change_group(
        &self,
        id: GroupId,
        users: Vec<Mid>,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<Vec<Message>, StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| change(conn, &keys, id, &users, now_us, decide))
            .await
    }

    async fn send_to_group(
        &self,
        context: GroupSendContext,
        decide: Decide<GroupSendFacts, GroupSendDecision>,
    ) -> Result<SendOutcome, StoreError> {
        let keys = self.msg_keys.clone();
        self.write(move |conn| send(conn, &keys, &context, decide))
            .await
    }

    async fn group(&self, id: GroupId) -> Result<Option<(Group, Vec<Mid>)>, StoreError> {
        self.read(move |conn| {
            Ok(match read_group(conn, id)? {
                Some(group) => Some((group, members(conn, id)?)),
                None => None,
            })
        })
        .await
    }

    async fn is_group_member(&self, id: GroupId, mid: Mid) -> Result<bool, StoreError> {
        self.read(move |conn| Ok(is_member(conn, id, mid)?)).await
    }
}
