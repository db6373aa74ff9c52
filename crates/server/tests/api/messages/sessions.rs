//! Sessions: the session object, the session lists and their paging,
//! pinning and removing.

use serde_json::{json, Value};
use sixin_api::message::request::GetSessionsQuery;
use sixin_client::EnvelopeExt;

use crate::helpers::{acquainted, cookie_of, history_with, spawn_app};

#[tokio::test]
async fn the_session_object_has_every_documented_field() {
    let app = spawn_app().await;
    let (a, _alice, b, bob) = acquainted(&app).await;
    let cookie = cookie_of(&bob);
    let body = app
        .get_raw(&format!("/session_svr/v1/session_svr/session_detail?talker_id={a}&session_type=1&build=0&mobi_app=web"), Some(&cookie))
        .await;
    assert_eq!(body["code"], 0);
    assert_eq!(body["msg"], "0");
    let s = body["data"].as_object().unwrap();
    let fields = [
        "talker_id",
        "session_type",
        "at_seqno",
        "top_ts",
        "group_name",
        "group_cover",
        "is_follow",
        "is_dnd",
        "ack_seqno",
        "ack_ts",
        "session_ts",
        "unread_count",
        "last_msg",
        "group_type",
        "can_fold",
        "status",
        "max_seqno",
        "new_push_msg",
        "setting",
        "is_guardian",
        "is_intercept",
        "is_trust",
        "system_msg_type",
        "live_status",
        "biz_msg_unread_count",
        "user_label",
    ];
    for f in fields {
        assert!(s.contains_key(f), "session has {f}");
    }
    assert!(
        !s.contains_key("account_info"),
        "only system sessions have account_info"
    );
    assert_eq!(s.len(), fields.len());
    assert_eq!(s["talker_id"], a);
    assert_eq!(s["session_type"], 1);
    assert_eq!(s["user_label"], Value::Null);
    assert_eq!(s["group_name"], "");
    assert!(s["session_ts"].as_i64().unwrap() > 1_600_000_000_000_000);
    let m = s["last_msg"].as_object().unwrap();
    for f in [
        "sender_uid",
        "receiver_type",
        "receiver_id",
        "msg_type",
        "content",
        "msg_seqno",
        "timestamp",
        "at_uids",
        "msg_key",
        "msg_status",
        "notify_code",
        "new_face_version",
        "msg_source",
    ] {
        assert!(m.contains_key(f), "message has {f}");
    }
    assert!(m["content"].is_string());
    assert!(m["timestamp"].as_i64().unwrap() < 10_000_000_000, "seconds");
    let _ = b;
}

#[tokio::test]
async fn session_detail_of_someone_never_talked_to_is_1000004() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            &format!("/session_svr/v1/session_svr/session_detail?talker_id={b}&session_type=1"),
            Some(&cookie),
        )
        .await;
    // The upstream document gives this endpoint `data: null` on errors.
    assert_eq!(
        body,
        json!({"code": 1000004, "msg": "入口节点已存在", "message": "入口节点已存在", "ttl": 1, "data": null})
    );
}

#[tokio::test]
async fn new_sessions_are_newest_first_null_when_empty_and_paged_by_time() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            "/session_svr/v1/session_svr/new_sessions?begin_ts=0&build=0&mobi_app=web",
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "session_list": null, "has_more": 0, "anti_disturb_cleaning": false,
            "is_address_list_empty": 0, "show_level": false
        }})
    );
    let mut talkers = Vec::new();
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        let (mid, client) = app.user(name).await;
        client.send_text(alice.mid(), "hi").await.unwrap();
        talkers.push(mid);
    }
    let all = alice
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let order: Vec<u64> = all
        .session_list
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| s.talker_id)
        .collect();
    let mut expected = talkers.clone();
    expected.reverse();
    assert_eq!(order, expected);
    let page = alice
        .new_sessions(None, Some(2))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(page.session_list.as_ref().unwrap().len(), 2);
    assert_eq!(page.has_more, 1);
    // begin_ts: only sessions changed after it.
    let third_ts = all.session_list.as_ref().unwrap()[2].session_ts;
    let newer = alice
        .new_sessions(Some(third_ts), None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let newer: Vec<u64> = newer
        .session_list
        .unwrap()
        .iter()
        .map(|s| s.talker_id)
        .collect();
    assert_eq!(newer, expected[..2].to_vec());
    // get_sessions pages backwards with end_ts.
    let older = alice
        .get_sessions(&GetSessionsQuery {
            session_type: 4,
            end_ts: Some(third_ts),
            size: Some(10),
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let older: Vec<u64> = older
        .session_list
        .unwrap()
        .iter()
        .map(|s| s.talker_id)
        .collect();
    assert_eq!(older, expected[3..].to_vec());
    assert!(
        !alice
            .get_sessions(&GetSessionsQuery {
                session_type: 4,
                ..GetSessionsQuery::default()
            })
            .await
            .unwrap()
            .data
            .unwrap()
            .show_level,
        "show_level is false, as the seed says it always is"
    );
    assert_eq!(
        alice
            .get_sessions(&GetSessionsQuery {
                session_type: 42,
                ..GetSessionsQuery::default()
            })
            .await
            .unwrap()
            .code,
        2
    );
    assert_eq!(
        alice
            .get_sessions(&GetSessionsQuery {
                session_type: 7,
                ..GetSessionsQuery::default()
            })
            .await
            .unwrap()
            .data
            .unwrap()
            .session_list,
        None
    );
}

#[tokio::test]
async fn pinned_and_removed_sessions() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    assert_eq!(alice.set_top(b, true).await.unwrap().code, 0);
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert!(detail.top_ts > 1_600_000_000_000_000);
    alice.set_top(b, false).await.unwrap();
    assert_eq!(
        alice.session_detail(b).await.unwrap().data.unwrap().top_ts,
        0
    );

    bob.send_text(a, "unread").await.unwrap();
    assert_eq!(alice.remove_session(b).await.unwrap().code, 0);
    let list = alice.new_sessions(None, None).await.unwrap().data.unwrap();
    assert_eq!(list.session_list, None, "removed sessions are hidden");
    assert_eq!(
        alice
            .single_unread()
            .await
            .unwrap()
            .data
            .unwrap()
            .unfollow_unread,
        0
    );
    // History is kept (hi bob, the stranger tip, hi alice, unread), and the
    // next message brings the session back.
    let history = history_with(&alice, b).await;
    assert_eq!(history.messages.unwrap().len(), 4);
    bob.send_text(a, "again").await.unwrap();
    let list = alice.new_sessions(None, None).await.unwrap().data.unwrap();
    assert_eq!(list.session_list.unwrap()[0].unread_count, 1);
}

#[tokio::test]
async fn fold_flags_are_accepted_whatever_their_value() {
    let app = spawn_app().await;
    let (_, alice, _, _) = acquainted(&app).await;
    for flags in [
        "group_fold=1&unfollow_fold=0",
        "group_fold=abc&unfollow_fold=true",
    ] {
        let body = app
            .get_raw(
                &format!("/session_svr/v1/session_svr/get_sessions?session_type=1&{flags}"),
                Some(&cookie_of(&alice)),
            )
            .await;
        assert_eq!(body["code"], 0, "{flags}: {body}");
        assert_eq!(body["data"]["session_list"].as_array().unwrap().len(), 1);
    }
}
