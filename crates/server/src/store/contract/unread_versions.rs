//! Pins `MessageStore::unread_if_changed` (plists): the version of a
//! user's unread sessions moves with every write that changes them, so
//! that totals kept at a version are always the database's. After each
//! kind of write the case checks that an unchanged version means
//! unchanged sessions, and that a changed one comes with the sessions
//! read at it.

use std::sync::Arc;

use sixin_api::relation::Act;

use super::custom::{agent_account, set_system};
use super::groups::{create, steps, text as group_text};
use super::helpers::{act, read_all, recall, say, send, stored, us, users, T0};
use super::pushes::{deliver, push};
use crate::domain::account::decide_profile_update;
use crate::domain::group::{GroupSettings, GroupStep};
use crate::domain::message::push::UnreadKind;
use crate::domain::message::session::{SessionChange, Talker};
use crate::domain::Mid;
use crate::store::messages::{UnreadSession, UnreadVersion};
use crate::store::Store;

/// The version and sessions last seen, and how many writes moved it.
#[derive(Default)]
struct Seen {
    known: Option<(UnreadVersion, Vec<UnreadSession>)>,
}

fn sorted(mut sessions: Vec<UnreadSession>) -> Vec<UnreadSession> {
    sessions.sort_by_key(|s| {
        (
            s.group,
            s.intercepted,
            s.unread,
            s.push,
            s.biz,
            s.owner_to_talker.map(|a| a.code()),
            s.system.map(|k| k.code()),
        )
    });
    sessions
}

