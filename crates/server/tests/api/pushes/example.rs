//! The documents' example session list (a system session, a user session
//! and a fan-group session side by side), produced through the admin API
//! and the client endpoints, and compared field by field.

use serde_json::{json, Value};
use sixin_api::admin::{CreateGroup, CreateUser, PushMessage};
use sixin_client::{EnvelopeExt, RelationAct};

use super::{make_system, message, pushed};
use crate::helpers::{cookie_of, relate, spawn_app};

/// Copies what differs from run to run (times, keys, and seqnos, which
/// are Bilibili's own large numbers in the example) from `actual`.
fn with_volatile_of(expected: &Value, actual: &Value) -> Value {
    let mut expected = expected.clone();
    for field in ["ack_seqno", "ack_ts", "session_ts", "max_seqno"] {
        expected[field] = actual[field].clone();
    }
    for field in ["msg_seqno", "timestamp", "msg_key"] {
        expected["last_msg"][field] = actual["last_msg"][field].clone();
    }
    expected
}

#[tokio::test]
async fn the_documents_session_list_is_produced_field_by_field() {
    let app = spawn_app().await;
    let user = |mid: u64, uname: &str| CreateUser {
        mid: Some(mid),
        uname: uname.into(),
        ..CreateUser::default()
    };
    for (mid, uname) in [
        (425503913u64, "wuziqian211"),
        (844424930131966, "up_assistant"),
        (293793435, "社会易姐QwQ"),
        (12345, "罗板栗"),
    ] {
        app.admin
            .create_user(&user(mid, uname))
            .await
            .unwrap()
            .into_data()
            .unwrap();
    }
    let owner = app.login_as(425503913).await;
    let (me, assistant, uploader) = (425503913u64, 844424930131966u64, 293793435u64);
    make_system(
        &app,
        assistant,
        7,
        "UP主小助手",
        "https://message.biliimg.com/bfs/im/489a63efadfb202366c2f88853d2217b5ddc7a13.png",
    )
    .await;
    relate(&owner, uploader, RelationAct::Follow).await;

    // The oldest: the fan group, whose last message welcomes 罗板栗.
    app.admin
        .create_group(&CreateGroup {
            group_id: Some(221082140),
            owner: uploader,
            name: "社会易姐QwQ的应援团".into(),
            cover: Some(
                "http://i0.hdslb.com/bfs/face/aebb2639a0d47f2ce1fec0631f412eaf53d4a0be.jpg".into(),
            ),
            group_type: 0,
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    app.admin.add_group_members(221082140, &[me]).await.unwrap();
    app.admin
        .add_group_members(221082140, &[12345])
        .await
        .unwrap();
    owner.group_update_ack(221082140, 3).await.unwrap();

    let examples: Value = serde_json::from_str(include_str!("session_list_example.json")).unwrap();
    let content_of = |i: usize| {
        examples[i]["last_msg"]["content"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // Then the uploader's video push, read.
    pushed(&app, &message(uploader, &[me], 11, &content_of(1))).await;
    owner.update_ack(uploader, 1).await.unwrap();

    // The newest: the assistant's notices, one read and four not.
    let notice = |content: String| PushMessage {
        notify_code: Some("2091_253".into()),
        ..message(assistant, &[me], 10, &content)
    };
    pushed(&app, &notice(content_of(0))).await;
    owner.update_ack(assistant, 1).await.unwrap();
    for _ in 0..4 {
        pushed(&app, &notice(content_of(0))).await;
    }

    let body = app
        .get_raw(
            "/session_svr/v1/session_svr/new_sessions?begin_ts=0&size=3&build=0&mobi_app=web",
            Some(&cookie_of(&owner)),
        )
        .await;
    let list = body["data"]["session_list"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    for (i, actual) in list.iter().enumerate() {
        let expected = with_volatile_of(&examples[i], actual);
        assert_eq!(actual, &expected, "session {i}");
        assert_eq!(
            serde_json::to_string(actual).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "session {i}, in the documents' order"
        );
    }
    assert_eq!(
        (list[0]["ack_seqno"].as_u64(), list[0]["max_seqno"].as_u64()),
        (Some(1), Some(5))
    );
    assert_eq!(
        body["data"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "session_list")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>(),
        json!({"has_more": 0, "anti_disturb_cleaning": false, "is_address_list_empty": 0, "show_level": false})
            .as_object()
            .unwrap()
            .clone()
    );
}

#[tokio::test]
async fn system_msg_names_every_system_session_not_only_the_page() {
    let app = spawn_app().await;
    let me = 425503913u64;
    let (anchor, up, pay, up_old, friend) = (
        844424930131967u64,
        844424930131966u64,
        844424930131965u64,
        844424930131964u64,
        293793435u64,
    );
    for (mid, uname) in [
        (me, "wuziqian211"),
        (anchor, "anchor_assistant"),
        (up, "up_assistant"),
        (pay, "pay_assistant"),
        (up_old, "old_up_assistant"),
        (friend, "社会易姐QwQ"),
    ] {
        app.admin
            .create_user(&CreateUser {
                mid: Some(mid),
                uname: uname.into(),
                ..CreateUser::default()
            })
            .await
            .unwrap()
            .into_data()
            .unwrap();
    }
    for (mid, kind, name) in [
        (anchor, 1, "主播小助手"),
        (up, 7, "UP主小助手"),
        (pay, 9, "支付小助手"),
        (up_old, 7, "UP主小助手"),
    ] {
        make_system(&app, mid, kind, name, "https://i0.hdslb.com/a.png").await;
    }
    // Oldest first; of the two UP主小助手 sessions the newer is named.
    for sender in [up_old, pay, anchor, up] {
        pushed(&app, &message(sender, &[me], 1, r#"{"content":"通知"}"#)).await;
    }
    let owner = app.login_as(me).await;
    let from_friend = app.login_as(friend).await;
    assert_eq!(from_friend.send_text(me, "hi").await.unwrap().code, 0);

    // A page of one holds the friend's session only; system_msg is the
    // documents' example all the same.
    let path = "/session_svr/v1/session_svr/get_sessions?session_type=4&group_fold=0&unfollow_fold=0&sort_rule=2&size=1&build=0&mobi_app=web";
    let body = app.get_raw(path, Some(&cookie_of(&owner))).await;
    assert_eq!(
        body["data"]["session_list"][0]["talker_id"], friend,
        "{body}"
    );
    assert_eq!(body["data"]["has_more"], 1);
    assert_eq!(
        body["data"]["system_msg"],
        json!({"1": anchor, "7": up, "9": pay}),
        "{body}"
    );

    // A removed session is not among them; someone without system
    // sessions has no system_msg at all.
    assert_eq!(owner.remove_session(pay).await.unwrap().code, 0);
    let body = app.get_raw(path, Some(&cookie_of(&owner))).await;
    assert_eq!(
        body["data"]["system_msg"],
        json!({"1": anchor, "7": up}),
        "{body}"
    );
    let body = app.get_raw(path, Some(&cookie_of(&from_friend))).await;
    assert!(body["data"].get("system_msg").is_none(), "{body}");
}
