//! Message block words: the list and its limits, and what they do to the
//! messages the user receives (hidden from them, unknown to the sender).

use serde_json::json;
use sixin_api::message::BlockWord;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{acquainted, cookie_of, history_with, spawn_app, unread_with};

/// `client`'s words, in order.
async fn words_of(client: &Client) -> Vec<String> {
    client
        .block_words()
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .words
        .unwrap_or_default()
        .into_iter()
        .map(|BlockWord { content, .. }| content)
        .collect()
}

async fn add(client: &Client, word: &str) -> i64 {
    client.add_block_word(word).await.unwrap().code
}

#[tokio::test]
async fn block_words_are_listed_as_documented() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let cookie = cookie_of(&alice);
    let path = "/x/im/link_setting/get_block_words?build=0&mobi_app=web";
    assert_eq!(
        app.get_raw(path, Some(&cookie)).await,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "words": null, "message": "", "max_word_length": 20, "max_words_size": 200
        }})
    );
    let added = app
        .post_form_as(
            &alice,
            "/x/im/link_setting/add_block_word",
            &[("content", "屏蔽词"), ("build", "0"), ("mobi_app", "web")],
        )
        .await;
    assert_eq!(
        added,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
    );
    assert_eq!(add(&alice, "second").await, 0);
    let body = app.get_raw(path, Some(&cookie)).await;
    let words = body["data"]["words"].as_array().unwrap();
    assert_eq!(words.len(), 2);
    assert_eq!(
        words[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["content", "ctime"]
    );
    assert_eq!(words[0]["content"], "屏蔽词");
    assert_eq!(words[1]["content"], "second", "in the order added");
    assert!(words[0]["ctime"].as_i64().unwrap() > 1_600_000_000);
    let removed = app
        .post_form_as(
            &alice,
            "/x/im/link_setting/del_block_word",
            &[("content", "屏蔽词")],
        )
        .await;
    assert_eq!(
        removed,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
    );
    assert_eq!(words_of(&alice).await, ["second"]);
}

#[tokio::test]
async fn block_words_are_refused_as_documented() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let refused = alice.add_block_word(&"长".repeat(21)).await.unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (1900004, "添加失败，屏蔽词限制最多20个字")
    );
    assert_eq!(add(&alice, &"长".repeat(20)).await, 0);
    let spaced = alice.add_block_word("two words").await.unwrap();
    assert_eq!(
        (spaced.code, spaced.message.as_str()),
        (1900007, "添加失败，屏蔽词不支持空格")
    );
    assert_eq!(add(&alice, "Spam").await, 0);
    let again = alice.add_block_word("sPAM").await.unwrap();
    assert_eq!(
        (again.code, again.message.as_str()),
        (1900006, "添加失败，屏蔽词重复")
    );
    for i in 2..200 {
        assert_eq!(add(&alice, &format!("w{i}")).await, 0);
    }
    let full = alice.add_block_word("one-more").await.unwrap();
    assert_eq!(
        (full.code, full.message.as_str()),
        (1900005, "添加失败，最多可以添加200个屏蔽词")
    );
    assert_eq!(words_of(&alice).await.len(), 200);
    assert_eq!(add(&bob, "spam").await, 0, "each user has their own");

    for form in [vec![], vec![("content", "")], vec![("contents", "x")]] {
        for path in ["add_block_word", "del_block_word"] {
            let body = app
                .post_form_as(&bob, &format!("/x/im/link_setting/{path}"), &form)
                .await;
            assert_eq!(body["code"], -400, "{path} {form:?}");
            assert_eq!(body["msg"], body["message"]);
        }
    }
    assert_eq!(alice.del_block_word("never added").await.unwrap().code, 0);
    assert_eq!(alice.del_block_word("SPAM").await.unwrap().code, 0);
    assert_eq!(words_of(&alice).await.len(), 199, "any spelling removes it");
    assert_eq!(words_of(&bob).await, ["spam"]);
}

#[tokio::test]
async fn a_message_with_a_block_word_is_hidden_from_its_receiver_only() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    assert_eq!(add(&bob, "广告").await, 0);
    assert_eq!(add(&bob, "FREE").await, 0);
    let bob_before = history_with(&bob, a).await;
    let unread_before = unread_with(&bob, a).await;

    for text in ["这是广告哦", "get it for free"] {
        let sent = alice.send_text(b, text).await.unwrap();
        assert_eq!(sent.code, 0, "the sender is told nothing");
        assert!(sent.data.unwrap().msg_key > 0);
    }
    let mine = history_with(&alice, b).await.messages.unwrap();
    assert!(mine[0].content.contains("free") && mine[1].content.contains("广告"));
    assert_eq!(history_with(&bob, a).await, bob_before);
    assert_eq!(unread_with(&bob, a).await, unread_before);
    let session = bob.session_detail(a).await.unwrap().into_data().unwrap();
    assert_eq!(
        session.last_msg.as_ref().map(|m| m.msg_key),
        bob_before
            .messages
            .as_ref()
            .and_then(|m| m.first())
            .map(|m| m.msg_key),
        "bob's session did not move"
    );

    let recall = alice.recall(b, mine[0].msg_key).await.unwrap();
    assert_eq!(recall.code, 0, "a hidden message is recalled as any other");
    assert_eq!(
        history_with(&alice, b).await.messages.unwrap()[1].msg_status,
        1
    );
    assert_eq!(
        history_with(&bob, a).await,
        bob_before,
        "nor is its recall shown"
    );

    assert_eq!(alice.send_text(b, "plain words").await.unwrap().code, 0);
    assert_eq!(unread_with(&bob, a).await, unread_before + 1);
    assert_eq!(bob.del_block_word("广告").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "广告 again").await.unwrap().code, 0);
    let shown: Vec<String> = history_with(&bob, a)
        .await
        .messages
        .unwrap()
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert!(
        shown[0].contains("广告 again"),
        "removed words hide no more"
    );
    assert!(shown[1].contains("plain words"));
    assert!(
        shown.iter().all(|c| !c.contains("这是广告")),
        "what was hidden stays hidden"
    );

    assert_eq!(
        bob.send_text(a, "free 广告 from bob").await.unwrap().code,
        0
    );
    let theirs = history_with(&alice, b).await.messages.unwrap();
    assert!(
        theirs[0].content.contains("free 广告 from bob"),
        "only the receiver's words count"
    );
}

#[tokio::test]
async fn a_hidden_message_is_still_a_strangers_one_message() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (_, carol) = app.user("carol").await;
    assert_eq!(add(&alice, "buy").await, 0);
    let first = carol.send_text(a, "BUY now").await.unwrap();
    assert_eq!(first.code, 0);
    let second = carol.send_text(a, "hello?").await.unwrap();
    assert_eq!(
        second.code, 21047,
        "as if the first had been delivered: the sender cannot tell"
    );
    let carols = history_with(&carol, a).await.messages.unwrap();
    assert_eq!(carols.len(), 2, "the message and the stranger tip");
    let (dave, _) = app.user("dave").await;
    for talker in [carol.mid(), dave] {
        let detail = alice.session_detail(talker).await.unwrap();
        assert_eq!(
            detail.code, 1000004,
            "no session with carol, as with dave, who never wrote"
        );
    }
    let single = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!((single.unfollow_unread, single.follow_unread), (0, 0));
    let sessions = alice
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(sessions.session_list, None, "alice has nothing to see");
}
