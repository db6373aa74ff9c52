//! Private messages through HTTP: sending and its rules, sessions, history,
//! read state and unread counts.

use serde_json::{json, Value};
use sixin_api::message::request::{GetSessionsQuery, SendMsgForm};
use sixin_api::message::EMPTY_MIN_SEQNO;
use sixin_client::messages::text_content;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{cookie_of, spawn_app, spawn_app_with, TestApp};

/// `POST path` as `client` with a url-encoded form; csrf added unless present.
async fn post_as(app: &TestApp, client: &Client, path: &str, form: &[(&str, &str)]) -> Value {
    let mut fields: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !form.iter().any(|(k, _)| *k == "csrf") {
        let jct = client.cookies().unwrap().bili_jct.clone();
        fields.push(("csrf".into(), jct.clone()));
        fields.push(("csrf_token".into(), jct));
    }
    app.http
        .post(format!("{}{path}", app.base))
        .header("Cookie", cookie_of(client))
        .form(&fields)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A form for send_msg as the documents show it.
fn send_form(
    sender: u64,
    receiver: u64,
    msg_type: i64,
    content: &str,
    dev_id: &str,
    ts: i64,
) -> Vec<(String, String)> {
    vec![
        ("msg[sender_uid]".into(), sender.to_string()),
        ("msg[receiver_id]".into(), receiver.to_string()),
        ("msg[receiver_type]".into(), "1".into()),
        ("msg[msg_type]".into(), msg_type.to_string()),
        ("msg[msg_status]".into(), "0".into()),
        ("msg[dev_id]".into(), dev_id.into()),
        ("msg[timestamp]".into(), ts.to_string()),
        ("msg[new_face_version]".into(), "1".into()),
        ("msg[content]".into(), content.into()),
    ]
}

async fn send_raw(app: &TestApp, client: &Client, form: Vec<(String, String)>) -> Value {
    let jct = client.cookies().unwrap().bili_jct.clone();
    let mut form = form;
    form.push(("csrf".into(), jct.clone()));
    form.push(("csrf_token".into(), jct));
    app.http
        .post(format!("{}/web_im/v1/web_im/send_msg", app.base))
        .header("Cookie", cookie_of(client))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Alice and Bob, who have already exchanged a message each, so that neither
/// is limited as a stranger.
async fn acquainted(app: &TestApp) -> (u64, Client, u64, Client) {
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    assert_eq!(alice.send_text(b, "hi bob").await.unwrap().code, 0);
    assert_eq!(bob.send_text(a, "hi alice").await.unwrap().code, 0);
    (a, alice, b, bob)
}

#[tokio::test]
async fn a_text_message_answers_exactly_as_documented() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let content = "{\"content\":\"up主你好,\\n催更[doge]\"}";
    let body = send_raw(
        &app,
        &alice,
        send_form(
            alice.mid(),
            b,
            1,
            content,
            "372778FD-E359-461D-86A3-EA2BCC6FF52A",
            1626181379,
        ),
    )
    .await;
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "0");
    assert_eq!(body["ttl"], 1);
    assert!(
        body.get("msg").is_none(),
        "send_msg has no msg field: {body}"
    );
    let data = body["data"].as_object().unwrap();
    assert!(
        data["msg_key"].as_u64().unwrap() > 1 << 53,
        "keys beyond 2^53 like Bilibili's"
    );
    assert_eq!(data["msg_content"], content);
    assert_eq!(data["key_hit_infos"], json!({}));
    // [doge] is in the catalogue, so e_infos appears, served by this server.
    let e = &data["e_infos"][0];
    assert_eq!(e["text"], "[doge]");
    assert!(e["uri"].as_str().unwrap().starts_with(&app.base));
    assert_eq!(e["size"], 1);
    let image = app
        .http
        .get(e["uri"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn payment_words_attach_the_documented_warning() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let body = send_raw(
        &app,
        &alice,
        send_form(alice.mid(), b, 1, "{\"content\":\"支付宝\"}", "d", 1),
    )
    .await;
    assert_eq!(body["code"], 0);
    assert_eq!(
        body["data"]["key_hit_infos"],
        json!({
            "toast": "【温馨提示】为保障消费者权益，根据平台规则，如创作者在与消费者沟通中进行发布要求非法转账、欺诈转账等违规行为，平台有权对此进行处罚，感谢您的理解。",
            "rule_id": 2,
            "high_text": [{}]
        })
    );
    assert!(body["data"].get("e_infos").is_none());
}

#[tokio::test]
async fn send_errors_carry_null_data_and_store_nothing() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let cases: Vec<(Vec<(String, String)>, i64)> = vec![
        (send_form(a, a, 1, &text_content("me"), "d", 1), 21026),
        (send_form(b, b, 1, &text_content("spoof"), "d", 1), -400),
        (send_form(b, a, 1, &text_content("spoof"), "d", 1), -400),
        (send_form(a, b, 10, "{}", "d", 1), 21035),
        (send_form(a, b, 11, "{}", "d", 1), 21035),
        (send_form(a, b, 18, "{}", "d", 1), 21035),
        (send_form(a, b, 1, "{\"content\":\"\"}", "d", 1), -400),
        (send_form(a, b, 1, "not json", "d", 1), -400),
        (
            send_form(a, b, 1, &text_content(&"长".repeat(1000)), "d", 1),
            21007,
        ),
        (
            send_form(
                a,
                b,
                2,
                "{\"url\":\"https://i0.hdslb.com/bfs/face/x.jpg\"}",
                "d",
                1,
            ),
            21037,
        ),
        (
            send_form(a, b, 6, "{\"url\":\"https://example.test/x.png\"}", "d", 1),
            21037,
        ),
        (
            send_form(a, 999_999, 1, &text_content("nobody"), "d", 1),
            -400,
        ),
    ];
    for (form, code) in cases {
        let body = send_raw(&app, &alice, form.clone()).await;
        assert_eq!(body["code"], code, "{form:?} -> {body}");
        assert_eq!(body["data"], Value::Null, "{body}");
        assert!(
            body.as_object().unwrap().contains_key("data"),
            "data is present as null"
        );
    }
    let mut wrong_type = send_form(a, b, 1, &text_content("x"), "d", 1);
    wrong_type[0].1 = "abc".into();
    assert_eq!(send_raw(&app, &alice, wrong_type).await["code"], -400);
    // Nothing was stored: neither side has a session.
    assert_eq!(
        alice
            .new_sessions(None, None)
            .await
            .unwrap()
            .data
            .unwrap()
            .session_list,
        None
    );
    assert_eq!(
        bob.new_sessions(None, None)
            .await
            .unwrap()
            .data
            .unwrap()
            .session_list,
        None
    );
}

#[tokio::test]
async fn a_stranger_may_send_one_message_followed_by_a_tip_only_they_see() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let first = alice.send_text(b, "hello?").await.unwrap();
    assert_eq!(first.code, 0);
    let second = alice.send_text(b, "hello??").await.unwrap();
    assert_eq!(second.code, 21047);
    assert_eq!(second.message, "对方主动回复或关注你前，最多发送1条消息~");

    let mine = alice
        .fetch_session_msgs(b, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let mine = mine.messages.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].msg_type, 18);
    assert_eq!(mine[0].msg_source, 18);
    let tip: Value = serde_json::from_str(&mine[0].content).unwrap();
    let tips: Value = serde_json::from_str(tip["content"].as_str().unwrap()).unwrap();
    assert_eq!(tips[0]["text"], "对方主动回复或关注你前，最多发送1条消息");
    assert_eq!(tips[0]["color_day"], "#9499A0");
    assert_eq!(mine[1].msg_type, 1);

    let theirs = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let theirs = theirs.messages.unwrap();
    assert_eq!(theirs.len(), 1, "the tip is not shown to the receiver");
    assert_eq!(theirs[0].msg_key, mine[1].msg_key);
    assert_eq!(
        theirs[0].msg_seqno, mine[1].msg_seqno,
        "both sides see the same seqno"
    );

    // Once Bob replies, Alice may talk freely.
    assert_eq!(bob.send_text(a, "hi").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "great").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "more").await.unwrap().code, 0);
}

