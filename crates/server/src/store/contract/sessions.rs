//! Pins sessions in `MessageStore`: lists (filters, newest first by
//! message or read time, time bounds, `size`, `has_more`, only sessions
//! with a message and not removed), `read` (the facts, moving the
//! position, recounting unread), `change_session`, `change_intercepted`,
//! `session_state` and `unread_sessions`.

use std::sync::{Arc, Mutex};

use sixin_api::relation::Act;

use super::helpers::{
    act, draft, follow, peek, read_all, recall, refusal, say, send, store_drafts, us, users, T0,
};
use crate::domain::message::session::Talker;
use crate::domain::message::session::{SessionChange, SessionState};
use crate::domain::relation::Attribute;
use crate::domain::{Mid, Refusal, Seqno};
use crate::store::messages::{
    ReadFacts, SessionFacts, SessionFilter, SessionOrder, SessionQuery, SessionRecord,
    UnreadSession,
};
use crate::store::Store;

fn query(filter: SessionFilter, order: SessionOrder, size: u64) -> SessionQuery {
    SessionQuery {
        filter,
        order,
        after_ts: None,
        before_ts: None,
        size,
    }
}

async fn listed(store: &Arc<dyn Store>, owner: Mid, query: SessionQuery) -> (Vec<u64>, bool) {
    let (records, more) = store.sessions(owner, query).await.unwrap();
    (records.iter().map(|r| r.talker_id).collect(), more)
}

async fn record(store: &Arc<dyn Store>, owner: Mid, talker: Mid) -> SessionRecord {
    store
        .session(owner, Talker::User(talker))
        .await
        .unwrap()
        .expect("a session")
}

async fn change(store: &Arc<dyn Store>, owner: Mid, talker: Mid, change: SessionChange) {
    store
        .change_session(
            owner,
            Talker::User(talker),
            Box::new(move |f| Ok(change.apply(f.state))),
        )
        .await
        .unwrap();
}

pub(crate) async fn session_lists_are_newest_first_and_page_by_time(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    let mut last = Vec::new();
    for (i, talker) in [b, c, d].into_iter().enumerate() {
        last.push(
            say(&store, talker, a, "hi", us(T0 + i as i64))
                .await
                .remove(0),
        );
    }
    let all = |size| query(SessionFilter::All, SessionOrder::SessionTime, size);
    let (records, more) = store.sessions(a, all(2)).await.unwrap();
    assert_eq!(
        records.iter().map(|r| r.talker_id).collect::<Vec<_>>(),
        vec![d.get(), c.get()]
    );
    assert!(more);
    assert_eq!(records[0].last_msg.as_ref(), Some(&last[2]));
    assert_eq!(records[0], record(&store, a, d).await);
    assert!(records[0].session_ts > records[1].session_ts);

    let c_ts = records[1].session_ts;
    let b_ts = record(&store, a, b).await.session_ts;
    let before_c = SessionQuery {
        before_ts: Some(c_ts),
        ..all(2)
    };
    assert_eq!(listed(&store, a, before_c).await, (vec![b.get()], false));
    let after_b = SessionQuery {
        after_ts: Some(b_ts),
        ..all(10)
    };
    assert_eq!(
        listed(&store, a, after_b).await,
        (vec![d.get(), c.get()], false)
    );
    assert_eq!(
        listed(&store, a, all(3)).await,
        (vec![d.get(), c.get(), b.get()], false)
    );
    let [none] = users(&store, ["none"]).await;
    assert_eq!(listed(&store, none, all(10)).await, (vec![], false));
}

pub(crate) async fn session_lists_filter_by_follow_and_interception(store: Arc<dyn Store>) {
    let [a, b, c, d, e] = users(&store, ["a", "b", "c", "d", "e"]).await;
    follow(&store, a, b).await;
    act(&store, a, c, Act::QuietFollow, T0).await.unwrap();
    for (i, talker) in [b, c, d, e].into_iter().enumerate() {
        say(&store, talker, a, "hi", us(T0 + i as i64)).await;
    }
    change(&store, a, e, SessionChange::Intercept(true)).await;
    let ids = |mids: &[Mid]| mids.iter().map(|m| m.get()).collect::<Vec<_>>();
    let by = |filter| query(filter, SessionOrder::SessionTime, 10);
    assert_eq!(
        listed(&store, a, by(SessionFilter::All)).await.0,
        ids(&[d, c, b])
    );
    assert_eq!(
        listed(&store, a, by(SessionFilter::FollowedOrSystem))
            .await
            .0,
        ids(&[c, b])
    );
    assert_eq!(
        listed(&store, a, by(SessionFilter::Unfollowed)).await.0,
        ids(&[d])
    );
    assert_eq!(
        listed(&store, a, by(SessionFilter::Intercepted)).await.0,
        ids(&[e])
    );
    assert!(listed(&store, a, by(SessionFilter::Groups))
        .await
        .0
        .is_empty());
    assert_eq!(
        record(&store, a, c).await.owner_to_talker,
        Some(Attribute::Quiet)
    );
    assert_eq!(record(&store, a, d).await.owner_to_talker, None);

    // A session without a message is in no list.
    change(
        &store,
        a,
        users(&store, ["f"]).await[0],
        SessionChange::Dnd(true),
    )
    .await;
    assert_eq!(
        listed(&store, a, by(SessionFilter::All)).await.0,
        ids(&[d, c, b])
    );
}

