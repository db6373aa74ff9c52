//! Every documented message type, receive-only ones included, delivered
//! through the admin API and read back unchanged; and what the admin API
//! refuses.

use serde_json::{json, Value};
use sixin_api::admin::{PushMessage, Receivers};
use sixin_client::EnvelopeExt;

use super::{message, push, pushed};
use crate::helpers::{cookie_of, spawn_app};

/// The documents' example content of each type, as they print it.
fn examples() -> Vec<(i64, String)> {
    let all: Value =
        serde_json::from_str(include_str!("documented_examples.json")).expect("examples");
    all.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["msg_type"].as_i64().unwrap(),
                e["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_documented_example_is_delivered_and_read_back_unchanged() {
    let app = spawn_app().await;
    let (s, _sender) = app.user("推送者").await;
    let (r, reader) = app.user("reader").await;
    let examples = examples();
    assert!(examples.len() >= 13);
    for (kind, content) in &examples {
        let job = pushed(&app, &message(s, &[r], *kind, content)).await;
        assert_eq!(
            (job.state.as_str(), job.delivered, job.total),
            ("done", 1, 1)
        );
        let body = app
            .get_raw(
                &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={s}&session_type=1&size=1&mobi_app=web"),
                Some(&cookie_of(&reader)),
            )
            .await;
        let m = &body["data"]["messages"][0];
        assert_eq!(m["msg_type"], *kind);
        assert_eq!(m["content"].as_str(), Some(content.as_str()), "type {kind}");
        assert_eq!(m["msg_key"].as_u64(), job.msg_key);
        assert_eq!(m["msg_source"], 6);
        assert_eq!(m["at_uids"], Value::Null);
        assert_eq!(m["notify_code"], "");
        assert_eq!(m["new_face_version"], 1, "as the documents' pushes show it");
        assert_eq!(
            (m["sender_uid"].as_u64(), m["receiver_id"].as_u64()),
            (Some(s), Some(r))
        );
    }
    let history = reader
        .fetch_session_msgs(s, Some(100), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let seqnos: Vec<u64> = history
        .messages
        .unwrap()
        .iter()
        .map(|m| m.msg_seqno)
        .collect();
    let expected: Vec<u64> = (1..=examples.len() as u64).rev().collect();
    assert_eq!(seqnos, expected, "one conversation, gap-free");
}

#[tokio::test]
async fn content_given_as_an_object_is_stored_as_compact_json() {
    let app = spawn_app().await;
    let (s, _) = app.user("sender").await;
    let (r, reader) = app.user("reader").await;
    let card = PushMessage {
        content: json!({"pic_url": "http://p/x.png", "jump_url": "https://j", "title": "原神，启动！"}),
        msg_source: Some(5),
        notify_code: Some("2091_253".into()),
        ..message(s, &[r], 13, "")
    };
    pushed(&app, &card).await;
    let history = reader
        .fetch_session_msgs(s, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let m = &history.messages.unwrap()[0];
    assert_eq!(
        m.content,
        r#"{"pic_url":"http://p/x.png","jump_url":"https://j","title":"原神，启动！"}"#
    );
    assert_eq!((m.msg_source, m.notify_code.as_str()), (5, "2091_253"));
}

#[tokio::test]
async fn undocumented_types_and_contents_are_refused() {
    let app = spawn_app().await;
    let (s, _) = app.user("sender").await;
    let (r, reader) = app.user("reader").await;
    let refused = |kind, content: &str| message(s, &[r], kind, content);
    let cases: Vec<(PushMessage, &str)> = vec![
        (refused(15, "{}"), "msg_type 15"),
        (refused(0, "{}"), "msg_type 0"),
        (refused(5, "1"), "withdraw"),
        (refused(306, r#"{"content":"x"}"#), "fan group"),
        (refused(10, r#"{"title":"t"}"#), "content: text is missing"),
        (
            refused(11, r#"{"rid":"1"}"#),
            "content: rid must be a number",
        ),
        (
            refused(13, r#"{"pic_url":"p","title":"t","x":1}"#),
            "content: x is not a documented field",
        ),
        (refused(1, "not json"), "content: content is not JSON"),
        (
            PushMessage {
                msg_source: Some(14),
                ..refused(1, r#"{"content":"hi"}"#)
            },
            "msg_source 14",
        ),
        (
            PushMessage {
                notify_code: Some("abc".into()),
                ..refused(1, r#"{"content":"hi"}"#)
            },
            "notify_code",
        ),
        (
            PushMessage {
                receivers: Receivers::List(vec![]),
                ..refused(1, r#"{"content":"hi"}"#)
            },
            "receivers",
        ),
        (
            PushMessage {
                content: json!([1]),
                ..refused(1, "")
            },
            "content must be",
        ),
    ];
    for (message, why) in cases {
        let answer = push(&app, &message).await;
        assert_eq!(answer.code, -400, "{why}: {answer:?}");
        assert!(answer.message.contains(why), "{why}: {}", answer.message);
    }
    let unknown = push(&app, &message(404, &[r], 1, r#"{"content":"hi"}"#)).await;
    assert_eq!(unknown.code, 40061);
    let raw: Value = app
        .http
        .post(format!("{}/admin/v1/messages", app.base))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .json(&json!({"sender": s, "receivers": "everybody", "msg_type": 1, "content": "{}"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["code"], -400);
    assert!(
        raw["message"].as_str().unwrap().contains("receivers"),
        "{raw}"
    );
    let history = reader
        .fetch_session_msgs(s, None, None, None)
        .await
        .unwrap();
    assert_eq!(
        history.data.unwrap().messages,
        None,
        "nothing refused was delivered"
    );
}
