//! Pins the relation lists of `RelationStore`: newest first, with
//! `total`, `version` and paging; quiet follows and blocks in lists of
//! their own; friends and common follows.

use std::sync::Arc;

use sixin_api::relation::Act;

use super::helpers::{act, follow, user, users, T0};
use super::relations::{list, mids, version};
use crate::domain::paging::Page;
use crate::domain::relation::Attribute;
use crate::store::relations::ListKind;
use crate::store::Store;

pub(crate) async fn lists_are_newest_first_with_totals_and_pages(store: Arc<dyn Store>) {
    let [a, b, c, d, e] = users(&store, ["a", "b", "c", "d", "e"]).await;
    // The same second for all: the order comes from the steps.
    for fid in [b, c, d, e] {
        follow(&store, a, fid).await;
    }
    follow(&store, e, a).await;
    let page = |limit, offset| Page { limit, offset };
    let first = list(&store, a, ListKind::Followings, page(3, 0)).await;
    assert_eq!(mids(&first), vec![e, d, c]);
    assert_eq!(first.total, 4);
    assert_eq!(first.version, version(&store, a).await);
    let second = list(&store, a, ListKind::Followings, page(3, 3)).await;
    assert_eq!((mids(&second), second.total), (vec![b], 4));
    let beyond = list(&store, a, ListKind::Followings, page(3, 6)).await;
    assert_eq!((beyond.entries.len(), beyond.total), (0, 4));

    let entry = &first.entries[0];
    assert_eq!(entry.profile, store.profile(e).await.unwrap().unwrap());
    assert_eq!(entry.pair, store.relation(a, e).await.unwrap());
    assert_eq!(
        entry.pair.backward.as_ref().map(|r| r.attribute),
        Some(Attribute::Following),
        "backward is the entry's relation to the owner"
    );

    let followers = list(&store, b, ListKind::Followers, Page::all()).await;
    assert_eq!((mids(&followers), followers.total), (vec![a], 1));
    assert_eq!(
        followers.entries[0].pair,
        store.relation(b, a).await.unwrap()
    );
    let empty = list(&store, c, ListKind::Followings, Page::all()).await;
    assert_eq!((empty.entries.len(), empty.total), (0, 0));
}

pub(crate) async fn quiet_follows_and_blocks_have_lists_of_their_own(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    act(&store, a, b, Act::QuietFollow, T0).await.unwrap();
    act(&store, a, c, Act::QuietFollow, T0).await.unwrap();
    act(&store, a, d, Act::Block, T0).await.unwrap();
    let whispers = list(&store, a, ListKind::Whispers, Page::all()).await;
    assert_eq!((mids(&whispers), whispers.total), (vec![c, b], 2));
    let blacks = list(&store, a, ListKind::Blacks, Page::all()).await;
    assert_eq!((mids(&blacks), blacks.total), (vec![d], 1));
    let followings = list(&store, a, ListKind::Followings, Page::all()).await;
    assert_eq!((followings.entries.len(), followings.total), (0, 0));
    let followers = list(&store, b, ListKind::Followers, Page::all()).await;
    assert_eq!(
        (followers.entries.len(), followers.total),
        (0, 0),
        "a quiet follow is in nobody's followers"
    );
    let blocked = list(&store, d, ListKind::Followers, Page::all()).await;
    assert_eq!(blocked.total, 0);
}

pub(crate) async fn friends_and_common_follows(store: Arc<dyn Store>) {
    let [a, b, c, d, e] = users(&store, ["a", "b", "c", "d", "e"]).await;
    follow(&store, b, a).await;
    follow(&store, a, b).await;
    follow(&store, a, c).await;
    follow(&store, c, a).await;
    follow(&store, a, d).await;
    follow(&store, e, b).await;
    follow(&store, e, d).await;
    act(&store, e, c, Act::QuietFollow, T0).await.unwrap();

    let friends = list(&store, a, ListKind::Friends, Page::all()).await;
    assert_eq!((mids(&friends), friends.total), (vec![c, b], 2));
    let first = list(
        &store,
        a,
        ListKind::Friends,
        Page {
            limit: 1,
            offset: 0,
        },
    )
    .await;
    assert_eq!((mids(&first), first.total), (vec![c], 2));

    let common = list(&store, a, ListKind::SameFollowings(e), Page::all()).await;
    let mut found = mids(&common);
    found.sort();
    assert_eq!(
        (found, common.total),
        (vec![b, d], 2),
        "quiet follows are not follows here"
    );
    let none = list(
        &store,
        a,
        ListKind::SameFollowings(user(&store, "f").await),
        Page::all(),
    )
    .await;
    assert_eq!((none.entries.len(), none.total), (0, 0));
}

/// Deep follower pages (found through the follower counts by `seq`
/// range rather than by skipping entries) are exactly the slices of the
/// whole list, after follows, unfollows, quiet follows, blocks and
/// follows made again (which move a follower to the top).
pub(crate) async fn deep_follower_pages_are_the_same_pages(store: Arc<dyn Store>) {
    let owner = user(&store, "owner").await;
    let mut fans = Vec::new();
    for i in 0..300 {
        let fan = user(&store, &format!("fan{i}")).await;
        follow(&store, fan, owner).await;
        fans.push(fan);
    }
    for i in [10, 150, 299] {
        act(&store, fans[i], owner, Act::Unfollow, T0)
            .await
            .unwrap();
    }
    act(&store, fans[20], owner, Act::QuietFollow, T0)
        .await
        .unwrap();
    act(&store, owner, fans[50], Act::Block, T0).await.unwrap();
    act(&store, fans[60], owner, Act::Block, T0).await.unwrap();
    for i in [20, 30, 0] {
        act(&store, fans[i], owner, Act::Unfollow, T0).await.ok();
        follow(&store, fans[i], owner).await;
    }
    follow(&store, owner, fans[40]).await;

    let all = list(&store, owner, ListKind::Followers, Page::all()).await;
    let whole = mids(&all);
    assert_eq!((whole.len() as u64, all.total), (295, 295));
    assert_eq!(
        &whole[..4],
        &[fans[40], fans[0], fans[30], fans[20]],
        "follows made again and the one made mutual on top"
    );
    for limit in [1, 7, 20, 50, 64] {
        let mut offset = 0;
        while offset <= whole.len() as u64 + limit {
            let page = list(&store, owner, ListKind::Followers, Page { limit, offset }).await;
            let from = (offset as usize).min(whole.len());
            let to = (from + limit as usize).min(whole.len());
            assert_eq!(
                mids(&page),
                &whole[from..to],
                "limit {limit} offset {offset}"
            );
            assert_eq!(page.total, all.total);
            offset += limit;
        }
    }
}
