//! Pins `RelationStore::fans` (newest follow first by `mtime` then mid,
//! within a window, from a skip or after a cursor), `follower_news` and
//! `followers_seen` (which followers are new since the last look), and
//! `search_followings` (a filter over the owner's follows, in list order).

use std::sync::{Arc, Mutex};

use sixin_api::relation::Act;

use super::helpers::{act, follow, users, T0};
use crate::domain::lists::{FanCursor, NameSearch};
use crate::domain::paging::Page;
use crate::domain::relation::Attribute;
use crate::domain::Mid;
use crate::store::relations::{FansQuery, FansStart, ListKind, ListPage};
use crate::store::Store;

fn mids(page: &ListPage) -> Vec<Mid> {
    page.entries.iter().map(|e| e.profile.mid).collect()
}

async fn fans(store: &Arc<dyn Store>, owner: Mid, window: u64, start: FansStart) -> ListPage {
    let query = FansQuery {
        window,
        start,
        limit: 10,
    };
    store.fans(owner, query).await.expect("fans")
}

async fn new_followers(store: &Arc<dyn Store>, who: Mid) -> u64 {
    store.follower_news(who).await.expect("news").count
}

/// `who` has looked at their followers as they are now, at `at`.
async fn look(store: &Arc<dyn Store>, who: Mid, at: i64) {
    let news = store.follower_news(who).await.unwrap();
    store.followers_seen(who, at, news.version).await.unwrap();
}

pub(crate) async fn fans_are_newest_follow_first_within_a_window(store: Arc<dyn Store>) {
    let [a, b, c, d, e, f] = users(&store, ["a", "b", "c", "d", "e", "f"]).await;
    act(&store, b, a, Act::Follow, T0 + 1).await.unwrap();
    act(&store, c, a, Act::Follow, T0 + 3).await.unwrap();
    act(&store, d, a, Act::Follow, T0 + 2).await.unwrap();
    act(&store, e, a, Act::Follow, T0 + 3).await.unwrap();
    act(&store, f, a, Act::QuietFollow, T0 + 4).await.unwrap();
    // Following b back refreshes b's follow: b is the newest fan now.
    act(&store, a, b, Act::Follow, T0 + 10).await.unwrap();

    let all = fans(&store, a, 100, FansStart::Skip(0)).await;
    assert_eq!(
        mids(&all),
        vec![b, e, c, d],
        "by mtime, ties by the larger mid; quiet follows are no fans"
    );
    assert_eq!(all.total, 4);
    assert_eq!(all.version, store.relation_counts(a).await.unwrap().version);
    let entry = &all.entries[1];
    assert_eq!(entry.pair, store.relation(a, e).await.unwrap());
    assert_eq!(
        entry.pair.backward.as_ref().map(|r| (r.attribute, r.mtime)),
        Some((Attribute::Following, T0 + 3))
    );

    let page = FansQuery {
        window: 100,
        start: FansStart::Skip(2),
        limit: 1,
    };
    assert_eq!(mids(&store.fans(a, page).await.unwrap()), vec![c]);
    let after_e = FanCursor {
        mtime: T0 + 3,
        mid: e,
    };
    let rest = fans(&store, a, 100, FansStart::After(after_e)).await;
    assert_eq!((mids(&rest), rest.total), (vec![c, d], 4));
    let between = FanCursor {
        mtime: T0 + 3,
        mid: d,
    };
    assert_eq!(
        mids(&fans(&store, a, 100, FansStart::After(between)).await),
        vec![c, d],
        "a cursor that is no fan still marks a place in the order"
    );

    let narrow = fans(&store, a, 3, FansStart::Skip(0)).await;
    assert_eq!((mids(&narrow), narrow.total), (vec![b, e, c], 4));
    assert_eq!(mids(&fans(&store, a, 3, FansStart::Skip(2)).await), vec![c]);
    let after_c = FanCursor {
        mtime: T0 + 3,
        mid: c,
    };
    assert!(
        fans(&store, a, 3, FansStart::After(after_c))
            .await
            .entries
            .is_empty(),
        "nothing past the window"
    );
    let none = fans(&store, f, 100, FansStart::Skip(0)).await;
    assert_eq!((none.entries.len(), none.total), (0, 0));
}