#[tokio::test]
async fn two_users_converse_while_a_third_is_refused() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (_, carol) = app.user("carol").await;
    for i in 0..3 {
        assert_eq!(alice.send_text(b, &format!("a{i}")).await.unwrap().code, 0);
        assert_eq!(bob.send_text(a, &format!("b{i}")).await.unwrap().code, 0);
    }
    assert_eq!(carol.send_text(b, "let me in").await.unwrap().code, 0);
    assert_eq!(carol.send_text(b, "please").await.unwrap().code, 21047);

    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 8);
    let seqnos: Vec<u64> = messages.iter().map(|m| m.msg_seqno).collect();
    assert!(
        seqnos.windows(2).all(|w| w[0] > w[1]),
        "newest first, strictly: {seqnos:?}"
    );
    assert_eq!(history.max_seqno, seqnos[0]);
    assert_eq!(history.min_seqno, *seqnos.last().unwrap());
    let texts: Vec<String> = messages
        .iter()
        .rev()
        .map(|m| {
            serde_json::from_str::<Value>(&m.content).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        texts,
        ["hi bob", "hi alice", "a0", "b0", "a1", "b1", "a2", "b2"]
    );
    let m = &messages[0];
    assert_eq!(m.sender_uid, b, "bob sent the newest");
    assert_eq!(m.receiver_id, a);
    assert_eq!(m.receiver_type, 1);
    assert_eq!(m.msg_source, 7);
    assert_eq!(m.at_uids, Some(vec![0]));
    assert_eq!(m.notify_code, "");
    assert_eq!(m.msg_status, 0);

    // Bob's session list: carol (newest) then alice.
    let list = bob
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let sessions = list.session_list.unwrap();
    let talkers: Vec<u64> = sessions.iter().map(|s| s.talker_id).collect();
    assert_eq!(talkers, vec![carol.mid(), a]);
}

