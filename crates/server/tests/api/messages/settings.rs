//! `link_setting`: the privacy setting against strangers, do not disturb and
//! push settings, set and read back.

use serde_json::{json, Value};
use sixin_api::message::request::{SetMsgDndForm, SetPushSsForm, SetSettingsForm};

use crate::helpers::{acquainted, cookie_of, pairs, spawn_app, unread_with};

/// `link_setting/set` changing only `receive_unfollow_msg` (0 refuses
/// strangers), as the client wrote it.
fn receive_unfollow_msg(value: &str) -> SetSettingsForm {
    SetSettingsForm([("receive_unfollow_msg".to_owned(), value.to_owned())].into())
}

#[tokio::test]
async fn a_privacy_setting_refuses_strangers() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let body = app
        .post_form_as(
            &bob,
            "/link_setting/v1/link_setting/set",
            &receive_unfollow_msg("0"),
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
    let bad = app
        .post_form_as(
            &bob,
            "/link_setting/v1/link_setting/set",
            &receive_unfollow_msg("7"),
        )
        .await;
    assert_eq!(bad["code"], 2);
    let settings = app
        .get_raw("/link_setting/v1/link_setting/get", Some(&cookie))
        .await;
    assert_eq!(settings["data"]["receive_unfollow_msg"], 0);
}

#[tokio::test]
async fn someone_who_refuses_strangers_still_gets_replies() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    app.post_form_as(
        &bob,
        "/link_setting/v1/link_setting/set",
        &receive_unfollow_msg("0"),
    )
    .await;
    assert_eq!(bob.send_text(a, "I start this").await.unwrap().code, 0);
    assert_eq!(alice.send_text(b, "and I answer").await.unwrap().code, 0);
    assert_eq!(unread_with(&bob, a).await, 1);
}

#[tokio::test]
async fn do_not_disturb_is_set_and_read_back() {
    let app = spawn_app().await;
    let (a, alice, b, _) = acquainted(&app).await;
    // The documents' form also carries the caller's own `uid`, which the
    // typed form leaves out (the server ignores it): sent as they show it.
    let mut form = pairs(&SetMsgDndForm {
        setting: 1,
        dnd_uid: Some(b),
        dnd_group_id: None,
    });
    form.insert(0, ("uid".into(), a.to_string()));
    let body = app
        .post_form_as(&alice, "/link_setting/v1/link_setting/set_msg_dnd", &form)
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
    let set = app
        .post_form_as(
            &alice,
            "/link_setting/v1/link_setting/set_push_ss",
            &SetPushSsForm {
                talker_uid: b,
                setting: 1,
            },
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
async fn a_setting_given_twice_takes_its_last_value() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let jct = alice.cookies().unwrap().bili_jct.clone();
    let body = app
        .post_raw(
            "/link_setting/v1/link_setting/set",
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            format!("set_like=0&set_like=5&csrf={jct}"),
        )
        .await;
    assert_eq!(body["code"], 0, "{body}");
    let settings = app
        .get_raw(
            "/link_setting/v1/link_setting/get",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(settings["data"]["set_like"], 5);
}
