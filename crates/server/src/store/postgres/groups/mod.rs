//! Fan groups in PostgreSQL: `fan_groups`, `group_members`, and the
//! group's conversation (kind 2), laid out as on SQLite. A post
//! (`post.rs`) is one message row and two statements over the members'
//! sessions, whatever the group's size.
//!
//! Locks: every write about an existing group locks its row (after the
//! advisory locks of the users it names, see [`super::Lock`]), so a
//! group's seqnos are gap-free and its membership stable while a decision
//! runs, whichever nodes the writes come through; creating a group takes
//! `Lock::Groups` (the next free id). A send is four round trips: `BEGIN`,
//! the locks and every fact, the plan's writes, `COMMIT` (a one-to-one
//! send puts `BEGIN` and `COMMIT` in its flights, `super::pipeline`).
//!
//! A post moves every member's session without taking every member's lock
//! (a group may have many thousands of members): its session time is
//! later than any of the member's sessions committed before, but a
//! one-to-one message to the same member committing at the same moment
//! may get the same time (where SQLite, one writer, never ties).

mod post;
mod send;

use post::{key_at, post, posted};

use std::collections::HashSet;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::bookkeeping::BUMP_UNREAD;
use super::messages::last;
use super::{execute, lock, query, query_one, query_opt, Lock, Pipeline, Postgres};
use crate::domain::group::{Group, GroupFacts, GroupId, GroupStep};
use crate::domain::message::group_send::{GroupSendDecision, GroupSendFacts};
use crate::domain::message::Message;
use crate::domain::{Mid, Seqno};
use crate::store::groups::{GroupSendContext, GroupStore, NewGroup};
use crate::store::messages::SendOutcome;
use crate::store::{Decide, StoreError};

/// The 7 columns of a group, from `fan_groups g`.
pub(super) const GROUP_COLUMNS: &str =
    "g.id, g.owner, g.name, g.cover, g.group_type, g.frozen, g.dissolved";

/// Reads the 7 group columns starting at `at` (NULLs: no group).
pub(super) fn group_at(row: &Row, at: usize) -> Option<Group> {
    let id: Option<i64> = row.get(at);
    Some(Group {
        id: GroupId::from_i64(id?),
        owner: Mid::from_i64(row.get(at + 1)),
        name: row.get(at + 2),
        cover: row.get(at + 3),
        group_type: row.get(at + 4),
        frozen: row.get(at + 5),
        dissolved: row.get(at + 6),
    })
}

/// The SQL that reads a group and locks its row: `FOR UPDATE` for a write
/// to the group (a post, a change), `FOR SHARE` for one that only needs
/// its membership to hold.
fn lock_group_sql(exclusive: bool) -> String {
    let mode = if exclusive { "UPDATE" } else { "SHARE" };
    format!("SELECT {GROUP_COLUMNS} FROM fan_groups g WHERE g.id = $1 FOR {mode}")
}

/// Locks a group's row until the transaction ends (taken after any
/// advisory lock, see [`super::Lock`]); the group, if there is one.
pub(super) async fn lock_group(
    c: &impl GenericClient,
    id: GroupId,
    exclusive: bool,
) -> Result<Option<Group>, StoreError> {
    Ok(query_opt(c, &lock_group_sql(exclusive), &[&id.as_i64()])
        .await?
        .and_then(|r| group_at(&r, 0)))
}

async fn members(c: &impl GenericClient, id: GroupId) -> Result<Vec<Mid>, StoreError> {
    Ok(query(
        c,
        "SELECT mid FROM group_members WHERE group_id = $1 ORDER BY seq",
        &[&id.as_i64()],
    )
    .await?
    .iter()
    .map(|r| Mid::from_i64(r.get(0)))
    .collect())
}

async fn is_member(c: &impl GenericClient, id: GroupId, mid: Mid) -> Result<bool, StoreError> {
    Ok(query_opt(
        c,
        "SELECT 1 FROM group_members WHERE group_id = $1 AND mid = $2",
        &[&id.as_i64(), &mid.as_i64()],
    )
    .await?
    .is_some())
}

/// The facts of a change: the group's members, and each of `users` with
/// their name, in the order asked.
async fn facts(
    c: &impl GenericClient,
    id: GroupId,
    group: Option<Group>,
    users: &[Mid],
) -> Result<GroupFacts, StoreError> {
    let members = match group {
        Some(_) => members(c, id).await?,
        None => Vec::new(),
    };
    let mids: Vec<i64> = users.iter().map(|m| m.as_i64()).collect();
    let users = query(
        c,
        "SELECT x.mid, u.uname
         FROM unnest($1::BIGINT[]) WITH ORDINALITY AS x(mid, ord)
         LEFT JOIN users u ON u.mid = x.mid
         ORDER BY x.ord",
        &[&mids],
    )
    .await?
    .iter()
    .map(|r| (Mid::from_i64(r.get(0)), r.get(1)))
    .collect();
    Ok(GroupFacts {
        id,
        group,
        members,
        users,
    })
}

