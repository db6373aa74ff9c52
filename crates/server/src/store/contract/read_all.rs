//! Pins `MessageStore::change_unread` ("mark all as read"): it reaches the
//! listed sessions with unread messages, users' and live groups', and no
//! other.

use std::sync::Arc;

use super::groups::{create, state, steps, text as group_text};
use super::helpers::{follow, say, unread, us, users, T0};
use crate::domain::group::GroupStep;
use crate::domain::message::session::{SessionChange, Talker};
use crate::store::Store;

pub(crate) async fn reading_all_reads_listed_sessions_with_unread_messages_only(
    store: Arc<dyn Store>,
) {
    let [a, b, c, d] = users(&store, ["alice", "bob", "carol", "dave"]).await;
    follow(&store, a, b).await;
    say(&store, b, a, "one", us(T0 + 1)).await;
    say(&store, b, a, "two", us(T0 + 2)).await;
    say(&store, c, a, "intercepted", us(T0 + 3)).await;
    say(&store, a, d, "nothing unread for alice here", us(T0 + 4)).await;
    store
        .change_session(
            a,
            Talker::User(c),
            Box::new(|f| Ok(SessionChange::Intercept(true).apply(f.state))),
        )
        .await
        .unwrap();
    let group = create(&store, b).await;
    steps(
        &store,
        group,
        us(T0 + 5),
        vec![
            GroupStep::Join(a),
            GroupStep::Post(group_text(b, "大家好", vec![0])),
        ],
    )
    .await;
    let left = create(&store, b).await;
    steps(
        &store,
        left,
        us(T0 + 6),
        vec![
            GroupStep::Join(a),
            GroupStep::Post(group_text(b, "bye", vec![0])),
            GroupStep::Leave(a),
        ],
    )
    .await;
    assert_eq!(state(&store, a, group).await.2, 1, "unread in the group");

    let change = SessionChange::ReadAll(us(T0 + 10));
    let mut read = store
        .change_unread(a, Box::new(move |s| change.apply(s)))
        .await
        .unwrap();
    read.sort_by_key(|(t, _)| (t.session_type(), t.id()));
    let talkers: Vec<Talker> = read.iter().map(|(t, _)| *t).collect();
    assert_eq!(talkers, [Talker::User(b), Talker::Group(group)]);
    assert!(read.iter().all(|(_, s)| s.unread_count == 0));
    assert_eq!(read[0].1.ack_seqno, read[0].1.last_seqno);
    assert_eq!(unread(&store, a, b).await, 0);
    assert_eq!(state(&store, a, group).await.2, 0);
    assert_eq!(
        unread(&store, a, c).await,
        1,
        "the intercepted folder is apart"
    );
    assert_eq!(unread(&store, b, a).await, 0);
    let again = store
        .change_unread(a, Box::new(move |s| change.apply(s)))
        .await
        .unwrap();
    assert!(again.is_empty(), "nothing left to read");
}
