//! Pins the last message a session shows, in a session list and alone:
//! the newest of the history its owner sees, after sends, a tip shown to
//! one side, recalls and withdrawals, with a user or a fan group. (PostgreSQL keeps it in the session's
//! row, so that a session list is one shard; a change it forgot to follow
//! would show here.)

use std::sync::Arc;

use sixin_api::message::msg_type;

use super::groups::{create, group_history, steps, text as group_text};
use super::helpers::{follow, history, recall, say, send, stored, us, users, T0};
use crate::domain::group::{GroupId, GroupStep};
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::Mid;
use crate::store::messages::{SessionFilter, SessionOrder, SessionQuery};
use crate::store::Store;

/// What `owner`'s session with `talker` shows, checked three ways: alone,
/// in the session list, and as the newest of the history.
async fn shown(store: &Arc<dyn Store>, owner: Mid, talker: Mid) -> Option<Message> {
    let one = store
        .session(owner, Talker::User(talker))
        .await
        .unwrap()
        .expect("a session")
        .last_msg;
    let query = SessionQuery {
        filter: SessionFilter::All,
        order: SessionOrder::SessionTime,
        after_ts: None,
        before_ts: None,
        size: 100,
    };
    let (listed, _) = store.sessions(owner, query).await.unwrap();
    let listed = listed
        .into_iter()
        .find(|r| r.session_type == 1 && r.talker_id == talker.get())
        .expect("listed")
        .last_msg;
    assert_eq!(one, listed, "{owner:?} with {talker:?}: alone and listed");
    let newest = history(store, owner, talker).await.into_iter().next();
    assert_eq!(one, newest, "{owner:?} with {talker:?}: the newest it sees");
    one
}

fn body(message: Option<Message>) -> String {
    message.map(|m| m.content).unwrap_or_default()
}

pub(crate) async fn a_sessions_last_message_follows_recalls_and_withdrawals(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    // A first message to a stranger comes with a tip shown to its sender
    // only: each side shows its own newest.
    let first = say(&store, a, b, "one", us(T0 + 1)).await;
    assert!(first.len() > 1, "a tip for the sender");
    let (for_a, for_b) = (shown(&store, a, b).await, shown(&store, b, a).await);
    assert_ne!(for_a, for_b);
    assert!(body(for_b).contains("one"));
    follow(&store, b, a).await;
    follow(&store, a, b).await;

    let two = say(&store, a, b, "two", us(T0 + 2)).await;
    assert!(body(shown(&store, b, a).await).contains("two"));
    // A recall: the recalled message is marked, the recall is the newest.
    let outcome = send(&store, recall(a, b, two[0].msg_key, us(T0 + 3)))
        .await
        .unwrap();
    let recall_key = stored(outcome)[0].0.msg_key;
    let after_recall = shown(&store, b, a).await.expect("a message");
    assert_eq!(after_recall.msg_key, recall_key);
    assert_eq!(
        shown(&store, a, b).await.map(|m| m.msg_key),
        Some(recall_key)
    );

    // Withdrawing the newest leaves a system recall naming it (type 8,
    // `MessageStore::withdraw`), the newest on both sides.
    store
        .withdraw(recall_key, us(T0 + 4))
        .await
        .unwrap()
        .expect("withdrawn");
    let cancel = shown(&store, b, a).await.expect("a message");
    assert_eq!(
        (cancel.msg_type, cancel.content.clone()),
        (msg_type::SYSTEM_RECALL, recall_key.get().to_string())
    );
    assert_eq!(shown(&store, a, b).await.as_ref(), Some(&cancel));
    // An older message withdrawn: its system recall is the newest.
    store.withdraw(first[0].msg_key, us(T0 + 5)).await.unwrap();
    let older = shown(&store, b, a).await.expect("a message");
    assert_eq!(older.content, first[0].msg_key.get().to_string());
    assert!(older.seqno > cancel.seqno);
    assert_eq!(shown(&store, a, b).await.as_ref(), Some(&older));
    // The tip only its sender saw: so does the system recall naming it.
    store.withdraw(first[1].msg_key, us(T0 + 6)).await.unwrap();
    let tip = shown(&store, a, b).await.expect("a message");
    assert_eq!(tip.content, first[1].msg_key.get().to_string());
    assert_eq!(shown(&store, b, a).await.as_ref(), Some(&older));
    // A system recall withdrawn changes nothing shown.
    store.withdraw(older.msg_key, us(T0 + 7)).await.unwrap();
    assert_eq!(shown(&store, b, a).await.as_ref(), Some(&older));
    assert_eq!(shown(&store, a, b).await, Some(tip));
    // The next message is shown again.
    say(&store, b, a, "three", us(T0 + 8)).await;
    assert!(body(shown(&store, a, b).await).contains("three"));
    assert!(body(shown(&store, b, a).await).contains("three"));
}

/// What `owner`'s session with group `id` shows, alone and as the newest
/// of the group's history.
async fn shown_in_group(store: &Arc<dyn Store>, owner: Mid, id: GroupId) -> Option<Message> {
    let one = store
        .session(owner, Talker::Group(id))
        .await
        .unwrap()
        .expect("a group session")
        .last_msg;
    let newest = group_history(store, owner, id).await.into_iter().next();
    assert_eq!(one, newest, "{owner:?} in {id:?}: the newest it sees");
    one
}

pub(crate) async fn a_group_sessions_last_message_follows_posts_and_withdrawals(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let id = create(&store, a).await;
    steps(
        &store,
        id,
        us(T0 + 1),
        vec![GroupStep::Join(b), GroupStep::Join(c)],
    )
    .await;
    let before = shown_in_group(&store, c, id).await.expect("a notice");
    let posted = steps(
        &store,
        id,
        us(T0 + 2),
        vec![GroupStep::Post(group_text(b, "hello", vec![0]))],
    )
    .await;
    for member in [a, b, c] {
        let shown = shown_in_group(&store, member, id).await;
        assert_eq!(shown.map(|m| m.msg_key), Some(posted[0].msg_key));
    }
    // Withdrawn: every member's session shows what it showed before (no
    // system recall in a fan group).
    let withdrawn = store
        .withdraw(posted[0].msg_key, us(T0 + 3))
        .await
        .unwrap()
        .expect("withdrawn");
    assert_eq!(withdrawn.recall, None, "no system recall in a fan group");
    for member in [a, b, c] {
        let shown = shown_in_group(&store, member, id).await;
        assert_eq!(shown.map(|m| m.seqno), Some(before.seqno));
    }
}