#[tokio::test]
async fn history_is_empty_as_documented_before_any_message() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            &format!(
                "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1&size=20"
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "messages": null, "has_more": 0, "min_seqno": 18446744073709551615u64, "max_seqno": 0
        }})
    );
    assert_eq!(EMPTY_MIN_SEQNO, 18446744073709551615);
}

#[tokio::test]
async fn paging_back_and_forth_returns_every_message_exactly_once() {
    let app = spawn_app_with(|c| c.send_burst = 1000).await;
    let (a, alice, b, bob) = acquainted(&app).await;
    for i in 0..45 {
        assert_eq!(alice.send_text(b, &format!("m{i}")).await.unwrap().code, 0);
    }
    // Backwards from the newest, 10 at a time.
    let mut seen = Vec::new();
    let mut end = None;
    loop {
        let page = bob
            .fetch_session_msgs(a, Some(10), None, end)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        let msgs = page.messages.unwrap_or_default();
        seen.extend(msgs.iter().map(|m| m.msg_seqno));
        if page.has_more == 0 {
            break;
        }
        assert_eq!(msgs.len(), 10);
        end = Some(page.min_seqno);
    }
    assert_eq!(seen.len(), 47);
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 47, "no message twice");

    // Forwards: everything after a seqno, exclusive.
    let pivot = sorted[20];
    let page = bob
        .fetch_session_msgs(a, Some(200), Some(pivot), None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let newer: Vec<u64> = page.messages.unwrap().iter().map(|m| m.msg_seqno).collect();
    assert_eq!(newer.len(), 26);
    assert!(newer.iter().all(|s| *s > pivot));
    // Both bounds exclusive.
    let page = bob
        .fetch_session_msgs(a, None, Some(sorted[10]), Some(sorted[14]))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let between: Vec<u64> = page.messages.unwrap().iter().map(|m| m.msg_seqno).collect();
    assert_eq!(between, vec![sorted[13], sorted[12], sorted[11]]);
    // size is capped at 200 and defaults to 20.
    let page = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(page.messages.unwrap().len(), 20);
    assert_eq!(page.has_more, 1);
}

#[tokio::test]
async fn reading_moves_forward_only_and_fetching_marks_nothing_read() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    for i in 0..4 {
        alice.send_text(b, &format!("n{i}")).await.unwrap();
    }
    let detail = bob.session_detail(a).await.unwrap().into_data().unwrap();
    // "hi bob" was read when Bob replied; the 4 new ones are not.
    assert_eq!(detail.unread_count, 4);
    // Fetching does not mark read.
    bob.fetch_session_msgs(a, None, None, None).await.unwrap();
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        4
    );

    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let seqnos: Vec<u64> = history
        .messages
        .unwrap()
        .iter()
        .map(|m| m.msg_seqno)
        .collect();
    // Read up to the second of the four new messages.
    let body = post_as(
        &app,
        &bob,
        "/session_svr/v1/session_svr/update_ack",
        &[
            ("talker_id", &a.to_string()),
            ("session_type", "1"),
            ("ack_seqno", &seqnos[2].to_string()),
        ],
    )
    .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
    );
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 2);
    assert_eq!(detail.ack_seqno, seqnos[2]);
    assert!(detail.ack_ts > 1_600_000_000_000_000, "microseconds");
    // Backwards is ignored.
    bob.update_ack(a, Some(seqnos[3])).await.unwrap();
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.ack_seqno, seqnos[2]);
    assert_eq!(detail.unread_count, 2);
    // Without a seqno: everything.
    bob.update_ack(a, None).await.unwrap();
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 0);
    assert_eq!(detail.ack_seqno, seqnos[0]);
    // Alice never had unread messages from her own sends.
    assert_eq!(
        alice
            .session_detail(b)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        0
    );
}

