//! Pins `RelationStore::modify` and the reads of relations: the facts a
//! decision sees (existence, both directions, counts), a refusal writes
//! nothing, plan writes are applied in order (Step stamps the server-wide
//! counter that is each user's `version` and orders lists; Put, Refresh,
//! Delete), counts on both sides, `relation`/`relations`. The lists are
//! pinned in `relation_lists.rs`.

use std::sync::Arc;

use sixin_api::relation::Act;
use sixin_api::Code;

use super::helpers::{act, follow, mid, peek, refusal, users, LIMITS, T0};
use crate::domain::account::AccountState;
use crate::domain::paging::Page;
use crate::domain::relation::{
    decide_modify, Attribute, ModifyFacts, ModifyPlan, RelationCounts, RelationLimits,
    RelationPair, RelationWrite, StoredRelation,
};
use crate::domain::Mid;
use crate::store::relations::{ListKind, ListPage};
use crate::store::Store;

/// Counts as `(following, whisper, black, follower)`, to compare in one line.
fn counts(following: u64, whisper: u64, black: u64, follower: u64) -> (u64, u64, u64, u64) {
    (following, whisper, black, follower)
}

/// `who`'s counts as [`counts`] writes them.
async fn counted(store: &Arc<dyn Store>, who: Mid) -> (u64, u64, u64, u64) {
    let c = store.relation_counts(who).await.unwrap();
    (c.following, c.whisper, c.black, c.follower)
}

pub(super) async fn version(store: &Arc<dyn Store>, who: Mid) -> u64 {
    store.relation_counts(who).await.unwrap().version
}

/// A page of `owner`'s list of `kind`.
pub(super) async fn list(
    store: &Arc<dyn Store>,
    owner: Mid,
    kind: ListKind,
    page: Page,
) -> ListPage {
    store
        .list(owner, kind, page)
        .await
        .unwrap()
        .expect("a list")
}

pub(super) fn mids(page: &ListPage) -> Vec<Mid> {
    page.entries.iter().map(|e| e.profile.mid).collect()
}

/// A plan chosen by the case, whatever the facts.
async fn apply(store: &Arc<dyn Store>, who: Mid, fid: Mid, now: i64, writes: Vec<RelationWrite>) {
    let plan = ModifyPlan {
        writes,
        before: None,
        after: None,
        became_mutual: false,
    };
    let expected = plan.clone();
    let returned = store
        .modify(who, fid, now, Box::new(move |_| Ok(plan)))
        .await
        .unwrap();
    assert_eq!(returned, expected, "modify returns the plan");
}

pub(crate) async fn modify_decisions_see_existence_both_directions_and_counts(
    store: Arc<dyn Store>,
) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    let facts = peek(|dc| store.modify(a, b, T0, dc)).await;
    assert_eq!(
        facts,
        ModifyFacts {
            mid: a,
            fid: b,
            target: Some(AccountState::Active),
            mine: None,
            theirs: None,
            counts: RelationCounts::default(),
        }
    );
    assert_eq!(
        peek(|dc| store.modify(a, mid(99), T0, dc)).await.target,
        None
    );

    follow(&store, a, b).await;
    act(&store, b, a, Act::QuietFollow, T0).await.unwrap();
    follow(&store, a, c).await;
    act(&store, a, d, Act::Block, T0).await.unwrap();
    follow(&store, c, a).await;
    let facts = peek(|dc| store.modify(a, b, T0, dc)).await;
    assert_eq!(
        (facts.mine, facts.theirs),
        (Some(Attribute::Following), Some(Attribute::Quiet))
    );
    assert_eq!(
        facts.counts,
        store.relation_counts(a).await.unwrap(),
        "the counts are the caller's"
    );
    assert_eq!(
        (
            facts.counts.following,
            facts.counts.whisper,
            facts.counts.black,
            facts.counts.follower
        ),
        (2, 0, 1, 1)
    );
    let facts = peek(|dc| store.modify(b, a, T0, dc)).await;
    assert_eq!(
        (facts.mine, facts.theirs, facts.counts.whisper),
        (Some(Attribute::Quiet), Some(Attribute::Following), 1)
    );
    let facts = peek(|dc| store.modify(d, a, T0, dc)).await;
    assert_eq!((facts.mine, facts.theirs), (None, Some(Attribute::Blocked)));
}