pub(crate) async fn a_removed_session_is_hidden_until_the_next_message(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, a, b).await;
    say(&store, b, a, "one", us(T0)).await;
    say(&store, b, a, "two", us(T0) + 1).await;
    change(&store, a, b, SessionChange::Remove).await;
    let all = query(SessionFilter::All, SessionOrder::SessionTime, 10);
    assert_eq!(listed(&store, a, all).await, (vec![], false));
    let state = store.session_state(a, Talker::User(b)).await.unwrap();
    assert!(state.removed);
    assert_eq!((state.ack_seqno, state.unread_count), (Seqno(2), 0));

    say(&store, b, a, "three", us(T0) + 2).await;
    assert_eq!(listed(&store, a, all).await, (vec![b.get()], false));
    let state = store.session_state(a, Talker::User(b)).await.unwrap();
    assert!(!state.removed);
    assert_eq!(state.unread_count, 1);
}

pub(crate) async fn read_time_orders_sessions_by_their_last_read(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    for (i, talker) in [b, c, d].into_iter().enumerate() {
        say(&store, talker, a, "hi", us(T0 + i as i64)).await;
    }
    read_all(&store, a, d, us(T0 + 10)).await;
    read_all(&store, a, b, us(T0 + 20)).await;
    read_all(&store, a, c, us(T0 + 30)).await;
    assert_eq!(
        store
            .session_state(a, Talker::User(b))
            .await
            .unwrap()
            .ack_ts,
        us(T0 + 20)
    );
    let by_read = query(SessionFilter::All, SessionOrder::AckTime, 10);
    assert_eq!(
        listed(&store, a, by_read).await,
        (vec![c.get(), b.get(), d.get()], false)
    );
    let before_b = SessionQuery {
        before_ts: Some(us(T0 + 20)),
        ..by_read
    };
    assert_eq!(listed(&store, a, before_b).await, (vec![d.get()], false));
    let after_d = SessionQuery {
        after_ts: Some(us(T0 + 10)),
        size: 1,
        ..by_read
    };
    assert_eq!(listed(&store, a, after_d).await, (vec![c.get()], true));
}

pub(crate) async fn reading_moves_the_position_and_recounts_unread(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, a, b).await;
    let mut keys = Vec::new();
    for i in 1..=4 {
        keys.push(say(&store, b, a, "m", us(T0) + i).await.remove(0).msg_key);
    }
    say(&store, a, b, "mine", us(T0) + 5).await;
    send(&store, recall(b, a, keys[3], us(T0) + 6))
        .await
        .unwrap();
    let mut hidden = draft(b, a, "only b sees this");
    hidden.visible_to = Some(b);
    store_drafts(&store, b, a, us(T0) + 7, vec![hidden]).await;

    let facts = peek(|d| store.read(a, Talker::User(b), us(T0) + 8, d)).await;
    assert_eq!(
        facts,
        ReadFacts {
            ack: Seqno(5),
            last: Seqno(6)
        }
    );
    let moved = store
        .read(
            a,
            Talker::User(b),
            us(T0) + 9,
            Box::new(|_| Ok(Some(Seqno(2)))),
        )
        .await
        .unwrap();
    assert_eq!(moved, Some(Seqno(2)));
    let state = store.session_state(a, Talker::User(b)).await.unwrap();
    assert_eq!(
        (state.ack_seqno, state.ack_ts, state.unread_count),
        (Seqno(2), us(T0) + 9, 1),
        "after 2: only 3 counts (4 recalled, 5 mine, 6 a recall, 7 not shown)"
    );
    assert_eq!(read_all(&store, a, b, us(T0) + 10).await, Some(Seqno(6)));
    let state = store.session_state(a, Talker::User(b)).await.unwrap();
    assert_eq!((state.ack_seqno, state.unread_count), (Seqno(6), 0));
}

pub(crate) async fn a_read_that_does_not_move_changes_nothing(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    say(&store, b, a, "one", us(T0)).await;
    read_all(&store, a, b, us(T0) + 1).await;
    say(&store, b, a, "two", us(T0) + 2).await;
    let before = store.session_state(a, Talker::User(b)).await.unwrap();

    let stay = store
        .read(a, Talker::User(b), us(T0) + 3, Box::new(|_| Ok(None)))
        .await
        .unwrap();
    assert_eq!(stay, None);
    let refused = store
        .read(
            a,
            Talker::User(b),
            us(T0) + 4,
            Box::new(|_| Err(Refusal::bad_request("no"))),
        )
        .await;
    assert_eq!(refusal(refused), sixin_api::Code::BadRequest);
    assert_eq!(
        store.session_state(a, Talker::User(b)).await.unwrap(),
        before
    );
    assert_eq!((before.ack_seqno, before.unread_count), (Seqno(1), 1));

    assert_eq!(read_all(&store, a, c, us(T0) + 5).await, None, "no session");
    assert_eq!(
        store.session_state(a, Talker::User(c)).await.unwrap(),
        SessionState::default()
    );
}

