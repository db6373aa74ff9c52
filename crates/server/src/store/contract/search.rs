//! Pins `SearchStore::search_messages`: only the searcher's own
//! conversations, only what they see, newest first in pages, Chinese and
//! short texts too, and the text taken literally.

use std::sync::Arc;

use super::groups::{create, steps, text as group_text};
use super::helpers::{recall, say, send, us, users, T0};
use crate::domain::group::GroupStep;
use crate::domain::message::search::SearchText;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey};
use crate::store::search::SearchQuery;
use crate::store::Store;

async fn search(
    store: &Arc<dyn Store>,
    owner: Mid,
    text: &str,
    before: Option<MsgKey>,
    size: u64,
) -> (Vec<Message>, bool) {
    store
        .search_messages(
            owner,
            SearchQuery {
                text: SearchText::parse(text).unwrap(),
                before,
                size,
            },
        )
        .await
        .expect("searched")
}

/// The texts of the messages found.
async fn found(store: &Arc<dyn Store>, owner: Mid, text: &str) -> Vec<String> {
    let (messages, _) = search(store, owner, text, None, 50).await;
    messages
        .iter()
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(&m.content).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

pub(crate) async fn a_search_finds_text_in_the_searchers_own_conversations_newest_first(
    store: Arc<dyn Store>,
) {
    let [a, b, c, d] = users(&store, ["alice", "bob", "carol", "dave"]).await;
    say(&store, a, b, "明天一起去看电影吗", us(T0 + 1)).await;
    say(&store, b, a, "好啊，看什么电影", us(T0 + 2)).await;
    say(&store, c, d, "电影院见", us(T0 + 3)).await;
    say(&store, b, a, "Hello there", us(T0 + 4)).await;
    say(&store, a, c, "我也喜欢电影", us(T0 + 5)).await;

    assert_eq!(
        found(&store, a, "电影").await,
        ["我也喜欢电影", "好啊，看什么电影", "明天一起去看电影吗"],
        "two characters: newest first, only alice's conversations"
    );
    assert_eq!(found(&store, a, "看电影").await, ["明天一起去看电影吗"]);
    assert_eq!(found(&store, b, "电影").await.len(), 2, "bob's side");
    assert_eq!(found(&store, d, "电影").await, ["电影院见"]);
    assert_eq!(
        found(&store, a, "hello").await,
        ["Hello there"],
        "Latin letters in either case"
    );
    assert_eq!(found(&store, a, "HE").await, ["Hello there"]);
    assert!(found(&store, a, "电视").await.is_empty());
    assert!(found(&store, a, "%").await.is_empty(), "taken literally");
    assert!(found(&store, a, "_").await.is_empty());

    // Pages: newest first, each below the last key of the one before.
    let (first, more) = search(&store, a, "电影", None, 2).await;
    assert_eq!(first.len(), 2);
    assert!(more);
    let (rest, more) = search(&store, a, "电影", Some(first[1].msg_key), 2).await;
    assert_eq!(rest.len(), 1);
    assert!(!more);
    assert!(rest[0].msg_key < first[1].msg_key);
    let (three, more) = search(&store, a, "电影", None, 3).await;
    assert_eq!(three.len(), 3);
    assert!(!more, "exactly the page's size left");
}

pub(crate) async fn a_search_leaves_out_recalled_messages_and_groups_one_is_not_in(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let said = say(&store, a, b, "说错了的话", us(T0 + 1)).await;
    send(&store, recall(a, b, said[0].msg_key, us(T0 + 2)))
        .await
        .expect("recalled");
    assert!(found(&store, a, "说错了").await.is_empty());
    assert!(found(&store, b, "说错").await.is_empty());

    let group = create(&store, a).await;
    steps(
        &store,
        group,
        us(T0 + 3),
        vec![
            GroupStep::Join(b),
            GroupStep::Post(group_text(b, "群里的秘密", vec![0])),
        ],
    )
    .await;
    assert_eq!(found(&store, a, "群里的秘密").await, ["群里的秘密"]);
    assert_eq!(found(&store, b, "秘密").await, ["群里的秘密"]);
    assert!(
        found(&store, c, "群里的秘密").await.is_empty(),
        "not a member"
    );
    assert!(found(&store, c, "秘密").await.is_empty());
    steps(&store, group, us(T0 + 4), vec![GroupStep::Leave(b)]).await;
    assert!(
        found(&store, b, "群里的秘密").await.is_empty(),
        "no longer a member"
    );
}