pub(crate) async fn a_refused_modify_writes_nothing(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    let before = (
        store.relation_counts(a).await.unwrap(),
        store.relation_counts(c).await.unwrap(),
    );
    let one_follow = RelationLimits {
        max_followings: 1,
        ..LIMITS
    };
    let result = store
        .modify(
            a,
            c,
            T0 + 5,
            Box::new(move |facts| Ok(decide_modify(Act::Follow, facts, one_follow)?)),
        )
        .await;
    assert_eq!(refusal(result), Code::FollowLimit);
    assert_eq!(store.relation(a, c).await.unwrap().forward, None);
    let after = (
        store.relation_counts(a).await.unwrap(),
        store.relation_counts(c).await.unwrap(),
    );
    assert_eq!(after, before, "counts and versions untouched");
    assert_eq!(
        refusal(act(&store, a, b, Act::Follow, T0).await),
        Code::AlreadyFollowing
    );
    assert_eq!(
        refusal(act(&store, a, a, Act::Follow, T0).await),
        Code::RelationSelf
    );
}

pub(crate) async fn follows_quiet_follows_and_blocks_are_counted_on_both_sides(
    store: Arc<dyn Store>,
) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    act(&store, a, b, Act::Follow, T0 + 1).await.unwrap();
    act(&store, a, c, Act::QuietFollow, T0 + 2).await.unwrap();
    act(&store, a, d, Act::Block, T0 + 3).await.unwrap();
    assert_eq!(counted(&store, a).await, counts(1, 1, 1, 0));
    assert_eq!(counted(&store, b).await, counts(0, 0, 0, 1));
    assert_eq!(
        counted(&store, c).await,
        counts(0, 0, 0, 0),
        "a quiet follow is no follower"
    );
    assert_eq!(counted(&store, d).await, counts(0, 0, 0, 0));

    let pair = store.relation(a, b).await.unwrap();
    assert_eq!(
        pair.forward,
        Some(StoredRelation {
            attribute: Attribute::Following,
            mtime: T0 + 1,
            special: false,
            tags: vec![],
        })
    );
    assert_eq!(pair.backward, None);
    assert_eq!(store.relation(b, a).await.unwrap(), pair.reversed());
    assert_eq!(
        store
            .relation(a, c)
            .await
            .unwrap()
            .forward
            .map(|r| r.attribute),
        Some(Attribute::Quiet)
    );

    // Turning one kind of follow into the other moves it between counts.
    act(&store, a, c, Act::Follow, T0 + 4).await.unwrap();
    act(&store, a, b, Act::QuietFollow, T0 + 4).await.unwrap();
    assert_eq!(counted(&store, a).await, counts(1, 1, 1, 0));
    assert_eq!(counted(&store, b).await, counts(0, 0, 0, 0));
    assert_eq!(counted(&store, c).await, counts(0, 0, 0, 1));

    act(&store, a, b, Act::Unfollow, T0 + 5).await.unwrap();
    act(&store, a, c, Act::Unfollow, T0 + 5).await.unwrap();
    act(&store, a, d, Act::Unblock, T0 + 5).await.unwrap();
    assert_eq!(counted(&store, a).await, counts(0, 0, 0, 0));
    assert_eq!(counted(&store, c).await, counts(0, 0, 0, 0));
    assert_eq!(
        store.relation(a, d).await.unwrap(),
        RelationPair::default(),
        "nothing left between them"
    );
}

