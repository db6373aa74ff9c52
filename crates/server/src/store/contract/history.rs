//! Pins `MessageStore::history`: seqnos strictly between the bounds, the
//! page nearest `before` newest first or nearest `after` oldest first,
//! `has_more` when the range holds more, and each side seeing only what
//! is shown to it.

use std::sync::Arc;

use super::helpers::{draft, follow, say, seqnos, store_drafts, us, users, T0};
use crate::domain::message::session::Talker;
use crate::domain::{Mid, Seqno};
use crate::store::messages::HistoryQuery;
use crate::store::Store;

async fn page(
    store: &Arc<dyn Store>,
    owner: Mid,
    talker: Mid,
    (after, before): (u64, u64),
    size: u64,
    oldest_first: bool,
) -> (Vec<u64>, bool) {
    let query = HistoryQuery {
        after: Seqno(after),
        before: Seqno(before),
        size,
        oldest_first,
    };
    let (messages, has_more) = store
        .history(owner, Talker::User(talker), query)
        .await
        .unwrap();
    (seqnos(&messages), has_more)
}

pub(crate) async fn history_pages_between_exclusive_bounds(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, a, b).await;
    follow(&store, b, a).await;
    for i in 0..10 {
        let (from, to) = if i % 2 == 0 { (a, b) } else { (b, a) };
        say(&store, from, to, "m", us(T0) + i).await;
    }
    let all = (0, u64::MAX);
    assert_eq!(
        page(&store, a, b, all, 3, false).await,
        (vec![10, 9, 8], true)
    );
    assert_eq!(
        page(&store, a, b, (0, 8), 3, false).await,
        (vec![7, 6, 5], true)
    );
    assert_eq!(
        page(&store, a, b, (0, 3), 5, false).await,
        (vec![2, 1], false)
    );
    assert_eq!(
        page(&store, a, b, (7, u64::MAX), 3, false).await,
        (vec![10, 9, 8], false),
        "exactly the page: nothing more"
    );
    assert_eq!(
        page(&store, a, b, (5, u64::MAX), 3, true).await,
        (vec![6, 7, 8], true)
    );
    assert_eq!(
        page(&store, a, b, (8, u64::MAX), 3, true).await,
        (vec![9, 10], false)
    );
    assert_eq!(
        page(&store, a, b, (3, 7), 10, true).await,
        (vec![4, 5, 6], false)
    );
    assert_eq!(
        page(&store, a, b, (3, 7), 2, false).await,
        (vec![6, 5], true)
    );
    assert_eq!(page(&store, a, b, (4, 5), 10, false).await, (vec![], false));
    assert_eq!(
        page(&store, b, a, all, 20, false).await.0,
        (1..=10).rev().collect::<Vec<u64>>(),
        "the same seqnos from the other side"
    );
}

pub(crate) async fn history_shows_each_side_only_what_it_sees(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    let mut only_a = draft(a, b, "tip for a");
    only_a.visible_to = Some(a);
    only_a.counts_unread = false;
    store_drafts(
        &store,
        a,
        b,
        us(T0),
        vec![
            draft(a, b, "1"),
            only_a.clone(),
            only_a.clone(),
            draft(a, b, "4"),
            only_a,
        ],
    )
    .await;
    let all = (0, u64::MAX);
    assert_eq!(
        page(&store, a, b, all, 10, false).await,
        (vec![5, 4, 3, 2, 1], false)
    );
    assert_eq!(
        page(&store, b, a, all, 10, false).await,
        (vec![4, 1], false)
    );
    assert_eq!(
        page(&store, b, a, all, 1, false).await,
        (vec![4], true),
        "more counts only what the owner sees"
    );
    assert_eq!(
        page(&store, b, a, (1, u64::MAX), 1, true).await,
        (vec![4], false)
    );
    assert_eq!(page(&store, b, a, (0, 4), 1, false).await, (vec![1], false));
    assert_eq!(page(&store, a, c, all, 10, false).await, (vec![], false));
    assert_eq!(page(&store, c, a, all, 10, false).await, (vec![], false));
}