pub(crate) async fn new_followers_are_those_made_since_the_last_look(store: Arc<dyn Store>) {
    let [a, b, c, d, e, f] = users(&store, ["a", "b", "c", "d", "e", "f"]).await;
    let never = store.follower_news(a).await.unwrap();
    assert_eq!((never.count, never.seen_at), (0, 0));
    follow(&store, b, a).await;
    follow(&store, c, a).await;
    let news = store.follower_news(a).await.unwrap();
    assert_eq!((news.count, news.seen_at), (2, 0), "never looked: all new");
    assert_eq!(
        news.version,
        store.relation_counts(a).await.unwrap().version
    );
    let before_d = news.version;

    store.followers_seen(a, T0 + 5, news.version).await.unwrap();
    let seen = store.follower_news(a).await.unwrap();
    assert_eq!((seen.count, seen.seen_at), (0, T0 + 5));

    follow(&store, d, a).await;
    follow(&store, a, b).await;
    act(&store, e, a, Act::QuietFollow, T0).await.unwrap();
    follow(&store, f, a).await;
    act(&store, f, a, Act::Unfollow, T0).await.unwrap();
    assert_eq!(
        new_followers(&store, a).await,
        1,
        "d only: following b back makes nobody new, quiet follows and \
         follows that ended are not counted"
    );
    act(&store, e, a, Act::Follow, T0).await.unwrap();
    assert_eq!(
        new_followers(&store, a).await,
        2,
        "a quiet follow turned open is new"
    );

    look(&store, a, T0 + 9).await;
    assert_eq!(new_followers(&store, a).await, 0);
    store.followers_seen(a, T0 + 20, before_d).await.unwrap();
    let late = store.follower_news(a).await.unwrap();
    assert_eq!(
        (late.count, late.seen_at),
        (0, T0 + 20),
        "what was seen stays seen"
    );
    assert_eq!(new_followers(&store, b).await, 1, "others keep theirs");
}

pub(crate) async fn followings_are_searched_by_name_in_list_order(store: Arc<dyn Store>) {
    let [a, bob, bobby, carl, quiet, fan] =
        users(&store, ["a", "bob", "Bobby", "carl", "bo_quiet", "bo_fan"]).await;
    for fid in [bob, bobby, carl] {
        follow(&store, a, fid).await;
    }
    act(&store, a, quiet, Act::QuietFollow, T0).await.unwrap();
    follow(&store, fan, a).await;

    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let search = NameSearch::new(Some("bo"));
    let filter = Box::new(move |uname: &str| {
        seen.lock().unwrap().push(uname.to_owned());
        search.matches(uname)
    });
    let found = store
        .search_followings(a, filter, Page::all())
        .await
        .unwrap();
    assert_eq!((mids(&found), found.total), (vec![bobby, bob], 2));
    let mut names = asked.lock().unwrap().clone();
    names.sort();
    assert_eq!(names, ["Bobby", "bob", "carl"], "only follows are searched");
    let whole = store
        .list(a, ListKind::Followings, Page::all())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.entries[..], whole.entries[1..3]);
    assert_eq!(found.version, whole.version);

    let second = store
        .search_followings(
            a,
            Box::new(|u: &str| u.starts_with('b') || u.starts_with('B')),
            Page {
                limit: 1,
                offset: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!((mids(&second), second.total), (vec![bob], 2));
    let nothing = store
        .search_followings(a, Box::new(|_: &str| false), Page::all())
        .await
        .unwrap();
    assert_eq!((nothing.entries.len(), nothing.total), (0, 0));
}
