//! Pins what concurrent callers observe: a decision and the writes it
//! guards are atomic. Concurrent sends keep seqnos gap-free and keys
//! unique, and lose no unread count; of two concurrent first messages to
//! a stranger exactly one is admitted; concurrent follows and new users
//! are all counted, each with a mid of its own.

use std::collections::HashSet;
use std::sync::Arc;

use sixin_api::Code;
use tokio::task::JoinSet;

use super::helpers::{
    follow, history, new_user, refusal, send, seqnos, stored, text, us, user, users, T0,
};
use crate::domain::account::decide_new_user;
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::paging::Page;
use crate::domain::Mid;
use crate::store::relations::ListKind;
use crate::store::Store;

pub(crate) async fn concurrent_sends_keep_seqnos_gap_free_and_keys_unique(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    follow(&store, b, a).await;
    follow(&store, c, a).await;
    let mut sends = JoinSet::new();
    let plan = (0..30)
        .map(|_| (a, b))
        .chain((0..10).map(|_| (b, a)))
        .chain((0..10).map(|_| (a, c)));
    for (i, (from, to)) in plan.enumerate() {
        let store = store.clone();
        sends.spawn(async move {
            let outcome = send(&store, text(from, to, &format!("m{i}"), us(T0) + i as i64)).await;
            stored(outcome.expect("admitted"))
        });
    }
    let mut all: Vec<Message> = Vec::new();
    while let Some(done) = sends.join_next().await {
        let messages = done.expect("the task finished");
        assert_eq!(messages.len(), 1);
        all.extend(messages.into_iter().map(|(m, _)| m));
    }
    assert_eq!(all.len(), 50);
    let keys: HashSet<u64> = all.iter().map(|m| m.msg_key.get()).collect();
    assert_eq!(keys.len(), 50, "every key is new");

    let with = |x: Mid, y: Mid| {
        let mut found: Vec<u64> = all
            .iter()
            .filter(|m| {
                let pair = (m.sender_uid, m.receiver_id);
                pair == (x.get(), y.get()) || pair == (y.get(), x.get())
            })
            .map(|m| m.seqno.get())
            .collect();
        found.sort();
        found
    };
    assert_eq!(with(a, b), (1..=40).collect::<Vec<u64>>());
    assert_eq!(with(a, c), (1..=10).collect::<Vec<u64>>());
    assert_eq!(
        seqnos(&history(&store, b, a).await),
        (1..=40).rev().collect::<Vec<u64>>()
    );
    let state = store.session_state(c, Talker::User(a)).await.unwrap();
    assert_eq!(
        (state.last_seqno.get(), state.unread_count),
        (10, 10),
        "no unread message lost"
    );
}

pub(crate) async fn of_two_concurrent_first_messages_to_a_stranger_one_is_admitted(
    store: Arc<dyn Store>,
) {
    for round in 0..5 {
        let a = user(&store, &format!("a{round}")).await;
        let b = user(&store, &format!("b{round}")).await;
        let (one, two) = tokio::join!(
            send(&store, text(a, b, "first", us(T0))),
            send(&store, text(a, b, "second", us(T0) + 1)),
        );
        let (admitted, refused) = match (one, two) {
            (Ok(outcome), other) | (other, Ok(outcome)) => (outcome, other),
            (one, two) => panic!("neither was admitted: {one:?} {two:?}"),
        };
        assert_eq!(stored(admitted).len(), 2, "the message and its tip");
        assert_eq!(refusal(refused), Code::StrangerLimit);
        assert_eq!(history(&store, b, a).await.len(), 1);
        assert_eq!(
            store
                .session_state(b, Talker::User(a))
                .await
                .unwrap()
                .unread_count,
            1
        );
    }
}

pub(crate) async fn concurrent_follows_are_all_counted(store: Arc<dyn Store>) {
    let a = user(&store, "a").await;
    let mut fans = Vec::new();
    for i in 0..20 {
        fans.push(user(&store, &format!("fan{i}")).await);
    }
    let mut follows = JoinSet::new();
    for (i, &fan) in fans.iter().enumerate() {
        let fan_side = store.clone();
        follows.spawn(async move { follow(&fan_side, fan, a).await });
        if i % 2 == 0 {
            let a_side = store.clone();
            follows.spawn(async move { follow(&a_side, a, fan).await });
        }
    }
    while let Some(done) = follows.join_next().await {
        done.expect("the task finished");
    }
    let counts = store.relation_counts(a).await.unwrap();
    assert_eq!((counts.follower, counts.following), (20, 10));
    let followers = store
        .list(a, ListKind::Followers, Page::all())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(followers.total, 20);
    let listed: HashSet<Mid> = followers.entries.iter().map(|e| e.profile.mid).collect();
    assert_eq!(listed, fans.iter().copied().collect());
    let friends = store
        .list(a, ListKind::Friends, Page::all())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(friends.total, 10);
}

pub(crate) async fn concurrent_new_users_each_get_a_mid_of_their_own(store: Arc<dyn Store>) {
    let mut creations = JoinSet::new();
    for i in 0..16 {
        let store = store.clone();
        creations.spawn(async move {
            store
                .create_user(new_user(&format!("user{i}")), Box::new(decide_new_user))
                .await
                .expect("created")
        });
    }
    let mut mids = Vec::new();
    while let Some(done) = creations.join_next().await {
        mids.push(done.expect("the task finished").get());
    }
    mids.sort();
    assert_eq!(mids, (1..=16).collect::<Vec<u64>>());
}

pub(crate) async fn write_probes_succeed_until_close(store: Arc<dyn Store>) {
    let mut probes = JoinSet::new();
    for _ in 0..5 {
        let store = store.clone();
        probes.spawn(async move { store.probe_write().await });
    }
    for probe in probes.join_all().await {
        probe.expect("a probe on a writable store succeeds");
    }
    store.close();
    assert!(matches!(
        store.probe_write().await,
        Err(crate::store::StoreError::Closed)
    ));
}

pub(crate) async fn readiness_names_the_write_path_and_its_state(store: Arc<dyn Store>) {
    use crate::store::health::{Database, WritePath};
    let within = std::time::Duration::from_secs(5);
    let found = store.readiness(within).await;
    assert!(found.is_ready(), "{found:?}");
    assert!(
        matches!(
            found.path,
            WritePath::Writer("alive") | WritePath::Pool("answering")
        ),
        "{found:?}"
    );
    store.close();
    let found = store.readiness(within).await;
    assert!(!found.is_ready());
    assert_eq!(found.database, Database::Unknown);
    assert!(
        matches!(
            found.path,
            WritePath::Writer("stopped") | WritePath::Pool("closed")
        ),
        "{found:?}"
    );
}
