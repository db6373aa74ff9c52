//! Pins what others did to a user as that user's lists show it, after
//! every kind of change: follower lists, fans, friends, new followers and
//! the other direction of each entry. (PostgreSQL keeps these in the
//! reverse of `relations`, so that they are one shard; a change it forgot
//! to mirror would show here.)

use std::sync::Arc;

use sixin_api::relation::Act;

use super::helpers::{act, follow, users, T0};
use crate::domain::account::{decide_state_change, AccountState};
use crate::domain::paging::Page;
use crate::domain::relation::Attribute;
use crate::domain::Mid;
use crate::store::relations::{FansQuery, FansStart, ListKind, ListPage};
use crate::store::Store;

fn mids(page: &ListPage) -> Vec<Mid> {
    page.entries.iter().map(|e| e.profile.mid).collect()
}

/// `owner`'s followers as `(mids newest first, total)`, after checking
/// that fans agree and each entry's pair is the one `relation` reads.
async fn followers(store: &Arc<dyn Store>, owner: Mid) -> (Vec<Mid>, u64) {
    let page = store
        .list(owner, ListKind::Followers, Page::all())
        .await
        .unwrap()
        .expect("a list");
    for entry in &page.entries {
        let pair = store.relation(owner, entry.profile.mid).await.unwrap();
        assert_eq!(entry.pair, pair, "the pair of {:?}", entry.profile.mid);
        assert_eq!(
            pair.backward.map(|r| r.attribute),
            Some(Attribute::Following)
        );
    }
    let query = FansQuery {
        window: 100,
        start: FansStart::Skip(0),
        limit: 100,
    };
    let fans = store.fans(owner, query).await.unwrap();
    let (mut a, mut b) = (mids(&fans), mids(&page));
    a.sort();
    b.sort();
    assert_eq!((a, fans.total), (b, page.total), "fans are the followers");
    let counted = store.relation_counts(owner).await.unwrap().follower;
    assert_eq!(counted, page.total);
    (mids(&page), page.total)
}

async fn friends(store: &Arc<dyn Store>, owner: Mid) -> Vec<Mid> {
    let page = store
        .list(owner, ListKind::Friends, Page::all())
        .await
        .unwrap()
        .expect("a list");
    mids(&page)
}

pub(crate) async fn followers_follow_every_change_of_the_relation(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    act(&store, b, a, Act::Follow, T0 + 1).await.unwrap();
    act(&store, c, a, Act::Follow, T0 + 2).await.unwrap();
    act(&store, d, a, Act::QuietFollow, T0 + 3).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![c, b], 2));
    assert_eq!(store.follower_news(a).await.unwrap().count, 2);

    // A block ends the blocked user's follow; the blocked user sees it.
    act(&store, a, b, Act::Block, T0 + 4).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![c], 1));
    let seen_by_b = store.relation(b, a).await.unwrap();
    assert_eq!(
        seen_by_b.backward.map(|r| r.attribute),
        Some(Attribute::Blocked)
    );
    assert_eq!(seen_by_b.forward, None);
    act(&store, a, b, Act::Unblock, T0 + 5).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![c], 1));
    assert_eq!(store.relation(b, a).await.unwrap().backward, None);
    act(&store, b, a, Act::Follow, T0 + 6).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![b, c], 2));

    // Removing a fan, a quiet follow made open, then ended.
    act(&store, a, c, Act::RemoveFan, T0 + 7).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![b], 1));
    assert_eq!(store.relation(c, a).await.unwrap().forward, None);
    act(&store, d, a, Act::Follow, T0 + 8).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![d, b], 2));
    act(&store, d, a, Act::Unfollow, T0 + 9).await.unwrap();
    assert_eq!(followers(&store, a).await, (vec![b], 1));

    // Friends are follows followed back, in either order of the two.
    assert_eq!(friends(&store, a).await, vec![]);
    follow(&store, a, b).await;
    assert_eq!(friends(&store, a).await, vec![b]);
    assert_eq!(friends(&store, b).await, vec![a]);
    act(&store, b, a, Act::Unfollow, T0 + 10).await.unwrap();
    assert_eq!(friends(&store, a).await, vec![]);
    assert_eq!(followers(&store, a).await, (vec![], 0));
    assert_eq!(followers(&store, b).await, (vec![a], 1));
}

/// `mid`'s counts as `(following, whisper, black, follower)`.
async fn counts(store: &Arc<dyn Store>, mid: Mid) -> (u64, u64, u64, u64) {
    let c = store.relation_counts(mid).await.unwrap();
    (c.following, c.whisper, c.black, c.follower)
}

pub(crate) async fn counts_hold_through_blocks_both_ways_and_a_deleted_account(
    store: Arc<dyn Store>,
) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    act(&store, b, a, Act::Follow, T0 + 1).await.unwrap();
    act(&store, c, a, Act::Follow, T0 + 2).await.unwrap();
    act(&store, a, b, Act::Follow, T0 + 3).await.unwrap();
    act(&store, d, a, Act::QuietFollow, T0 + 4).await.unwrap();
    assert_eq!(counts(&store, a).await, (1, 0, 0, 2));
    assert_eq!(counts(&store, b).await, (1, 0, 0, 1));
    assert_eq!(counts(&store, d).await, (0, 1, 0, 0));

    // Blacklisting a friend ends both follows: a's becomes the block.
    act(&store, a, b, Act::Block, T0 + 5).await.unwrap();
    assert_eq!(counts(&store, a).await, (0, 0, 1, 1));
    assert_eq!(counts(&store, b).await, (0, 0, 0, 0));
    assert_eq!(followers(&store, a).await, (vec![c], 1));
    assert_eq!(followers(&store, b).await, (vec![], 0));
    // And back: both blocks stand, neither counts as a follower.
    act(&store, b, a, Act::Block, T0 + 6).await.unwrap();
    assert_eq!(counts(&store, a).await, (0, 0, 1, 1));
    assert_eq!(counts(&store, b).await, (0, 0, 1, 0));
    let pair = store.relation(a, b).await.unwrap();
    assert_eq!(
        (
            pair.forward.map(|r| r.attribute),
            pair.backward.map(|r| r.attribute)
        ),
        (Some(Attribute::Blocked), Some(Attribute::Blocked))
    );
    // Blacklisting a quiet follower ends the quiet follow.
    act(&store, a, d, Act::Block, T0 + 7).await.unwrap();
    assert_eq!(counts(&store, a).await, (0, 0, 2, 1));
    assert_eq!(counts(&store, d).await, (0, 0, 0, 0));

    // A deleted account keeps its relations: counts and lists stay.
    store
        .set_account_state(
            c,
            AccountState::Deleted,
            T0 + 8,
            Box::new(decide_state_change),
        )
        .await
        .unwrap();
    assert_eq!(counts(&store, a).await, (0, 0, 2, 1));
    assert_eq!(counts(&store, c).await, (1, 0, 0, 0));
    assert_eq!(followers(&store, a).await, (vec![c], 1));

    // Unblocking leaves nothing behind.
    for (x, y) in [(a, b), (b, a), (a, d)] {
        act(&store, x, y, Act::Unblock, T0 + 9).await.unwrap();
    }
    assert_eq!(counts(&store, a).await, (0, 0, 0, 1));
    assert_eq!(counts(&store, b).await, (0, 0, 0, 0));
    assert_eq!(counts(&store, d).await, (0, 0, 0, 0));
    assert_eq!(followers(&store, b).await, (vec![], 0));
}