#[tokio::test]
async fn sending_marks_the_session_read_for_the_sender() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    bob.send_text(a, "one").await.unwrap();
    bob.send_text(a, "two").await.unwrap();
    assert_eq!(
        alice
            .session_detail(b)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        3
    );
    let sent = alice
        .send_text(b, "reply")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 0);
    let last = detail.last_msg.unwrap();
    assert_eq!(last.msg_key, sent.msg_key);
    assert_eq!(detail.ack_seqno, last.msg_seqno);
    assert_eq!(detail.max_seqno, last.msg_seqno);
}

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
        alice
            .get_sessions(&GetSessionsQuery {
                session_type: 4,
                ..GetSessionsQuery::default()
            })
            .await
            .unwrap()
            .data
            .unwrap()
            .show_level
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
    let history = alice
        .fetch_session_msgs(b, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(history.messages.unwrap().len(), 4);
    bob.send_text(a, "again").await.unwrap();
    let list = alice.new_sessions(None, None).await.unwrap().data.unwrap();
    assert_eq!(list.session_list.unwrap()[0].unread_count, 1);
}

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
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        1
    );
    let recall = alice.recall(b, sent.msg_key).await.unwrap();
    assert_eq!(recall.code, 0);
    let recall_key = recall.data.unwrap().msg_key;
    assert_ne!(recall_key, sent.msg_key);

    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages[0].msg_type, 5);
    assert_eq!(messages[0].content, sent.msg_key.to_string());
    assert_eq!(messages[0].new_face_version, None);
    assert_eq!(messages[1].msg_key, sent.msg_key);
    assert_eq!(messages[1].msg_status, 1, "still returned, marked recalled");
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        0
    );

    // The same recall repeated at once is a retry and answers the same key...
    let retried = alice.recall(b, sent.msg_key).await.unwrap();
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
async fn a_retried_send_returns_the_first_key_and_stores_nothing_new() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let msg = SendMsgForm {
        dev_id: Some("CONSTANT-DEV-ID".into()),
        timestamp: Some(1_700_000_000),
        ..alice.message_to(b, 1, text_content("exactly once"))
    };
    let first = alice.send_msg(&msg).await.unwrap().into_data().unwrap();
    let again = alice.send_msg(&msg).await.unwrap().into_data().unwrap();
    assert_eq!(first.msg_key, again.msg_key);
    assert_eq!(again.msg_content, first.msg_content);
    // The same dev_id with other content or another timestamp is a new message.
    let other = alice
        .send_msg(&SendMsgForm {
            content: text_content("different"),
            ..msg.clone()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_ne!(other.msg_key, first.msg_key);
    let later = alice
        .send_msg(&SendMsgForm {
            timestamp: Some(1_700_000_001),
            ..msg.clone()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_ne!(later.msg_key, first.msg_key);
    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(history.messages.unwrap().len(), 2 + 3);
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        3
    );
}

#[tokio::test]
async fn old_emoji_names_are_converted_and_history_lists_emoji() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let sent = alice
        .send_msg(&SendMsgForm {
            new_face_version: Some(0),
            ..alice.message_to(b, 1, text_content("[doge][口罩]"))
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        sent.msg_content.as_deref(),
        Some(text_content("[tv_doge][口罩]").as_str())
    );
    let texts: Vec<String> = sent.e_infos.unwrap().into_iter().map(|e| e.text).collect();
    assert_eq!(texts, ["[tv_doge]", "[口罩]"]);
    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let e_infos = history.e_infos.expect("history with emoji lists them");
    assert_eq!(e_infos.len(), 2);
    assert!(e_infos
        .iter()
        .all(|e| e.uri.starts_with(&app.base) && e.url == e.uri));
    // A page without emoji has no e_infos.
    let first_seqno = history.messages.as_ref().unwrap().last().unwrap().msg_seqno;
    let plain = bob
        .fetch_session_msgs(a, None, None, Some(first_seqno + 1))
        .await
        .unwrap()
        .data
        .unwrap();
    assert!(plain.e_infos.is_none());
}

#[tokio::test]
async fn images_must_be_uploaded_here_first() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let png = include_bytes!("../../assets/noface.png").to_vec();
    let uploaded = alice.upload_image(png.clone(), "face.png").await.unwrap();
    assert_eq!(uploaded.code, 0, "{uploaded:?}");
    let image = uploaded.data.unwrap();
    assert!(image
        .image_url
        .starts_with(&format!("{}/bfs/im/", app.base)));
    assert_eq!((image.image_width, image.image_height), (96, 96));
    assert!(image.img_size > 0.0);
    let served = app.http.get(&image.image_url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);

    let content = json!({"url": image.image_url, "height": 96, "width": 96, "imageType": "png", "original": 1, "size": image.img_size}).to_string();
    let sent = alice
        .send_msg(&alice.message_to(b, 2, content.clone()))
        .await
        .unwrap();
    assert_eq!(sent.code, 0);
    let data = sent.data.unwrap();
    assert!(
        data.msg_content.is_none() && data.key_hit_infos.is_none(),
        "only text messages carry those"
    );
    let last = bob
        .session_detail(a)
        .await
        .unwrap()
        .data
        .unwrap()
        .last_msg
        .unwrap();
    assert_eq!(last.msg_type, 2);
    assert_eq!(last.content, content);

    // Not an image, no csrf, no login.
    let not_image = alice
        .upload_image(b"hello world".to_vec(), "x.png")
        .await
        .unwrap();
    assert_eq!(not_image.code, -400);
    let anonymous = app
        .anonymous()
        .upload_image(png.clone(), "x.png")
        .await
        .unwrap();
    assert_eq!(anonymous.code, -101);
    // A hosted-looking address that was never uploaded is refused.
    let fake = json!({"url": format!("{}/bfs/im/{}.png", app.base, "0".repeat(64))}).to_string();
    let refused = alice.send_msg(&alice.message_to(b, 2, fake)).await.unwrap();
    assert_eq!(refused.code, 21037);
}

#[tokio::test]
async fn bursts_are_refused_and_sustained_abuse_stops_sending_for_a_day() {
    let app = spawn_app_with(|c| {
        c.send_burst = 3;
        c.send_ban_strikes = 2;
    })
    .await;
    let (a, alice, b, bob) = acquainted(&app).await; // alice has used 1 of 3
    assert_eq!(alice.send_text(b, "2").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "3").await.unwrap().code, 0);
    let too_fast = alice.send_text(b, "4").await.unwrap();
    assert_eq!(too_fast.code, 21020);
    assert_eq!(too_fast.message, "你发送消息频率过快，请稍后再发~");
    let banned = alice.send_text(b, "5").await.unwrap();
    assert_eq!(banned.code, 21046);
    assert_eq!(bob.send_text(a, "bob is fine").await.unwrap().code, 0);
    let cookie = cookie_of(&bob);
    let limit = app
        .get_raw(
            &format!("/link_setting/v1/link_setting/is_limit?uid={a}&type=1"),
            Some(&cookie),
        )
        .await;
    assert_eq!(limit["data"], json!({"is_limit": 1, "report_limit": 0}));
    // The stop is stored: it holds after the window has passed.
    assert_eq!(alice.send_text(b, "6").await.unwrap().code, 21046);
}

