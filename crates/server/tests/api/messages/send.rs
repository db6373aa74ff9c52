//! Sending: the documented answer, warnings, refusals that store nothing,
//! the stranger limit, retried sends, emoji, the platform and the burst limit.

use serde::Serialize;
use serde_json::{json, Value};
use sixin_api::message::request::SendMsgForm;
use sixin_client::messages::text_content;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{
    acquainted, cookie_of, history_with, pairs, send_form, spawn_app, spawn_app_with,
    spawn_app_with_clock, unread_with, TestApp,
};

/// `POST send_msg` as `client` with `form`; the answer as raw JSON.
async fn send_raw(app: &TestApp, client: &Client, form: &impl Serialize) -> Value {
    app.post_form_as(client, "/web_im/v1/web_im/send_msg", form)
        .await
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
        &send_form(
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
        &send_form(alice.mid(), b, 1, "{\"content\":\"支付宝\"}", "d", 1),
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
    let cases: Vec<(SendMsgForm, i64)> = vec![
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
        let body = send_raw(&app, &alice, &form).await;
        assert_eq!(body["code"], code, "{form:?} -> {body}");
        assert_eq!(body["data"], Value::Null, "{body}");
        assert!(
            body.as_object().unwrap().contains_key("data"),
            "data is present as null"
        );
    }
    // A sender that is not a number cannot be typed: spoil the wire pairs.
    let mut wrong_type = pairs(&send_form(a, b, 1, &text_content("x"), "d", 1));
    assert_eq!(wrong_type[0].0, "msg[sender_uid]");
    wrong_type[0].1 = "abc".into();
    assert_eq!(send_raw(&app, &alice, &wrong_type).await["code"], -400);
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
async fn a_repeat_after_the_ten_minute_retry_window_is_a_new_message() {
    let (app, clock) = spawn_app_with_clock().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let msg = SendMsgForm {
        dev_id: Some("CONSTANT-DEV-ID".into()),
        timestamp: Some(1_700_000_000),
        ..alice.message_to(b, 1, text_content("once more"))
    };
    let first = alice.send_msg(&msg).await.unwrap().into_data().unwrap();
    clock.advance_secs(600);
    let retried = alice.send_msg(&msg).await.unwrap().into_data().unwrap();
    assert_eq!(retried.msg_key, first.msg_key);
    clock.advance_secs(1);
    let repeated = alice.send_msg(&msg).await.unwrap().into_data().unwrap();
    assert_ne!(repeated.msg_key, first.msg_key);
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
    let history = history_with(&bob, a).await;
    assert_eq!(history.messages.unwrap().len(), 2 + 3);
    assert_eq!(unread_with(&bob, a).await, 3);
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
    let history = history_with(&bob, a).await;
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
    // Alice learns she is stopped; bob asking about her learns nothing.
    let limit = app
        .get_raw(
            &format!("/link_setting/v1/link_setting/is_limit?uid={b}&type=1"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(limit["data"], json!({"is_limit": 1, "report_limit": 1}));
    let limit = app
        .get_raw(
            &format!("/link_setting/v1/link_setting/is_limit?uid={a}&type=1"),
            Some(&cookie_of(&bob)),
        )
        .await;
    assert_eq!(limit["data"], json!({"is_limit": 0, "report_limit": 0}));
    // The stop is stored: it holds after the window has passed.
    assert_eq!(alice.send_text(b, "6").await.unwrap().code, 21046);
}
