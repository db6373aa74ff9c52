//! Automatic replies: the texts (`/x/im/auto_reply`), the switches that
//! need 1000 fans, and the replies themselves (on being followed, on a
//! message, on keywords), which never loop.

use serde_json::{json, Value};
use sixin_api::message::auto_reply::SetReplyTextForm;
use sixin_api::message::Message;
use sixin_client::{Client, EnvelopeExt, RelationAct};

use crate::helpers::{add_fans, add_fans_from, cookie_of, history_with, relate, spawn_app};

fn text(kind: i64, reply: &str) -> SetReplyTextForm {
    SetReplyTextForm {
        kind: Some(kind.to_string()),
        reply: Some(reply.into()),
        ..SetReplyTextForm::default()
    }
}

fn keyword(title: &str, key1: &str, key2: &str, reply: &str) -> SetReplyTextForm {
    SetReplyTextForm {
        title: Some(title.into()),
        key1: Some(key1.into()),
        key2: Some(key2.into()),
        id: Some("0".into()),
        ..text(2, reply)
    }
}

async fn set(client: &Client, form: &SetReplyTextForm) -> (i64, String) {
    let answer = client.set_reply_text(form).await.unwrap();
    (answer.code, answer.message)
}

async fn switch_on(client: &Client, names: &[&str]) -> i64 {
    let form: Vec<(&str, &str)> = names.iter().map(|n| (*n, "1")).collect();
    client
        .post_form::<Value, _>("/link_setting/v1/link_setting/set", &form)
        .await
        .unwrap()
        .code
}

/// `(sender, msg_source, text)` of a history, oldest first.
fn said(messages: Option<Vec<Message>>) -> Vec<(u64, i64, String)> {
    let mut out: Vec<_> = messages
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.msg_type == 1)
        .map(|m| {
            let text: Value = serde_json::from_str(&m.content).unwrap();
            (
                m.sender_uid,
                m.msg_source,
                text["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn texts_and_keyword_rules_are_set_listed_and_deleted() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let cookie = cookie_of(&alice);
    let empty = app
        .get_raw(
            "/x/im/auto_reply/get_reply_text?type[]=2&uid=1&build=0&mobi_app=web",
            Some(&cookie),
        )
        .await;
    assert_eq!(
        empty,
        json!({"code": 0, "message": "0", "ttl": 1, "data": {}})
    );
    assert_eq!(
        set(
            &alice,
            &keyword("哭", "", "哭", "别哭了[tv_微笑]摸摸您 (^・ω・^)")
        )
        .await
        .0,
        0
    );
    assert_eq!(
        set(&alice, &keyword("哭2", "哭", "", "我是不会哭的 (=・ω・=)"))
            .await
            .0,
        0
    );
    assert_eq!(
        set(
            &alice,
            &keyword(
                "谢谢",
                "谢谢，Thank you",
                "感谢",
                "我也感谢您对我的支持 (=・ω・=)"
            )
        )
        .await
        .0,
        0
    );
    assert_eq!(set(&alice, &text(1, "感谢关注")).await.0, 0);
    assert_eq!(
        set(&alice, &text(1, "感谢关注！")).await.0,
        0,
        "replaces the first"
    );
    let listed = app
        .get_raw(
            "/x/im/auto_reply/get_reply_text?type[]=2&build=0&mobi_app=web",
            Some(&cookie),
        )
        .await;
    let texts = listed["data"]["texts"].as_array().unwrap();
    let ids: Vec<u64> = texts.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids[0] > ids[1] && ids[1] > ids[2], "newest first");
    assert_eq!(
        texts[0],
        json!({"id": ids[0], "uid": a, "type": 2, "title": "谢谢", "key1": "谢谢，Thank you",
               "key2": "感谢", "reply": "我也感谢您对我的支持 (=・ω・=)"})
    );
    let both = alice
        .reply_texts(&[1, 3])
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let followed = both.texts.unwrap();
    assert_eq!(followed.len(), 1);
    assert_eq!(
        (
            followed[0].kind,
            followed[0].reply.as_str(),
            followed[0].title.as_str()
        ),
        (1, "感谢关注！", "")
    );
    // Changing a rule by id; someone else's cannot be deleted.
    let change = SetReplyTextForm {
        id: Some(ids[2].to_string()),
        ..keyword("哭", "", "哭，泪", "别哭了")
    };
    assert_eq!(set(&alice, &change).await.0, 0);
    let bobs = bob.del_reply_text(ids[0]).await.unwrap();
    assert_eq!(
        (bobs.code, bobs.message.as_str()),
        (1003, "不能删除别人的规则")
    );
    assert_eq!(alice.del_reply_text(ids[0]).await.unwrap().code, 0);
    let left = alice
        .reply_texts(&[2])
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .texts
        .unwrap();
    assert_eq!(left.len(), 2);
    assert_eq!(
        (left[1].key2.as_str(), left[1].reply.as_str()),
        ("哭，泪", "别哭了")
    );
    assert_eq!(alice.reply_texts(&[4]).await.unwrap().code, 2);
}

#[tokio::test]
async fn the_documented_limits_are_kept() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    assert_eq!(
        set(&alice, &text(3, &"字".repeat(501))).await,
        (1500001, "自动回复内容太长".into())
    );
    assert_eq!(set(&alice, &text(3, &"字".repeat(500))).await.0, 0);
    let missing = SetReplyTextForm {
        kind: None,
        ..text(3, "x")
    };
    assert_eq!(set(&alice, &missing).await, (27011, "请求参数错误".into()));
    assert_eq!(set(&alice, &text(4, "x")).await.0, 27011);
    assert_eq!(
        set(&alice, &keyword("t", "", "", "x")).await.0,
        27011,
        "no keyword"
    );
    assert_eq!(
        set(&alice, &keyword(&"名".repeat(31), "a", "", "x"))
            .await
            .0,
        27011
    );
    assert_eq!(
        set(&alice, &keyword("t", &"k，".repeat(21), "", "x"))
            .await
            .0,
        27011
    );
    for i in 0..20 {
        assert_eq!(
            set(&alice, &keyword(&format!("r{i}"), "a", "", "x"))
                .await
                .0,
            0
        );
    }
    assert_eq!(
        set(&alice, &keyword("r20", "a", "", "x")).await,
        (1500002, "规则数量已达上限，请删除后新建".into())
    );
    let answer = alice
        .post_form::<Value, _>(
            "/x/im/auto_reply/set_reply_text",
            &[("type", "3"), ("reply", "x")],
        )
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
    let no_csrf = app
        .post_raw(
            "/x/im/auto_reply/set_reply_text",
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            "type=3&reply=x",
        )
        .await;
    assert_eq!(no_csrf["code"], -111);
}

#[tokio::test]
async fn turning_replies_on_needs_a_thousand_fans() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let refused = alice
        .post_form::<Value, _>("/link_setting/v1/link_setting/set", &[("recv_reply", "1")])
        .await
        .unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (700009, "权限不足")
    );
    assert_eq!(switch_on(&alice, &["set_like"]).await, 2, "5 or 0 only");
    let off = alice
        .post_form::<Value, _>("/link_setting/v1/link_setting/set", &[("recv_reply", "0")])
        .await
        .unwrap();
    assert_eq!(off.code, 0, "turning off needs nothing");
    let sys = alice
        .sys_setting(Some("web"))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(sys.is_auto_reply_available, 0);
    add_fans(&app, a, 1000).await;
    assert_eq!(switch_on(&alice, &["recv_reply", "keys_reply"]).await, 0);
    let sys = alice
        .sys_setting(Some("web"))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(sys.is_auto_reply_available, 1);
}