#[tokio::test]
async fn a_privacy_setting_refuses_strangers() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let body = post_as(
        &app,
        &bob,
        "/link_setting/v1/link_setting/set",
        &[("receive_unfollow_msg", "0")],
    )
    .await;
    assert_eq!(body["code"], 0);
    let cookie = cookie_of(&bob);
    let settings = app
        .get_raw(
            "/link_setting/v1/link_setting/get?msg_notify=1",
            Some(&cookie),
        )
        .await;
    assert_eq!(settings["data"]["receive_unfollow_msg"], 0);
    assert_eq!(settings["data"]["msg_notify"], 1);
    assert!(settings["data"].get("show_unfollowed_msg").is_none());
    assert_eq!(settings["data"]["anti_harassment"], Value::Null);
    let refused = alice.send_text(b, "hi").await.unwrap();
    assert_eq!(refused.code, 25003);
    assert_eq!(refused.message, "因对方隐私设置，暂无法给他发送聊天消息");
    // Bad values are refused and change nothing.
    let bad = post_as(
        &app,
        &bob,
        "/link_setting/v1/link_setting/set",
        &[("receive_unfollow_msg", "7")],
    )
    .await;
    assert_eq!(bad["code"], 2);
    let settings = app
        .get_raw("/link_setting/v1/link_setting/get", Some(&cookie))
        .await;
    assert_eq!(settings["data"]["receive_unfollow_msg"], 0);
}

#[tokio::test]
async fn unread_counts_only_the_other_sides_messages() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    bob.send_text(a, "x").await.unwrap();
    bob.send_text(a, "y").await.unwrap();
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            "/session_svr/v1/session_svr/single_unread?unread_type=0&show_dustbin=1",
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "unfollow_unread": 3, "follow_unread": 0, "unfollow_push_msg": 0, "dustbin_push_msg": 0,
            "dustbin_unread": 0, "biz_msg_unfollow_unread": 0, "biz_msg_follow_unread": 0, "custom_unread": 0
        }})
    );
    let bobs = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!(bobs.unfollow_unread + bobs.follow_unread, 0);
    // Intercepting moves the count to the dustbin.
    let body = post_as(
        &app,
        &alice,
        "/session_svr/v1/session_svr/update_intercept",
        &[("talker_id", &b.to_string()), ("status", "1")],
    )
    .await;
    assert_eq!(body["code"], 0);
    let unread = alice.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.unfollow_unread, unread.dustbin_unread), (0, 3));
    let dustbin = alice
        .get_sessions(&GetSessionsQuery {
            session_type: 5,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(dustbin[0].is_intercept, 1);
    assert_eq!(
        alice
            .new_sessions(None, None)
            .await
            .unwrap()
            .data
            .unwrap()
            .session_list,
        None
    );
    post_as(
        &app,
        &alice,
        "/session_svr/v1/session_svr/batch_update_dustbin_ack",
        &[],
    )
    .await;
    assert_eq!(
        alice
            .single_unread()
            .await
            .unwrap()
            .data
            .unwrap()
            .dustbin_unread,
        0
    );
    // Trusting it again brings it back, marked trusted.
    post_as(
        &app,
        &alice,
        "/session_svr/v1/session_svr/update_intercept",
        &[("talker_id", &b.to_string()), ("status", "0")],
    )
    .await;
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert_eq!((detail.is_intercept, detail.is_trust), (0, 1));
}

#[tokio::test]
async fn do_not_disturb_is_set_and_read_back() {
    let app = spawn_app().await;
    let (a, alice, b, _) = acquainted(&app).await;
    let body = post_as(
        &app,
        &alice,
        "/link_setting/v1/link_setting/set_msg_dnd",
        &[
            ("uid", &a.to_string()),
            ("setting", "1"),
            ("dnd_uid", &b.to_string()),
        ],
    )
    .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
    );
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            &format!("/link_setting/v1/link_setting/get_msg_dnd?own_uid={a}&uids={b}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({"uid_settings": [{"id": b, "setting": 1}]})
    );
    assert_eq!(
        alice.session_detail(b).await.unwrap().data.unwrap().is_dnd,
        1
    );
}

