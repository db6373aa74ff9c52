//! `/sixin/v1/messages/search`: one's own conversations only, Chinese
//! included, newest first in pages; never another user's messages.

use serde_json::json;
use sixin_client::EnvelopeExt;

use crate::groups::group_of;
use crate::helpers::{acquainted, assert_code, cookie_of, relate, spawn_app, three};

/// The texts of what `client` finds for `keyword`, newest first.
async fn texts(client: &sixin_client::Client, keyword: &str) -> Vec<String> {
    let found = client
        .search_messages(keyword, None, Some(50))
        .await
        .unwrap()
        .into_data()
        .expect("a search page");
    found
        .messages
        .iter()
        .map(|f| {
            serde_json::from_str::<serde_json::Value>(&f.message.content).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_search_finds_chinese_in_your_own_conversations_and_never_anyone_elses() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let (d, dave) = app.user("dave").await;
    assert_code(&alice.send_text(b, "周末去爬山吧").await.unwrap(), 0);
    assert_code(&bob.send_text(a, "好，爬山要带水").await.unwrap(), 0);
    // Carol and Dave talk about the same thing, privately.
    assert_code(&carol.send_text(d, "爬山的秘密路线").await.unwrap(), 0);
    assert_code(
        &dave.send_text(c, "别告诉 alice 爬山路线").await.unwrap(),
        0,
    );

    assert_eq!(
        texts(&alice, "爬山").await,
        ["好，爬山要带水", "周末去爬山吧"]
    );
    assert_eq!(texts(&alice, "秘密路线").await, Vec::<String>::new());
    assert_eq!(texts(&alice, "路线").await, Vec::<String>::new());
    assert_eq!(texts(&alice, "alice").await, Vec::<String>::new());
    assert_eq!(
        texts(&carol, "爬山").await,
        ["别告诉 alice 爬山路线", "爬山的秘密路线"]
    );

    // Each result says which session it is in, from the searcher's side.
    let found = bob
        .search_messages("爬山", None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(found.messages.len(), 2);
    assert!(found
        .messages
        .iter()
        .all(|f| (f.talker_id, f.session_type) == (a, 1)));
    assert!(!found.has_more);
}

#[tokio::test]
async fn a_search_reaches_fan_groups_you_are_in_and_pages_back() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (_, carol)) = three(&app).await;
    let g = group_of(&app, a, "登山群", &[b]).await;
    for i in 1..=5 {
        assert_code(
            &bob.send_group_text(g, &format!("第{i}次登山"), &[])
                .await
                .unwrap(),
            0,
        );
    }
    assert_eq!(texts(&carol, "登山").await, Vec::<String>::new());

    let first = alice
        .search_messages("登山", None, Some(2))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(first.has_more);
    assert_eq!(
        (first.messages[0].talker_id, first.messages[0].session_type),
        (g, 2)
    );
    let mut seen: Vec<u64> = first.messages.iter().map(|f| f.message.msg_seqno).collect();
    let mut before = first.messages.last().unwrap().message.msg_key;
    loop {
        let page = alice
            .search_messages("登山", Some(before), Some(2))
            .await
            .unwrap()
            .into_data()
            .unwrap();
        seen.extend(page.messages.iter().map(|f| f.message.msg_seqno));
        if !page.has_more {
            break;
        }
        before = page.messages.last().unwrap().message.msg_key;
    }
    let mut newest_first = seen.clone();
    newest_first.sort_unstable_by(|x, y| y.cmp(x));
    assert_eq!(seen, newest_first, "newest first, nothing twice");
    assert_eq!(seen.len(), 5, "every match, over the pages");
}

#[tokio::test]
async fn a_search_answers_the_envelope_and_refuses_what_it_cannot_look_for() {
    let app = spawn_app().await;
    let ((_, alice), (b, _), _) = three(&app).await;
    assert_code(&alice.send_text(b, "hello [doge]").await.unwrap(), 0);
    let raw = app
        .get_raw(
            "/sixin/v1/messages/search?keyword=HELLO",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(raw["code"], 0, "{raw}");
    assert_eq!(raw["data"]["has_more"], false);
    assert_eq!(raw["data"]["messages"][0]["talker_id"], json!(b));
    assert_eq!(raw["data"]["messages"][0]["session_type"], 1);
    assert!(raw["data"]["messages"][0]["message"]["msg_key"].is_u64());
    assert_eq!(raw["data"]["e_infos"][0]["text"], "[doge]");
    let none = app
        .get_raw(
            "/sixin/v1/messages/search?keyword=nothing%20like%20it",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(none["data"]["messages"], json!([]));
    assert!(none["data"].get("e_infos").is_none());

    for bad in ["", "%20%20", &"x".repeat(65)] {
        let refused = app
            .get_raw(
                &format!("/sixin/v1/messages/search?keyword={bad}"),
                Some(&cookie_of(&alice)),
            )
            .await;
        assert_eq!(refused["code"], -400, "{bad:?}: {refused}");
        assert!(refused["message"].as_str().unwrap().contains("keyword"));
    }
    let anonymous = app
        .get_raw("/sixin/v1/messages/search?keyword=hello", None)
        .await;
    assert_eq!(anonymous["code"], -101);
}

#[tokio::test]
async fn a_message_is_found_as_soon_as_its_send_is_acknowledged_even_amid_a_burst() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (c, carol) = app.user("carol").await;
    relate(&carol, a, sixin_client::RelationAct::Block).await;
    // Sends from both sides at once share the writer's transactions; each
    // sender searches for its text the moment the send is acknowledged.
    let send_then_search = |client: &sixin_client::Client, to: u64, i: usize| {
        let client = client.clone();
        async move {
            let text = format!("并发消息 {i} 号");
            assert_code(&client.send_text(to, &text).await.unwrap(), 0);
            assert_eq!(texts(&client, &text).await, [text]);
        }
    };
    let mut burst: Vec<_> = (0..8)
        .flat_map(|i| {
            [
                tokio::spawn(send_then_search(&alice, b, 2 * i)),
                tokio::spawn(send_then_search(&bob, a, 2 * i + 1)),
            ]
        })
        .collect();
    // One refused in the midst of them (Carol blocked Alice) is nowhere.
    let refused = alice.send_text(c, "并发消息 被拒绝").await.unwrap();
    assert_eq!(refused.code, 25003);
    for task in burst.drain(..) {
        task.await.unwrap();
    }
    assert_eq!(texts(&alice, "并发消息").await.len(), 16);
    assert_eq!(texts(&bob, "并发消息").await.len(), 16);
    assert!(texts(&alice, "被拒绝").await.is_empty());
    assert!(texts(&carol, "并发消息").await.is_empty());
}
