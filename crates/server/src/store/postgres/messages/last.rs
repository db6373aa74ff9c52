//! The bookkeeping of `sessions` that PostgreSQL's triggers did until
//! migration 0013: a session's last message (`last_msg`, migration 0007)
//! and its owner's unread version (`unread_versions`, migration 0009),
//! now written by the statements of each writer, in its transaction (Citus
//! runs no trigger that writes another distributed table, and the triggers
//! were most of a send's work in PostgreSQL).
//!
//! `last_msg` is the message a session shows: the newest of its
//! conversation up to `last_seqno` that the owner sees and the system did
//! not withdraw, with a delivery's shared content in place (the columns
//! `sessions.rs` reads), or NULL. Who writes it:
//!
//! - a session moving to a message it has just stored (a send, its tip, a
//!   group post, a delivery, a system recall): [`SHOWN`], from the
//!   writer's own parameters, with the key the insert just took; no read
//!   of `messages`;
//! - a session made with nothing in it (`last_seqno` 0): NULL, the
//!   column's default;
//! - a member joining a group, a shown message hidden or changed (a
//!   withdrawal, a group recall's target) and migrate-data's copy: the
//!   stored function `sixin_last_message` (migration 0011's plan), called
//!   by their statements ([`LAST_MESSAGE`], [`message_changed`]).
//!
//! A user's recall needs no refresh: the recall itself becomes the last
//! message of every session that could show its target.
//!
//! The unread version of an owner moves when a statement changes what
//! `single_unread` counts for them: `unread_count`, `push_unread`,
//! `biz_unread`, `is_intercept` of a session with unread messages before
//! or after ([`counted_change`]). A writer that knows the before and after
//! (the send's facts, a settings change) bumps the owners it changed with
//! [`bump`]; one whose new values come from SQL bumps the owners its
//! statement returns ([`BUMP_RETURNED`]).

use super::super::{Param, Pipeline};
use crate::domain::message::Message;

/// The SQL of a session's `last_msg` showing the message the pipeline
/// inserted last, given its JSON without the key ([`shown`], as the
/// parameter `$n`): the key is the one `sixin_msg_key` took for that
/// insert, `currval` of its sequence in this session, so a statement
/// moving a session must come after its message's insert and before the
/// next one.
pub(in crate::store::postgres) fn shown_sql(n: usize) -> String {
    format!("${n}::TEXT::JSONB || jsonb_build_object('msg_key', currval('msg_keys'))")
}

/// `SHOWN` with its parameter at `$5`, the slot the session moves use.
pub(in crate::store::postgres) const SHOWN: &str =
    "$5::TEXT::JSONB || jsonb_build_object('msg_key', currval('msg_keys'))";

/// The JSON of `last_msg` for `message`, all but its key (see
/// [`shown_sql`]): the object `sixin_last_message` builds.
pub(in crate::store::postgres) fn shown(message: &Message) -> String {
    serde_json::json!({
        "sender_uid": message.sender_uid,
        "receiver_type": message.receiver_type,
        "receiver_id": message.receiver_id,
        "msg_type": message.msg_type,
        "content": message.content,
        "seqno": message.seqno.get(),
        "ts_us": message.ts_us,
        "at_uids": message
            .at_uids
            .as_ref()
            .map(|uids| serde_json::Value::from(uids.clone()).to_string()),
        "msg_status": message.msg_status,
        "notify_code": message.notify_code,
        "new_face_version": message.new_face_version,
        "msg_source": message.msg_source,
    })
    .to_string()
}

/// The message a session row `s` shows, read from `messages` (the rare
/// paths only; see the module's header).
pub(in crate::store::postgres) const LAST_MESSAGE: &str =
    "CASE WHEN s.last_seqno > 0 THEN sixin_last_message(s.conversation_id, s.owner, s.last_seqno) END";

/// After the message `key` of `conversation` was hidden or changed (a
/// withdrawal, a group recall's target): the sessions that reach it and
/// show it or an older one read their last message again (what the
/// trigger of migration 0007 did; `sessions_by_conversation` finds them
/// without reading the sessions behind it).
pub(in crate::store::postgres) fn message_changed(p: &mut Pipeline, conversation: i64, key: i64) {
    p.push(
        format!(
            "UPDATE sessions s SET last_msg = {LAST_MESSAGE}
             FROM messages m
             WHERE m.conversation_id = $1 AND m.msg_key = $2
               AND s.conversation_id = $1 AND s.last_seqno >= m.seqno
               AND COALESCE((s.last_msg->>'seqno')::BIGINT, 0) <= m.seqno"
        ),
        vec![Box::new(conversation), Box::new(key)],
    );
}

/// The upsert that moves one owner's unread version.
const BUMP_ONE: &str = "INSERT INTO unread_versions (owner, version)";
const BUMP_CONFLICT: &str =
    "ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1";

