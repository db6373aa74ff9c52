//! A post's statements over the group's conversation and its members'
//! sessions, and the message it stored (used by group sends and by the
//! steps of `mod.rs`).

use tokio_postgres::Row;

use super::super::messages::last::{self, SHOWN};
use super::super::Pipeline;
use super::session_time;
use crate::domain::group::{GroupDraft, GroupId};
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::StoreError;

/// Adds the statements of a post to `p`: the message (whose row holds its
/// key, at the returned index), every other member's session (one more
/// unread when the draft counts), the sender's (read up to it) and the
/// mentions. The conversation's `max_seqno` is the caller's to move.
pub(super) fn post(
    p: &mut Pipeline,
    id: GroupId,
    conversation: i64,
    draft: &GroupDraft,
    seqno: Seqno,
    now_us: i64,
) -> usize {
    let (group, seqno_i64, sender) = (id.as_i64(), seqno.get() as i64, draft.sender as i64);
    let at_uids = draft
        .at_uids
        .as_ref()
        .map(|uids| serde_json::Value::from(uids.clone()).to_string());
    let at = p.push(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, ts_us, new_face_version, msg_source, at_uids, visible_to)
         VALUES ($1, $2, sixin_msg_key($3), $4, 2, $5, $6, $7, $3, $8, $9, $10, 0)
         RETURNING msg_key",
        vec![
            Box::new(conversation),
            Box::new(seqno_i64),
            Box::new(now_us),
            Box::new(sender),
            Box::new(group),
            Box::new(draft.msg_type),
            Box::new(draft.content.clone()),
            Box::new(draft.new_face_version),
            Box::new(draft.msg_source),
            Box::new(at_uids),
        ],
    );
    // Every member's session shows the post (`last`), from the message
    // this pipeline just inserted; those that count it unread move their
    // owners' unread versions.
    let shown = last::shown(&posted(id, draft, seqno, 0, now_us));
    let members = format!(
        "UPDATE sessions s SET last_seqno = $3, removed = FALSE,
            unread_count = s.unread_count + $4, session_ts = {}, last_msg = {}
         FROM group_members gm
         WHERE gm.group_id = $1 AND s.owner = gm.mid AND s.session_type = 2
           AND s.talker_id = $1 AND s.owner <> $2",
        session_time("s.owner", "$5::BIGINT"),
        last::shown_sql(6),
    );
    p.push(
        if draft.counts_unread {
            last::bump_returned(&format!("{members} RETURNING s.owner"))
        } else {
            members
        },
        vec![
            Box::new(group),
            Box::new(sender),
            Box::new(seqno_i64),
            Box::new(i64::from(draft.counts_unread)),
            Box::new(now_us),
            Box::new(shown.clone()),
        ],
    );
    if Mid::new(draft.sender).is_some() {
        // The sender reads up to their post: unread messages they had
        // stop counting.
        last::bump_if_unread(p, sender, 2, group);
        p.push(
            format!(
                "UPDATE sessions SET last_seqno = $3, session_ts = {}, ack_seqno = $3,
                    ack_ts = $4, unread_count = 0, at_seqno = 0, removed = FALSE, last_msg = {SHOWN}
                 WHERE owner = $1 AND session_type = 2 AND talker_id = $2
                   AND EXISTS (SELECT 1 FROM group_members WHERE group_id = $2 AND mid = $1)",
                session_time("$1", "$4::BIGINT")
            ),
            vec![
                Box::new(sender),
                Box::new(group),
                Box::new(seqno_i64),
                Box::new(now_us),
                Box::new(shown),
            ],
        );
    }
    let mentioned: Vec<i64> = draft.mentioned().map(Mid::as_i64).collect();
    if !mentioned.is_empty() {
        p.push(
            "UPDATE sessions SET at_seqno = $3
             WHERE owner = ANY($1::BIGINT[]) AND session_type = 2 AND talker_id = $2
               AND owner IN (SELECT mid FROM group_members WHERE group_id = $2)",
            vec![Box::new(mentioned), Box::new(group), Box::new(seqno_i64)],
        );
    }
    at
}

/// The message a post stored.
pub(super) fn posted(
    id: GroupId,
    draft: &GroupDraft,
    seqno: Seqno,
    key: i64,
    now_us: i64,
) -> Message {
    Message {
        sender_uid: draft.sender,
        receiver_type: 2,
        receiver_id: id.get(),
        msg_type: draft.msg_type,
        content: draft.content.clone(),
        seqno,
        ts_us: now_us,
        at_uids: draft.at_uids.clone(),
        msg_key: MsgKey(key as u64),
        msg_status: 0,
        notify_code: String::new(),
        new_face_version: draft.new_face_version,
        msg_source: draft.msg_source,
    }
}

/// The key a post's insert returned.
pub(super) fn key_at(rows: &[Vec<Row>], at: usize) -> Result<i64, StoreError> {
    Ok(rows[at]
        .first()
        .ok_or_else(|| StoreError::backend("an inserted message returned no key"))?
        .get(0))
}