#[tokio::test]
async fn a_new_follower_gets_the_followed_reply() {
    let app = spawn_app().await;
    let (b, bob) = app.user("bob").await;
    let (a, alice) = app.user("alice").await;
    add_fans(&app, b, 1000).await;
    assert_eq!(set(&bob, &text(1, "感谢关注[tv_微笑]")).await.0, 0);
    assert_eq!(switch_on(&bob, &["followed_reply"]).await, 0);
    relate(&alice, b, RelationAct::Follow).await;
    let history = history_with(&alice, b).await;
    assert_eq!(
        said(history.messages),
        vec![(b, 8, "感谢关注[tv_微笑]".to_owned())]
    );
    let session = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!(session.unread_count, 1);
    let _ = a;
}

#[tokio::test]
async fn messages_get_keyword_and_received_replies_once_until_the_receiver_writes() {
    let app = spawn_app().await;
    let (b, bob) = app.user("bob").await;
    let (a, alice) = app.user("alice").await;
    add_fans(&app, b, 1000).await;
    assert_eq!(
        set(&bob, &keyword("谢谢", "谢谢，Thank you", "感谢", "不用谢"))
            .await
            .0,
        0
    );
    assert_eq!(set(&bob, &text(3, "稍后回复你")).await.0, 0);
    assert_eq!(switch_on(&bob, &["keys_reply", "recv_reply"]).await, 0);
    alice.send_text(b, "在吗").await.unwrap();
    alice.send_text(b, "谢谢").await.unwrap();
    alice.send_text(b, "还在吗").await.unwrap();
    alice.send_text(b, "非常感谢").await.unwrap();
    bob.send_text(a, "我来了").await.unwrap();
    alice.send_text(b, "好的").await.unwrap();
    let history = history_with(&alice, b).await;
    assert_eq!(
        said(history.messages),
        vec![
            (a, 7, "在吗".to_owned()),
            (b, 9, "稍后回复你".to_owned()),
            (a, 7, "谢谢".to_owned()),
            (b, 10, "不用谢".to_owned()),
            (a, 7, "还在吗".to_owned()),
            (a, 7, "非常感谢".to_owned()),
            (b, 10, "不用谢".to_owned()),
            (b, 7, "我来了".to_owned()),
            (a, 7, "好的".to_owned()),
            (b, 9, "稍后回复你".to_owned()),
        ]
    );
}

#[tokio::test]
async fn two_automatic_repliers_exchange_one_reply_each() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    add_fans(&app, a, 1000).await;
    add_fans_from(&app, b, 1000, 2_000_000).await;
    for (client, other) in [(&alice, "bob"), (&bob, "alice")] {
        assert_eq!(
            set(client, &text(3, &format!("{other}你好，我现在不在")))
                .await
                .0,
            0
        );
        // A keyword of the other's automatic reply: still no answer to it.
        assert_eq!(
            set(client, &keyword("在", "", "不在", "我也不在")).await.0,
            0
        );
        assert_eq!(switch_on(client, &["recv_reply", "keys_reply"]).await, 0);
    }
    alice.send_text(b, "hi").await.unwrap();
    bob.send_text(a, "hello").await.unwrap();
    let history = history_with(&alice, b).await;
    assert_eq!(
        said(history.messages),
        vec![
            (a, 7, "hi".to_owned()),
            (b, 9, "alice你好，我现在不在".to_owned()),
            (b, 7, "hello".to_owned()),
            (a, 9, "bob你好，我现在不在".to_owned()),
        ]
    );
}