pub(crate) async fn every_change_steps_the_version_of_both_users(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    assert_eq!(version(&store, a).await, 0);
    follow(&store, a, b).await;
    let first = version(&store, a).await;
    assert!(first > 0);
    assert_eq!(
        version(&store, b).await,
        first,
        "both take the step's value"
    );

    follow(&store, c, d).await;
    let second = version(&store, c).await;
    assert!(second > first, "one counter for the whole server");
    assert_eq!(version(&store, a).await, first, "others keep theirs");

    let unchanged = act(&store, a, c, Act::Unfollow, T0).await.unwrap();
    assert!(unchanged.writes.is_empty());
    assert_eq!(version(&store, a).await, first, "no write, no step");

    act(&store, b, a, Act::Block, T0).await.unwrap();
    let third = version(&store, b).await;
    assert!(third > second);
    assert_eq!(version(&store, a).await, third);
    assert_eq!(
        list(&store, a, ListKind::Followers, Page::all())
            .await
            .version,
        third,
        "lists carry the owner's version"
    );
}

/// `(version, public_version)` of `who`.
async fn versions(store: &Arc<dyn Store>, who: Mid) -> (u64, u64) {
    let c = store.relation_counts(who).await.unwrap();
    (c.version, c.public_version)
}

pub(crate) async fn versions_move_only_with_what_their_reader_can_see(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    follow(&store, d, c).await;
    let start = versions(&store, a).await;

    // Quiet follows and blocks of a move neither of a's versions; they
    // move the actor's own version only.
    let before_b = versions(&store, b).await;
    act(&store, b, a, Act::QuietFollow, T0).await.unwrap();
    act(&store, c, a, Act::Block, T0).await.unwrap();
    assert_eq!(versions(&store, a).await, start, "a sees nothing");
    let after_b = versions(&store, b).await;
    assert!(after_b.0 > before_b.0, "b's own change");
    assert_eq!(after_b.1, before_b.1, "nobody else sees a quiet follow");

    // An open follow is seen by both and by everyone.
    act(&store, b, a, Act::Follow, T0 + 1).await.unwrap();
    let (own, public) = versions(&store, a).await;
    assert!(own > start.0);
    assert_eq!(public, start.1 + 1);
    assert_eq!(versions(&store, b).await.1, after_b.1 + 1);

    // Unfollowing is seen; ending a block is not.
    act(&store, b, a, Act::Unfollow, T0 + 2).await.unwrap();
    assert_eq!(versions(&store, a).await.1, public + 1);
    let seen = versions(&store, a).await;
    act(&store, c, a, Act::Unblock, T0 + 3).await.unwrap();
    assert_eq!(versions(&store, a).await, seen);

    // Lists carry both.
    let page = list(&store, a, ListKind::Followers, Page::all()).await;
    assert_eq!((page.version, page.public_version), seen);
}

pub(crate) async fn plan_writes_are_applied_in_order(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    let put = |mid, fid, attribute| RelationWrite::Put {
        mid,
        fid,
        attribute,
    };
    apply(
        &store,
        a,
        c,
        T0,
        vec![
            RelationWrite::Step,
            put(a, c, Attribute::Following),
            RelationWrite::Delete { mid: a, fid: c },
        ],
    )
    .await;
    assert_eq!(store.relation(a, c).await.unwrap().forward, None);
    apply(
        &store,
        a,
        c,
        T0 + 1,
        vec![
            RelationWrite::Step,
            RelationWrite::Delete { mid: a, fid: c },
            put(a, c, Attribute::Quiet),
            put(a, b, Attribute::Following),
            put(b, a, Attribute::Following),
        ],
    )
    .await;
    let pair = store.relation(a, c).await.unwrap();
    assert_eq!(pair.forward.map(|r| r.attribute), Some(Attribute::Quiet));
    assert_eq!(counted(&store, a).await, counts(1, 1, 0, 1));
    assert_eq!(counted(&store, b).await, counts(1, 0, 0, 1));
    assert_eq!(
        version(&store, a).await,
        version(&store, b).await,
        "writes after one step share its value"
    );

    // A write without a step of its own: the order in lists is by step, so
    // a refreshed relation moves to the top of the owner's list.
    follow(&store, a, c).await;
    assert_eq!(
        mids(&list(&store, a, ListKind::Followings, Page::all()).await),
        vec![c, b]
    );
    apply(
        &store,
        a,
        b,
        T0 + 50,
        vec![
            RelationWrite::Step,
            RelationWrite::Refresh { mid: a, fid: b },
        ],
    )
    .await;
    let refreshed = store.relation(a, b).await.unwrap().forward.unwrap();
    assert_eq!(refreshed.mtime, T0 + 50);
    assert_eq!(refreshed.attribute, Attribute::Following);
    assert_eq!(
        mids(&list(&store, a, ListKind::Followings, Page::all()).await),
        vec![b, c]
    );
}