#[tokio::test]
async fn the_platform_decides_msg_source() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    for (app_name, source) in [("android", 2), ("iphone", 1), ("web", 7)] {
        alice
            .send_msg(&SendMsgForm {
                mobi_app: Some(app_name.into()),
                ..alice.message_to(b, 1, text_content(app_name))
            })
            .await
            .unwrap();
        let last = bob
            .session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .last_msg
            .unwrap();
        assert_eq!(last.msg_source, source, "{app_name}");
    }
}

#[tokio::test]
async fn every_post_of_the_family_needs_a_session_and_its_csrf() {
    let app = spawn_app().await;
    let (a, alice, b, _) = acquainted(&app).await;
    let (_, mallory) = app.user("mallory").await;
    let posts: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "/web_im/v1/web_im/send_msg",
            send_form(a, b, 1, &text_content("x"), "d", 9)
                .iter()
                .map(|(k, v)| (leak(k), v.clone()))
                .collect(),
        ),
        (
            "/session_svr/v1/session_svr/update_ack",
            vec![("talker_id", b.to_string()), ("session_type", "1".into())],
        ),
        (
            "/session_svr/v1/session_svr/set_top",
            vec![
                ("talker_id", b.to_string()),
                ("session_type", "1".into()),
                ("op_type", "0".into()),
            ],
        ),
        (
            "/session_svr/v1/session_svr/remove_session",
            vec![("talker_id", b.to_string()), ("session_type", "1".into())],
        ),
        (
            "/session_svr/v1/session_svr/update_intercept",
            vec![("talker_id", b.to_string()), ("status", "1".into())],
        ),
        (
            "/session_svr/v1/session_svr/batch_update_dustbin_ack",
            vec![],
        ),
        ("/session_svr/v1/session_svr/batch_rm_dustbin", vec![]),
        (
            "/link_setting/v1/link_setting/set",
            vec![("receive_unfollow_msg", "0".into())],
        ),
        (
            "/link_setting/v1/link_setting/set_msg_dnd",
            vec![("setting", "1".into()), ("dnd_uid", b.to_string())],
        ),
        (
            "/link_setting/v1/link_setting/set_push_ss",
            vec![("talker_uid", b.to_string()), ("setting", "1".into())],
        ),
    ];
    let wrong = mallory.cookies().unwrap().bili_jct.clone();
    for (path, form) in posts {
        for (csrf, cookie, code) in [
            (None, Some(cookie_of(&alice)), -111),
            (Some(wrong.clone()), Some(cookie_of(&alice)), -111),
            (Some(alice.cookies().unwrap().bili_jct.clone()), None, -101),
        ] {
            let mut fields = form.clone();
            if let Some(csrf) = &csrf {
                fields.push(("csrf", csrf.clone()));
                fields.push(("csrf_token", csrf.clone()));
            }
            let mut request = app.http.post(format!("{}{path}", app.base)).form(&fields);
            if let Some(cookie) = &cookie {
                request = request.header("Cookie", cookie);
            }
            let body: Value = request.send().await.unwrap().json().await.unwrap();
            assert_eq!(body["code"], code, "{path}: {body}");
            if path.starts_with("/web_im") {
                assert_eq!(body["data"], Value::Null);
                assert!(body.get("msg").is_none());
            } else {
                assert_eq!(body["msg"], body["message"], "vc errors carry msg: {body}");
            }
        }
    }
    // Nothing changed.
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert_eq!(
        (
            detail.top_ts,
            detail.is_intercept,
            detail.is_dnd,
            detail.setting
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(detail.last_msg.unwrap().content, text_content("hi alice"));
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[tokio::test]
async fn every_get_of_the_family_needs_a_session() {
    let app = spawn_app().await;
    for path in [
        "/session_svr/v1/session_svr/single_unread",
        "/session_svr/v1/session_svr/my_group_unread",
        "/session_svr/v1/session_svr/new_sessions",
        "/session_svr/v1/session_svr/get_sessions?session_type=4",
        "/session_svr/v1/session_svr/session_detail?talker_id=1&session_type=1",
        "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=1&session_type=1",
        "/link_setting/v1/link_setting/get",
        "/link_setting/v1/link_setting/get_msg_dnd?own_uid=1&uids=2",
        "/link_setting/v1/link_setting/is_limit?uid=1&type=1",
    ] {
        let mut expected =
            json!({"code": -101, "msg": "账号未登录", "message": "账号未登录", "ttl": 1});
        if path.contains("session_detail") {
            expected["data"] = Value::Null;
        }
        let body = app.get_raw(path, None).await;
        assert_eq!(body, expected, "{path}");
    }
}

#[tokio::test]
async fn malformed_queries_are_minus_400() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let cookie = cookie_of(&alice);
    for path in [
        "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=abc&session_type=1",
        "/svr_sync/v1/svr_sync/fetch_session_msgs?session_type=1",
        "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=1&session_type=9",
        "/session_svr/v1/session_svr/new_sessions?size=-3",
        "/session_svr/v1/session_svr/session_detail?talker_id=1",
        "/session_svr/v1/session_svr/get_sessions",
    ] {
        let body = app.get_raw(path, Some(&cookie)).await;
        assert_eq!(body["code"], -400, "{path}: {body}");
        assert_eq!(body["msg"], "请求错误");
    }
}

#[tokio::test]
async fn push_settings_are_set_and_read_back() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let cookie = cookie_of(&alice);
    let path = format!("/link_setting/v1/link_setting/get_session_ss?talker_uid={b}");
    let body = app.get_raw(&path, Some(&cookie)).await;
    assert_eq!(
        body["data"],
        json!({"follow_status": 0, "special": 0, "push_setting": 0, "show_push_setting": 1})
    );
    let set = post_as(
        &app,
        &alice,
        "/link_setting/v1/link_setting/set_push_ss",
        &[("talker_uid", &b.to_string()), ("setting", "1")],
    )
    .await;
    assert_eq!(set["code"], 0);
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["push_setting"],
        1
    );
    assert_eq!(
        alice.session_detail(b).await.unwrap().data.unwrap().setting,
        1
    );
}

