//! Recalls: within the window, once, only your own messages, never the
//! stranger tip.

use sixin_api::message::request::SendMsgForm;
use sixin_client::messages::text_content;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{
    acquainted, history_with, spawn_app, spawn_app_with, spawn_app_with_clock, unread_with,
};

#[tokio::test]
async fn recalls_work_within_the_window_and_only_once() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let sent = alice
        .send_text(b, "oops")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(unread_with(&bob, a).await, 1);
    // One form sent twice: the same timestamp, whenever the second goes.
    let recall_form = alice.message_to(b, 5, sent.msg_key.to_string());
    let recall = alice.send_msg(&recall_form).await.unwrap();
    assert_eq!(recall.code, 0);
    let recall_key = recall.data.unwrap().msg_key;
    assert_ne!(recall_key, sent.msg_key);

    let history = history_with(&bob, a).await;
    let messages = history.messages.unwrap();
    assert_eq!(messages[0].msg_type, 5);
    assert_eq!(messages[0].content, sent.msg_key.to_string());
    assert_eq!(messages[0].new_face_version, None);
    assert_eq!(messages[1].msg_key, sent.msg_key);
    assert_eq!(messages[1].msg_status, 1, "still returned, marked recalled");
    assert_eq!(unread_with(&bob, a).await, 0);

    // The same recall repeated at once is a retry and answers the same key...
    let retried = alice.send_msg(&recall_form).await.unwrap();
    assert_eq!(
        (retried.code, retried.data.unwrap().msg_key),
        (0, recall_key)
    );
    // ...while a new attempt finds the message already recalled.
    let again = alice
        .send_msg(&SendMsgForm {
            timestamp: Some(1),
            ..alice.message_to(b, 5, sent.msg_key.to_string())
        })
        .await
        .unwrap();
    assert_eq!(again.code, 21042);
    assert_eq!(alice.recall(b, 12345).await.unwrap().code, 10005);
    let theirs = history_key_of(&bob, a, "hi alice").await;
    assert_eq!(
        alice.recall(b, theirs).await.unwrap().code,
        -400,
        "only your own messages"
    );
    // A message of another conversation is unknown here.
    let (_, carol) = app.user("carol").await;
    let elsewhere = carol
        .send_text(a, "hey")
        .await
        .unwrap()
        .data
        .unwrap()
        .msg_key;
    assert_eq!(alice.recall(b, elsewhere).await.unwrap().code, 10005);
}

/// The msg_key of the text message `text` in `client`'s history with `talker`.
async fn history_key_of(client: &Client, talker: u64, text: &str) -> u64 {
    let history = client
        .fetch_session_msgs(talker, Some(200), None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    history
        .messages
        .unwrap()
        .into_iter()
        .find(|m| m.content == text_content(text))
        .map(|m| m.msg_key)
        .expect("message in history")
}

#[tokio::test]
async fn recalls_after_the_window_are_refused() {
    let app = spawn_app_with(|c| c.recall_window_secs = 0).await;
    let (_, alice, b, _) = acquainted(&app).await;
    let sent = alice
        .send_text(b, "too late")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let answer = alice.recall(b, sent.msg_key).await.unwrap();
    assert_eq!(answer.code, 21041);
    assert_eq!(answer.message, "消息已超期，不能撤回了哦");
}

#[tokio::test]
async fn a_message_can_be_recalled_for_exactly_two_minutes() {
    let (app, clock) = spawn_app_with_clock().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let on_time = alice
        .send_text(b, "on time")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let late = alice
        .send_text(b, "late")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    clock.advance_secs(120);
    assert_eq!(alice.recall(b, on_time.msg_key).await.unwrap().code, 0);
    clock.advance_secs(1);
    let answer = alice.recall(b, late.msg_key).await.unwrap();
    assert_eq!(answer.code, 21041);
}

#[tokio::test]
async fn the_stranger_tip_cannot_be_recalled() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    alice.send_text(b, "hello").await.unwrap();
    let mine = history_with(&alice, b).await;
    let tip = mine.messages.unwrap()[0].clone();
    assert_eq!(tip.msg_type, 18);
    assert_eq!(alice.recall(b, tip.msg_key).await.unwrap().code, 10005);
    assert_eq!(unread_with(&bob, a).await, 1);
}