/// Moves the unread versions of `owners` (each once, in ascending order,
/// so two writers bumping the same owners wait on each other in one
/// order); nothing when there are none.
pub(in crate::store::postgres) fn bump(p: &mut Pipeline, owners: &[i64]) {
    let mut owners = owners.to_vec();
    owners.sort_unstable();
    owners.dedup();
    if owners.is_empty() {
        return;
    }
    let owners: Param = Box::new(owners);
    p.push(
        format!("{BUMP_ONE} SELECT unnest($1::BIGINT[]), 1 {BUMP_CONFLICT}"),
        vec![owners],
    );
}

/// Moves `owner`'s unread version if their session with `talker` (of
/// `session_type`) has unread messages: before a statement that reads
/// them all.
pub(in crate::store::postgres) fn bump_if_unread(
    p: &mut Pipeline,
    owner: i64,
    session_type: i64,
    talker: i64,
) {
    p.push(
        format!(
            "{BUMP_ONE} SELECT owner, 1 FROM sessions
             WHERE owner = $1 AND session_type = $2 AND talker_id = $3 AND unread_count > 0
             {BUMP_CONFLICT}"
        ),
        vec![Box::new(owner), Box::new(session_type), Box::new(talker)],
    );
}

/// Wraps an `UPDATE sessions ... RETURNING owner` (each owner at most
/// once) so that the owners it returns get their unread versions moved,
/// in the same statement.
pub(in crate::store::postgres) fn bump_returned(update: &str) -> String {
    format!(
        "WITH changed AS ({update})
         {BUMP_ONE} SELECT owner, 1 FROM changed ORDER BY owner {BUMP_CONFLICT}"
    )
}

/// What migrate-data's copy of a table adds to the rows it inserts: more
/// columns, their values from the row's copied columns, and a statement
/// around the insert.
pub(in crate::store::postgres) struct Kept {
    pub columns: &'static str,
    pub values: &'static str,
    pub around: fn(&str) -> String,
}

/// The copy of `sessions`: each row's last message, and the versions of
/// the owners of copied sessions with unread messages moved.
pub(in crate::store::postgres) const COPIED_SESSIONS: Kept = Kept {
    columns: ", last_msg",
    values:
        ", CASE WHEN last_seqno > 0 THEN sixin_last_message(conversation_id, owner, last_seqno) END",
    around: copied_sessions,
};

fn copied_sessions(insert: &str) -> String {
    format!(
        "WITH copied AS ({insert} RETURNING owner, unread_count)
         {BUMP_ONE} SELECT DISTINCT owner, 1 FROM copied WHERE unread_count > 0 {BUMP_CONFLICT}"
    )
}

/// After migrate-data emptied its tables (`TRUNCATE`, which no statement
/// bumping owners sees): every version moves on, and everyone's.
pub(in crate::store::postgres) const EMPTIED: &str =
    "UPDATE unread_versions SET version = version + 1;
     INSERT INTO unread_versions (owner, version) VALUES (0, 1)
     ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1;";

/// What `single_unread` counts of one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::store::postgres) struct Counted {
    pub unread: i64,
    pub push: i64,
    pub biz: i64,
    pub intercept: bool,
}

/// Whether a session changed from `before` to `after` in a way its
/// owner's unread totals see: it has unread messages on either side and
/// something counted differs (the condition of migration 0009's trigger).
pub(in crate::store::postgres) fn counted_change(before: Counted, after: Counted) -> bool {
    (before.unread > 0 || after.unread > 0) && before != after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MsgKey, Seqno};

    #[test]
    fn only_changes_with_unread_messages_count() {
        let none = Counted::default();
        let one = Counted { unread: 1, ..none };
        assert!(counted_change(none, one));
        assert!(counted_change(one, none));
        assert!(!counted_change(one, one));
        let intercepted = Counted {
            intercept: true,
            ..none
        };
        assert!(!counted_change(none, intercepted), "nothing unread");
        assert!(counted_change(
            one,
            Counted {
                intercept: true,
                ..one
            }
        ));
    }

    #[test]
    fn shown_is_the_object_of_the_stored_function_but_its_key() {
        let message = Message {
            sender_uid: 1,
            receiver_type: 1,
            receiver_id: 2,
            msg_type: 1,
            content: r#"{"content":"hi"}"#.into(),
            seqno: Seqno(3),
            ts_us: 4,
            at_uids: Some(vec![0]),
            msg_key: MsgKey(5),
            msg_status: 0,
            notify_code: String::new(),
            new_face_version: None,
            msg_source: 1,
        };
        let json: serde_json::Value = serde_json::from_str(&shown(&message)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "sender_uid": 1, "receiver_type": 1, "receiver_id": 2, "msg_type": 1,
                "content": "{\"content\":\"hi\"}", "seqno": 3, "ts_us": 4, "at_uids": "[0]",
                "msg_status": 0, "notify_code": "", "new_face_version": null, "msg_source": 1,
            })
        );
    }
}