impl Seen {
    /// Reads `owner`'s unread sessions through the version; whether they
    /// changed since the last look (asserting that an unchanged version
    /// means unchanged sessions).
    async fn moved(&mut self, store: &Arc<dyn Store>, owner: Mid, step: &str) -> bool {
        let known = self.known.as_ref().map(|(v, _)| *v);
        let read = store.unread_if_changed(owner, known).await.unwrap();
        let now = sorted(store.unread_sessions(owner).await.unwrap());
        match read.sessions {
            None => {
                let (version, before) = self.known.as_ref().expect("a version known");
                assert_eq!(
                    read.version, *version,
                    "{step}: the version read is the one known"
                );
                assert_eq!(&now, before, "{step}: unchanged version, changed sessions");
                false
            }
            Some(sessions) => {
                assert_eq!(sorted(sessions), now, "{step}: the sessions of the version");
                assert_ne!(Some(read.version), known, "{step}");
                self.known = Some((read.version, now));
                true
            }
        }
    }
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

pub(crate) async fn the_unread_version_moves_with_every_counted_change(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    let mut seen = Seen::default();
    let t = us(T0);
    assert!(seen.moved(&store, a, "first look").await);
    assert!(!seen.moved(&store, a, "nothing happened").await);

    act(&store, a, b, Act::Follow, T0).await.unwrap();
    assert!(!seen.moved(&store, a, "a follow before any session").await);
    say(&store, b, a, "1", t + 1).await;
    assert!(seen.moved(&store, a, "a message from b").await);
    let sent = say(&store, b, a, "2", t + 2).await;
    assert!(seen.moved(&store, a, "another").await);
    let recalled = send(&store, recall(b, a, sent[0].msg_key, t + 3)).await;
    stored(recalled.unwrap());
    assert!(seen.moved(&store, a, "b's recall").await);
    say(&store, a, c, "to c", t + 4).await;
    assert!(!seen.moved(&store, a, "a's own message").await);
    act(&store, a, d, Act::Follow, T0).await.unwrap();
    assert!(!seen.moved(&store, a, "a follow without a session").await);

    act(&store, a, b, Act::QuietFollow, T0).await.unwrap();
    assert!(seen.moved(&store, a, "quietly following b").await);
    act(&store, a, b, Act::Unfollow, T0).await.unwrap();
    assert!(seen.moved(&store, a, "unfollowing b").await);
    act(&store, a, b, Act::Follow, T0).await.unwrap();
    assert!(seen.moved(&store, a, "following b again").await);
    act(&store, b, a, Act::Follow, T0).await.unwrap();
    seen.moved(&store, a, "b following a").await;

    say(&store, c, a, "from c", t + 5).await;
    assert!(seen.moved(&store, a, "a message from c").await);
    change(&store, a, c, SessionChange::Intercept(true)).await;
    assert!(seen.moved(&store, a, "c's session to the dustbin").await);
    store
        .change_intercepted(a, Box::new(|s| SessionChange::Remove.apply(s)))
        .await
        .unwrap();
    seen.moved(&store, a, "the dustbin cleared").await;

    say(&store, d, a, "from d", t + 6).await;
    assert!(seen.moved(&store, a, "a message from d").await);
    act(&store, a, d, Act::Block, T0).await.unwrap();
    assert!(seen.moved(&store, a, "blocking d").await);
    change(&store, a, d, SessionChange::Remove).await;
    seen.moved(&store, a, "d's session removed").await;

    store
        .update_user(
            b,
            set_system(Some(agent_account("客服"))),
            Box::new(decide_profile_update),
        )
        .await
        .unwrap();
    assert!(seen.moved(&store, a, "b becoming customer service").await);
    store
        .update_user(b, set_system(None), Box::new(decide_profile_update))
        .await
        .unwrap();
    assert!(seen.moved(&store, a, "b an ordinary user again").await);

    read_all(&store, a, b, t + 7).await;
    assert!(seen.moved(&store, a, "reading b").await);

    let id = create(&store, c).await;
    steps(&store, id, t + 8, vec![GroupStep::Join(a)]).await;
    seen.moved(&store, a, "joining c's group").await;
    steps(
        &store,
        id,
        t + 9,
        vec![GroupStep::Post(group_text(c, "hi", vec![]))],
    )
    .await;
    assert!(seen.moved(&store, a, "a group post").await);
    let group = store.group(id).await.unwrap().unwrap().0;
    let dissolve = GroupSettings {
        name: group.name,
        cover: group.cover,
        frozen: false,
        dissolved: true,
    };
    steps(&store, id, t + 10, vec![GroupStep::Set(dissolve)]).await;
    assert!(seen.moved(&store, a, "the group dissolved").await);
    steps(&store, id, t + 11, vec![GroupStep::Leave(a)]).await;
    seen.moved(&store, a, "leaving the group").await;
    assert!(!seen.moved(&store, a, "nothing since").await);
}

pub(crate) async fn joining_and_leaving_a_group_with_unread_posts_move_the_version(
    store: Arc<dyn Store>,
) {
    let [a, c] = users(&store, ["a", "c"]).await;
    let mut seen = Seen::default();
    let t = us(T0);
    let id = create(&store, c).await;
    assert!(seen.moved(&store, a, "first look").await);
    steps(&store, id, t + 1, vec![GroupStep::Join(a)]).await;
    seen.moved(&store, a, "joining").await;
    steps(
        &store,
        id,
        t + 2,
        vec![GroupStep::Post(group_text(c, "hi", vec![]))],
    )
    .await;
    assert!(seen.moved(&store, a, "a post unread").await);
    // The session stays with its unread post; the membership it is
    // counted by goes.
    steps(&store, id, t + 3, vec![GroupStep::Leave(a)]).await;
    assert!(seen.moved(&store, a, "leaving with a post unread").await);
    steps(&store, id, t + 4, vec![GroupStep::Join(a)]).await;
    seen.moved(&store, a, "joining again").await;
    assert!(!seen.moved(&store, a, "nothing since").await);
}

pub(crate) async fn the_unread_version_moves_with_replies_deliveries_and_withdrawals(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    let (mut for_a, mut for_c) = (Seen::default(), Seen::default());
    let t = us(T0);
    for_a.moved(&store, a, "first look").await;
    for_c.moved(&store, c, "first look").await;

    say(&store, b, a, "1", t + 1).await;
    assert!(for_a.moved(&store, a, "a message from b").await);
    say(&store, a, b, "back", t + 2).await;
    assert!(for_a.moved(&store, a, "a's reply reads b's").await);
    say(&store, a, b, "again", t + 3).await;
    assert!(!for_a.moved(&store, a, "a second reply").await);
    let sent = say(&store, b, a, "2", t + 4).await;
    assert!(for_a.moved(&store, a, "another from b").await);
    store.withdraw(sent[0].msg_key, t + 5).await.unwrap();
    assert!(for_a.moved(&store, a, "b's message withdrawn").await);

    say(&store, a, c, "to c", t + 6).await;
    assert!(for_c.moved(&store, c, "a message from a").await);
    let job = store
        .create_push(push(c, Some(vec![a]), UnreadKind::Push), t + 7)
        .await
        .unwrap();
    deliver(&store, &job, 10, t + 8).await;
    assert!(for_a.moved(&store, a, "c's delivery").await);
    assert!(
        for_c
            .moved(&store, c, "c's delivery reads a's message")
            .await
    );

    let id = create(&store, b).await;
    steps(&store, id, t + 9, vec![GroupStep::Join(a)]).await;
    for_a.moved(&store, a, "joining b's group").await;
    steps(
        &store,
        id,
        t + 10,
        vec![GroupStep::Post(group_text(b, "hi", vec![]))],
    )
    .await;
    assert!(for_a.moved(&store, a, "b's post").await);
    steps(
        &store,
        id,
        t + 11,
        vec![GroupStep::Post(group_text(a, "yo", vec![]))],
    )
    .await;
    assert!(for_a.moved(&store, a, "a's post reads b's").await);
    assert!(!for_a.moved(&store, a, "nothing since").await);
}
