//! Pins message block words in `MessageStore`: kept in the order added with
//! their time, the add decision sees the user's words, a refusal adds
//! nothing, removal by key; sends see the receiver's words, and a message
//! they hide is stored for its sender only while counting as sent.

use std::sync::Arc;

use sixin_api::message::msg_type;
use sixin_api::Code;

use super::helpers::{
    context, history, peek, plain, recall, refusal, send, send_facts, stored, text, unread, us,
    users, T0,
};
use crate::domain::message::block::{decide_add, key_of, BlockWord};
use crate::domain::message::session::Talker;
use crate::domain::Mid;
use crate::store::{Store, StoreError};

fn word(text: &str) -> BlockWord {
    BlockWord::parse(text).expect("a valid word")
}

/// Adds `text` to `who`'s words at `now` through the real rule.
async fn add(store: &Arc<dyn Store>, who: Mid, text: &str, now: i64) -> Result<(), StoreError> {
    let w = word(text);
    let decided = w.clone();
    store
        .add_block_word(
            who,
            w,
            now,
            Box::new(move |have| decide_add(&decided, have)),
        )
        .await
}

async fn words(store: &Arc<dyn Store>, who: Mid) -> Vec<(String, i64)> {
    store
        .block_words(who)
        .await
        .unwrap()
        .into_iter()
        .map(|(w, t)| (w.as_str().to_owned(), t))
        .collect()
}

pub(crate) async fn block_words_are_kept_in_order_and_removed_by_key(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    assert!(words(&store, a).await.is_empty());
    add(&store, a, "Spam", T0).await.unwrap();
    add(&store, a, "广告", T0 + 1).await.unwrap();
    add(&store, a, "abc", T0 - 5).await.unwrap();
    assert_eq!(
        words(&store, a).await,
        [
            ("Spam".to_owned(), T0),
            ("广告".to_owned(), T0 + 1),
            ("abc".to_owned(), T0 - 5)
        ],
        "in the order added, whatever their times"
    );
    let seen = peek(|d| store.add_block_word(a, word("x"), T0, d)).await;
    assert_eq!(seen, vec![word("Spam"), word("广告"), word("abc")]);

    assert_eq!(
        refusal(add(&store, a, "SPAM", T0 + 2).await),
        Code::BlockWordExists
    );
    assert_eq!(words(&store, a).await.len(), 3, "a refusal adds nothing");

    store.delete_block_word(a, key_of("sPaM")).await.unwrap();
    store
        .delete_block_word(a, key_of("never added"))
        .await
        .unwrap();
    assert_eq!(
        words(&store, a).await,
        [("广告".to_owned(), T0 + 1), ("abc".to_owned(), T0 - 5)]
    );
    add(&store, a, "spam", T0 + 3).await.unwrap();
    assert_eq!(words(&store, a).await[2], ("spam".to_owned(), T0 + 3));
    assert!(words(&store, b).await.is_empty(), "others keep theirs");
    add(&store, b, "abc", T0).await.unwrap();
    assert_eq!(words(&store, a).await.len(), 3);
}

pub(crate) async fn sends_see_the_receivers_block_words(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    assert!(send_facts(&store, plain(a, b, us(T0)))
        .await
        .receiver_block_words
        .is_empty());
    add(&store, b, "one", T0).await.unwrap();
    add(&store, b, "Two", T0).await.unwrap();
    add(&store, a, "mine", T0).await.unwrap();
    let facts = send_facts(&store, plain(a, b, us(T0))).await;
    assert_eq!(facts.receiver_block_words, vec![word("one"), word("Two")]);
}

pub(crate) async fn a_hidden_message_is_the_senders_only_and_counts_as_sent(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    add(&store, b, "spam", T0).await.unwrap();
    let sent = stored(send(&store, text(a, b, "SPAM here", us(T0))).await.unwrap());
    assert_eq!(sent.len(), 2, "the message and the stranger tip");
    assert_eq!(
        (sent[0].1, sent[1].1, sent[1].0.msg_type),
        (Some(a), Some(a), msg_type::SYSTEM_TIP)
    );
    assert_eq!(history(&store, a, b).await.len(), 2);
    assert!(history(&store, b, a).await.is_empty());
    assert_eq!(
        store.session(b, Talker::User(a)).await.unwrap(),
        None,
        "nothing to show b"
    );
    assert_eq!(unread(&store, b, a).await, 0);
    assert_eq!(
        refusal(send(&store, text(a, b, "hello?", us(T0) + 1)).await),
        Code::StrangerLimit,
        "the hidden message counts as the one a stranger may send"
    );

    let recalled = stored(
        send(&store, recall(a, b, sent[0].0.msg_key, us(T0) + 2))
            .await
            .unwrap(),
    );
    assert_eq!(recalled[0].1, Some(a), "its recall is hidden too");
    assert!(history(&store, b, a).await.is_empty());
    let mine = history(&store, a, b).await;
    assert_eq!(
        (mine[0].msg_type, mine.last().unwrap().msg_status),
        (msg_type::RECALL, 1)
    );
    assert_eq!(
        send_facts(&store, context(&text(b, a, "x", us(T0) + 3)))
            .await
            .receiver_sent,
        2,
        "a's message and its recall count as sent by a"
    );
}