/// The conversation of a group and its newest seqno, created if needed
/// (the caller holds the group's row or `Lock::Groups`).
async fn open_group_conversation(
    c: &impl GenericClient,
    id: GroupId,
) -> Result<(i64, Seqno), StoreError> {
    if let Some(row) = query_opt(
        c,
        "SELECT id, max_seqno FROM conversations WHERE kind = 2 AND a = $1 AND b = 0",
        &[&id.as_i64()],
    )
    .await?
    {
        return Ok((row.get(0), Seqno(row.get::<_, i64>(1).max(0) as u64)));
    }
    let row = query_one(
        c,
        "INSERT INTO conversations (kind, a, b) VALUES (2, $1, 0) RETURNING id",
        &[&id.as_i64()],
    )
    .await?;
    Ok((row.get(0), Seqno::ZERO))
}

/// A session time for `$1`'s session that is at least `now` and later than
/// any of their sessions (`owner` names the session's owner column).
fn session_time(owner: &str, now: &str) -> String {
    format!(
        "GREATEST({now}, (SELECT MAX(o.session_ts) + 1 FROM sessions o WHERE o.owner = {owner}))"
    )
}

/// Applies the steps of a change in order, in one round trip; the
/// messages posted. `facts` are the group's before (under its row's lock):
/// whether it was dissolved and who its members were, so that the unread
/// versions move with exactly the rows that change (see
/// [`super::bookkeeping`]).
async fn apply(
    c: &impl GenericClient,
    id: GroupId,
    facts: &GroupFacts,
    steps: &[GroupStep],
    now_us: i64,
) -> Result<Vec<Message>, StoreError> {
    let (conversation, mut seqno) = open_group_conversation(c, id).await?;
    let group = id.as_i64();
    let mut dissolved = facts.group.as_ref().is_some_and(|g| g.dissolved);
    let mut members: HashSet<Mid> = facts.members.iter().copied().collect();
    let mut p = Pipeline::default();
    let mut posts = Vec::new();
    for step in steps {
        match step {
            GroupStep::Set(settings) => {
                // Whether a group is dissolved is in everyone's totals.
                if settings.dissolved != dissolved {
                    dissolved = settings.dissolved;
                    p.push(BUMP_UNREAD, vec![Box::new(0_i64)]);
                }
                p.push(
                    "UPDATE fan_groups SET name = $2, cover = $3, frozen = $4, dissolved = $5
                     WHERE id = $1",
                    vec![
                        Box::new(group),
                        Box::new(settings.name.clone()),
                        Box::new(settings.cover.clone()),
                        Box::new(settings.frozen),
                        Box::new(settings.dissolved),
                    ],
                );
            }
            GroupStep::Join(mid) => {
                p.push(
                    "INSERT INTO group_members (group_id, mid, seq, joined_at)
                     VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM group_members
                                      WHERE group_id = $1), $3)
                     ON CONFLICT DO NOTHING",
                    vec![Box::new(group), Box::new(mid.as_i64()), Box::new(now_us)],
                );
                // A membership is in the member's totals.
                if members.insert(*mid) {
                    p.push(BUMP_UNREAD, vec![Box::new(mid.as_i64())]);
                }
                // A member back with unread messages reads them all.
                last::bump_if_unread(&mut p, mid.as_i64(), 2, group);
                p.push(
                    format!(
                        "INSERT INTO sessions (owner, session_type, talker_id, conversation_id,
                             last_seqno, session_ts, ack_seqno, ack_ts, last_msg)
                         VALUES ($1, 2, $2, $3, $4, {}, $4, $5,
                                 CASE WHEN $4::BIGINT > 0 THEN sixin_last_message($3, $1, $4) END)
                         ON CONFLICT (owner, session_type, talker_id) DO UPDATE SET
                             last_seqno = excluded.last_seqno, session_ts = excluded.session_ts,
                             ack_seqno = excluded.ack_seqno, ack_ts = excluded.ack_ts,
                             unread_count = 0, at_seqno = 0, removed = FALSE,
                             last_msg = excluded.last_msg",
                        session_time("$1", "$5::BIGINT")
                    ),
                    vec![
                        Box::new(mid.as_i64()),
                        Box::new(group),
                        Box::new(conversation),
                        Box::new(seqno.get() as i64),
                        Box::new(now_us),
                    ],
                );
            }
            GroupStep::Leave(mid) => {
                p.push(
                    "DELETE FROM group_members WHERE group_id = $1 AND mid = $2",
                    vec![Box::new(group), Box::new(mid.as_i64())],
                );
                if members.remove(mid) {
                    p.push(BUMP_UNREAD, vec![Box::new(mid.as_i64())]);
                }
                p.push(
                    "UPDATE sessions SET at_seqno = 0
                     WHERE owner = $1 AND session_type = 2 AND talker_id = $2",
                    vec![Box::new(mid.as_i64()), Box::new(group)],
                );
            }
            GroupStep::Post(draft) => {
                seqno = seqno.next();
                let at = post(&mut p, id, conversation, draft, seqno, now_us);
                posts.push((draft, seqno, at));
            }
        }
    }
    if !posts.is_empty() {
        p.push(
            "UPDATE conversations SET max_seqno = $2 WHERE id = $1",
            vec![Box::new(conversation), Box::new(seqno.get() as i64)],
        );
    }
    let rows = p.run(c).await?;
    posts
        .into_iter()
        .map(|(draft, seqno, at)| Ok(posted(id, draft, seqno, key_at(&rows, at)?, now_us)))
        .collect()
}