#[tokio::test]
async fn the_stranger_tip_cannot_be_recalled() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    alice.send_text(b, "hello").await.unwrap();
    let mine = alice
        .fetch_session_msgs(b, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let tip = mine.messages.unwrap()[0].clone();
    assert_eq!(tip.msg_type, 18);
    assert_eq!(alice.recall(b, tip.msg_key).await.unwrap().code, 10005);
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        1
    );
}

#[tokio::test]
async fn polling_after_a_seqno_never_skips_a_message() {
    let app = spawn_app_with(|c| c.send_burst = 1000).await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let start = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap()
        .max_seqno;
    for i in 0..25 {
        alice.send_text(b, &format!("p{i}")).await.unwrap();
    }
    // A client polling with the last seqno it saw, 10 at a time.
    let mut cursor = start;
    let mut received = Vec::new();
    loop {
        let page = bob
            .fetch_session_msgs(a, Some(10), Some(cursor), None)
            .await
            .unwrap()
            .data
            .unwrap();
        let Some(messages) = page.messages else { break };
        let seqnos: Vec<u64> = messages.iter().map(|m| m.msg_seqno).collect();
        assert!(
            seqnos.windows(2).all(|w| w[0] > w[1]),
            "newest first within a page"
        );
        assert_eq!(page.max_seqno, seqnos[0]);
        received.extend(seqnos.iter().rev().copied());
        cursor = page.max_seqno;
        if page.has_more == 0 {
            break;
        }
    }
    assert_eq!(received.len(), 25);
    assert!(
        received.windows(2).all(|w| w[0] < w[1]),
        "every message once, in order"
    );
    // 0 means "no bound": the newest page.
    let newest = bob
        .fetch_session_msgs(a, Some(5), Some(0), Some(0))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(newest.max_seqno, *received.last().unwrap());
}

#[tokio::test]
async fn someone_who_refuses_strangers_still_gets_replies() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    post_as(
        &app,
        &bob,
        "/link_setting/v1/link_setting/set",
        &[("receive_unfollow_msg", "0")],
    )
    .await;
    assert_eq!(bob.send_text(a, "I start this").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "and I answer").await.unwrap().code, 0);
    assert_eq!(
        bob.session_detail(a)
            .await
            .unwrap()
            .data
            .unwrap()
            .unread_count,
        1
    );
}

#[tokio::test]
async fn hosted_images_are_recognised_whatever_the_scheme() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let png = include_bytes!("../../assets/noface.png").to_vec();
    let url = alice
        .upload_image(png, "a.png")
        .await
        .unwrap()
        .data
        .unwrap()
        .image_url;
    let relative = url.trim_start_matches("http:").to_owned();
    let https = format!("https:{relative}");
    for address in [relative, https] {
        let sent = alice
            .send_msg(&alice.message_to(b, 2, json!({"url": address}).to_string()))
            .await
            .unwrap();
        assert_eq!(sent.code, 0, "{address}");
    }
    let elsewhere = url.replace("127.0.0.1", "evil.example.test");
    let refused = alice
        .send_msg(&alice.message_to(b, 2, json!({"url": elsewhere}).to_string()))
        .await
        .unwrap();
    assert_eq!(refused.code, 21037);
}