pub(crate) async fn becoming_mutual_refreshes_the_other_side(store: Arc<dyn Store>) {
    let [a, b, x] = users(&store, ["a", "b", "x"]).await;
    act(&store, b, a, Act::Follow, T0).await.unwrap();
    act(&store, b, x, Act::Follow, T0 + 10).await.unwrap();
    let plan = act(&store, a, b, Act::Follow, T0 + 100).await.unwrap();
    assert!(plan.became_mutual);
    let pair = store.relation(a, b).await.unwrap();
    assert_eq!(pair.forward.as_ref().map(|r| r.mtime), Some(T0 + 100));
    assert_eq!(
        pair.backward.as_ref().map(|r| r.mtime),
        Some(T0 + 100),
        "the other side's follow was refreshed"
    );
    assert_eq!(pair.attribute(false), 6);
    assert_eq!(
        mids(&list(&store, b, ListKind::Followings, Page::all()).await),
        vec![a, x],
        "and moved to the top of the other side's list"
    );
}

pub(crate) async fn blocking_ends_the_targets_follow(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, a, b).await;
    follow(&store, b, a).await;
    act(&store, a, b, Act::Block, T0 + 1).await.unwrap();
    let pair = store.relation(a, b).await.unwrap();
    assert_eq!(pair.forward.map(|r| r.attribute), Some(Attribute::Blocked));
    assert_eq!(pair.backward, None, "their follow ended");
    assert_eq!(counted(&store, a).await, counts(0, 0, 1, 0));
    assert_eq!(counted(&store, b).await, counts(0, 0, 0, 0));
    assert_eq!(
        refusal(act(&store, b, a, Act::Follow, T0 + 2).await),
        Code::RelationBlacklisted
    );
    assert_eq!(store.relation(b, a).await.unwrap().forward, None);

    act(&store, b, a, Act::RemoveFan, T0 + 3).await.unwrap();
    let [c] = users(&store, ["c"]).await;
    follow(&store, c, b).await;
    act(&store, b, c, Act::RemoveFan, T0 + 4).await.unwrap();
    assert_eq!(store.relation(c, b).await.unwrap().forward, None);
    assert_eq!(counted(&store, b).await, counts(0, 0, 0, 0));
}

pub(crate) async fn relations_are_read_in_the_order_given(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    follow(&store, c, a).await;
    let nobody = mid(99);
    let read = store.relations(a, vec![c, nobody, b]).await.unwrap();
    let expected = vec![
        (c, store.relation(a, c).await.unwrap()),
        (nobody, RelationPair::default()),
        (b, store.relation(a, b).await.unwrap()),
    ];
    assert_eq!(read, expected);
    assert_eq!(
        read[0].1.backward.as_ref().map(|r| r.attribute),
        Some(Attribute::Following)
    );
    assert_eq!(
        read[2].1.forward.as_ref().map(|r| r.attribute),
        Some(Attribute::Following)
    );
}