async fn create(
    c: &impl GenericClient,
    new: &NewGroup,
    now_us: i64,
    decide: Decide<GroupFacts, Vec<GroupStep>>,
) -> Result<(GroupId, Vec<Message>), StoreError> {
    lock(c, &[Lock::Groups, Lock::User(new.owner)]).await?;
    let (id, existing) = match new.id {
        Some(id) => (id, lock_group(c, id, true).await?),
        None => {
            let next: i64 = query_one(c, "SELECT COALESCE(MAX(id), 0) + 1 FROM fan_groups", &[])
                .await?
                .get(0);
            (GroupId::from_i64(next), None)
        }
    };
    let facts = facts(c, id, existing, &[new.owner]).await?;
    let steps = decide(&facts)?;
    execute(
        c,
        "INSERT INTO fan_groups (id, owner, name, cover, group_type, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &id.as_i64(),
            &new.owner.as_i64(),
            &new.name,
            &new.cover,
            &new.group_type,
            &now_us,
        ],
    )
    .await?;
    Ok((id, apply(c, id, &facts, &steps, now_us).await?))
}

async fn change(
    c: &impl GenericClient,
    id: GroupId,
    users: &[Mid],
    now_us: i64,
    decide: Decide<GroupFacts, Vec<GroupStep>>,
) -> Result<Vec<Message>, StoreError> {
    // The users named (whose sessions a join makes), then the group.
    let locks: Vec<Lock> = users.iter().map(|&m| Lock::User(m)).collect();
    lock(c, &locks).await?;
    let group = lock_group(c, id, true).await?;
    let exists = group.is_some();
    let facts = facts(c, id, group, users).await?;
    let steps = decide(&facts)?;
    if !exists {
        return Ok(Vec::new());
    }
    apply(c, id, &facts, &steps, now_us).await
}

#[async_trait]
impl GroupStore for Postgres {
    async fn create_group(
        &self,
        new: NewGroup,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<(GroupId, Vec<Message>), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let created = create(&tx, &new, now_us, decide).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn change_group(
        &self,
        id: GroupId,
        users: Vec<Mid>,
        now_us: i64,
        decide: Decide<GroupFacts, Vec<GroupStep>>,
    ) -> Result<Vec<Message>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let posted = change(&tx, id, &users, now_us, decide).await?;
        tx.commit().await?;
        Ok(posted)
    }

    async fn send_to_group(
        &self,
        context: GroupSendContext,
        decide: Decide<GroupSendFacts, GroupSendDecision>,
    ) -> Result<SendOutcome, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let outcome = send::send(&tx, &context, decide).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn group(&self, id: GroupId) -> Result<Option<(Group, Vec<Mid>)>, StoreError> {
        let mut client = self.client().await?;
        // The group and its members from one snapshot.
        let tx = super::snapshot(&mut client).await?;
        let group = query_opt(
            &tx,
            &format!("SELECT {GROUP_COLUMNS} FROM fan_groups g WHERE g.id = $1"),
            &[&id.as_i64()],
        )
        .await?
        .and_then(|r| group_at(&r, 0));
        let found = match group {
            Some(group) => Some((group, members(&tx, id).await?)),
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    async fn is_group_member(&self, id: GroupId, mid: Mid) -> Result<bool, StoreError> {
        let client = self.client().await?;
        is_member(&client, id, mid).await
    }
}