pub(crate) async fn change_session_sees_the_state_and_applies_the_decision(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let facts = peek(|d| store.change_session(a, Talker::User(Mid::new(99).unwrap()), d)).await;
    assert_eq!(
        facts,
        SessionFacts {
            talker_exists: false,
            state: SessionState::default()
        }
    );
    follow(&store, a, b).await;
    say(&store, b, a, "hi", us(T0)).await;
    change(&store, a, b, SessionChange::Top(us(T0) + 5)).await;
    change(&store, a, b, SessionChange::Dnd(true)).await;
    change(&store, a, b, SessionChange::Push(1)).await;
    let facts = peek(|d| store.change_session(a, Talker::User(b), d)).await;
    let expected = SessionState {
        top_ts: us(T0) + 5,
        is_dnd: true,
        push_setting: 1,
        last_seqno: Seqno(1),
        unread_count: 1,
        ..SessionState::default()
    };
    assert_eq!(
        facts,
        SessionFacts {
            talker_exists: true,
            state: expected
        }
    );
    assert_eq!(
        store.session_state(a, Talker::User(b)).await.unwrap(),
        expected
    );
    assert!(
        !store
            .session_state(b, Talker::User(a))
            .await
            .unwrap()
            .is_dnd,
        "the other side's session is its own"
    );

    change(&store, a, b, SessionChange::Intercept(true)).await;
    change(&store, a, b, SessionChange::Intercept(false)).await;
    let state = store.session_state(a, Talker::User(b)).await.unwrap();
    assert!(!state.is_intercept && state.is_trust);
    let record = record(&store, a, b).await;
    assert_eq!(record.state, state);
    assert!(record.last_msg.is_some(), "its messages untouched");
}

pub(crate) async fn change_intercepted_touches_only_intercepted_sessions(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    say(&store, b, a, "b", us(T0)).await;
    say(&store, c, a, "c", us(T0) + 1).await;
    say(&store, d, a, "d", us(T0) + 2).await;
    change(&store, a, b, SessionChange::Intercept(true)).await;
    change(&store, a, c, SessionChange::Intercept(true)).await;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let slot = seen.clone();
    let mark_read = SessionChange::ReadAll(us(T0) + 10);
    store
        .change_intercepted(
            a,
            Box::new(move |s| {
                slot.lock().unwrap().push(s);
                mark_read.apply(s)
            }),
        )
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.is_intercept && s.unread_count == 1));
    for talker in [b, c] {
        let state = store.session_state(a, Talker::User(talker)).await.unwrap();
        assert_eq!(
            (state.unread_count, state.ack_seqno, state.ack_ts),
            (0, Seqno(1), us(T0) + 10)
        );
    }
    assert_eq!(
        store
            .session_state(a, Talker::User(d))
            .await
            .unwrap()
            .unread_count,
        1
    );

    store
        .change_intercepted(a, Box::new(|s| SessionChange::Remove.apply(s)))
        .await
        .unwrap();
    let dustbin = query(SessionFilter::Intercepted, SessionOrder::SessionTime, 10);
    assert_eq!(listed(&store, a, dustbin).await, (vec![], false));
    let all = query(SessionFilter::All, SessionOrder::SessionTime, 10);
    assert_eq!(listed(&store, a, all).await, (vec![d.get()], false));
}

pub(crate) async fn unread_sessions_are_those_with_unread_messages(store: Arc<dyn Store>) {
    let [a, b, c, d, e] = users(&store, ["a", "b", "c", "d", "e"]).await;
    follow(&store, a, b).await;
    say(&store, b, a, "1", us(T0)).await;
    say(&store, b, a, "2", us(T0) + 1).await;
    say(&store, c, a, "1", us(T0) + 2).await;
    change(&store, a, c, SessionChange::Intercept(true)).await;
    store_drafts(
        &store,
        d,
        a,
        us(T0) + 3,
        vec![draft(d, a, "1"), draft(d, a, "2"), draft(d, a, "3")],
    )
    .await;
    say(&store, e, a, "read", us(T0) + 4).await;
    read_all(&store, a, e, us(T0) + 5).await;
    say(&store, a, e, "mine", us(T0) + 6).await;

    let mut unread = store.unread_sessions(a).await.unwrap();
    unread.sort_by_key(|s| s.unread);
    assert_eq!(
        unread,
        vec![
            UnreadSession {
                group: false,
                push: 0,
                biz: 0,
                intercepted: true,
                owner_to_talker: None,
                system: None,
                unread: 1
            },
            UnreadSession {
                group: false,
                push: 0,
                biz: 0,
                intercepted: false,
                owner_to_talker: Some(Attribute::Following),
                system: None,
                unread: 2
            },
            UnreadSession {
                group: false,
                push: 0,
                biz: 0,
                intercepted: false,
                owner_to_talker: None,
                system: None,
                unread: 3
            },
        ]
    );
    assert!(
        store.unread_sessions(b).await.unwrap().is_empty(),
        "nothing unread on the sender's side"
    );
}