/// `POST /x/relation/modify` as `client`.
async fn modify(app: &TestApp, client: &Client, fid: u64, act: i64) {
    let body = post_as(
        app,
        client,
        "/x/relation/modify",
        &[
            ("fid", &fid.to_string()),
            ("act", &act.to_string()),
            ("re_src", "11"),
        ],
    )
    .await;
    assert_eq!(body["code"], 0, "modify act {act}: {body}");
}

#[tokio::test]
async fn becoming_mutual_followers_sends_the_automatic_greeting() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    modify(&app, &alice, b, 1).await;
    assert!(
        alice.session_detail(b).await.unwrap().data.is_none(),
        "one-way follows send nothing"
    );
    modify(&app, &bob, a, 1).await;
    let history = alice
        .fetch_session_msgs(b, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 1);
    let greeting = &messages[0];
    assert_eq!(greeting.msg_source, 17);
    assert_eq!(greeting.msg_type, 1);
    assert_eq!(
        greeting.sender_uid, b,
        "sent by the one who completed the pair"
    );
    assert_eq!(greeting.receiver_id, a);
    assert_eq!(
        greeting.content,
        text_content("我们已互相关注，开始聊天吧~")
    );
    let theirs = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(theirs.messages.unwrap()[0].msg_key, greeting.msg_key);
    // Unfollowing and following back again greets again only when mutual again.
    modify(&app, &alice, b, 2).await;
    modify(&app, &alice, b, 1).await;
    let history = alice
        .fetch_session_msgs(b, None, None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(history.messages.unwrap().len(), 2);
}

#[tokio::test]
async fn blocks_stop_messages_both_ways() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    modify(&app, &alice, b, 5).await;
    let mine = alice.send_text(b, "hello?").await.unwrap();
    assert_eq!(mine.code, 25005);
    assert_eq!(
        mine.message,
        "你已拉黑了对方，请先将对方移出黑名单后才能聊天"
    );
    assert_eq!(mine.data, None);
    let theirs = bob.send_text(a, "hello?").await.unwrap();
    assert_eq!(theirs.code, 25003);
    modify(&app, &alice, b, 6).await;
    assert_eq!(alice.send_text(b, "sorry").await.unwrap().code, 0);
}

#[tokio::test]
async fn a_follow_lifts_the_stranger_limit_and_splits_unread_counts() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    // Bob quietly follows Alice: she may write to him freely, and her
    // messages count as followed for him.
    modify(&app, &bob, a, 3).await;
    for text in ["one", "two", "three"] {
        assert_eq!(alice.send_text(b, text).await.unwrap().code, 0);
    }
    carol.send_text(b, "stranger here").await.unwrap();
    let unread = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.follow_unread, unread.unfollow_unread), (3, 1));
    let followed = bob
        .get_sessions(&GetSessionsQuery {
            session_type: 9,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(
        followed.iter().map(|s| s.talker_id).collect::<Vec<_>>(),
        vec![a]
    );
    assert_eq!((followed[0].is_follow, followed[0].can_fold), (1, 0));
    let strangers = bob
        .get_sessions(&GetSessionsQuery {
            session_type: 2,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(
        strangers.iter().map(|s| s.talker_id).collect::<Vec<_>>(),
        vec![c]
    );
    assert_eq!((strangers[0].is_follow, strangers[0].can_fold), (0, 1));
    // The split follows the relation as it is now.
    modify(&app, &bob, a, 4).await;
    let unread = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.follow_unread, unread.unfollow_unread), (0, 4));
    let _ = alice;
}

#[tokio::test]
async fn push_settings_show_how_the_talker_relates_to_you() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let path = format!("/link_setting/v1/link_setting/get_session_ss?talker_uid={b}");
    let cookie = cookie_of(&alice);
    modify(&app, &bob, a, 3).await;
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["follow_status"],
        0,
        "quiet follows stay hidden"
    );
    modify(&app, &bob, a, 4).await;
    modify(&app, &bob, a, 1).await;
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["follow_status"],
        2
    );
    modify(&app, &alice, b, 1).await;
    let body = app.get_raw(&path, Some(&cookie)).await;
    assert_eq!(body["data"]["follow_status"], 6);
    let add = post_as(
        &app,
        &alice,
        "/x/relation/tags/addUsers",
        &[("fids", &b.to_string()), ("tagids", "-10")],
    )
    .await;
    assert_eq!(add["code"], 0, "{add}");
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["special"],
        1
    );
}
