//! What the whole family refuses: a POST without a session or its csrf, a
//! GET without a session, and malformed queries.

use serde_json::{json, Value};
use sixin_api::message::request::{
    BlockWordForm, NoFields, SessionQuery, SetMsgDndForm, SetPushSsForm, SetSettingsForm,
    SetTopForm, UpdateAckForm, UpdateInterceptForm,
};
use sixin_client::messages::text_content;

use crate::helpers::{acquainted, cookie_of, pairs, send_form, spawn_app};

#[tokio::test]
async fn every_post_of_the_family_needs_a_session_and_its_csrf() {
    let app = spawn_app().await;
    let (a, alice, b, _) = acquainted(&app).await;
    let (_, mallory) = app.user("mallory").await;
    let posts: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "/web_im/v1/web_im/send_msg",
            pairs(&send_form(a, b, 1, &text_content("x"), "d", 9)),
        ),
        (
            "/session_svr/v1/session_svr/update_ack",
            pairs(&UpdateAckForm {
                talker_id: b,
                session_type: 1,
                ack_seqno: 1,
            }),
        ),
        (
            "/session_svr/v1/session_svr/set_top",
            pairs(&SetTopForm {
                talker_id: b,
                session_type: 1,
                op_type: 0,
            }),
        ),
        (
            "/session_svr/v1/session_svr/remove_session",
            pairs(&SessionQuery {
                talker_id: b,
                session_type: 1,
            }),
        ),
        (
            "/session_svr/v1/session_svr/update_intercept",
            pairs(&UpdateInterceptForm {
                talker_id: b,
                status: 1,
            }),
        ),
        (
            "/session_svr/v1/session_svr/batch_update_dustbin_ack",
            pairs(&NoFields {}),
        ),
        (
            "/session_svr/v1/session_svr/batch_rm_dustbin",
            pairs(&NoFields {}),
        ),
        (
            "/link_setting/v1/link_setting/set",
            pairs(&SetSettingsForm(
                [("receive_unfollow_msg".to_owned(), "0".to_owned())].into(),
            )),
        ),
        (
            "/link_setting/v1/link_setting/set_msg_dnd",
            pairs(&SetMsgDndForm {
                setting: 1,
                dnd_uid: Some(b),
                dnd_group_id: None,
            }),
        ),
        (
            "/link_setting/v1/link_setting/set_push_ss",
            pairs(&SetPushSsForm {
                talker_uid: b,
                setting: 1,
            }),
        ),
        (
            "/x/im/link_setting/add_block_word",
            pairs(&BlockWordForm {
                content: "hi".into(),
                ..BlockWordForm::default()
            }),
        ),
        (
            "/x/im/link_setting/del_block_word",
            pairs(&BlockWordForm {
                content: "hi".into(),
                ..BlockWordForm::default()
            }),
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
                fields.push(("csrf".into(), csrf.clone()));
                fields.push(("csrf_token".into(), csrf.clone()));
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
    let words = alice.block_words().await.unwrap().data.unwrap();
    assert_eq!(words.words, None);
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
        "/link_setting/v1/link_setting/get_sys_setting",
        "/x/im/link_setting/get_block_words?build=0&mobi_app=web",
        "/link_group/v1/member/show_create_group_icon",
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
    for (path, why) in [
        (
            "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=abc&session_type=1",
            "talker_id must be a non-negative integer",
        ),
        (
            "/svr_sync/v1/svr_sync/fetch_session_msgs?session_type=1",
            "talker_id is required",
        ),
        (
            "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=1&session_type=9",
            "session_type must be 1 (user) or 2 (fan group), not 9",
        ),
        (
            "/session_svr/v1/session_svr/new_sessions?size=-3",
            "size must be a non-negative integer",
        ),
        (
            "/session_svr/v1/session_svr/session_detail?talker_id=1",
            "session_type is required",
        ),
        (
            "/session_svr/v1/session_svr/get_sessions",
            "session_type is required",
        ),
    ] {
        let body = app.get_raw(path, Some(&cookie)).await;
        let message = format!("请求错误: {why}");
        assert_eq!(body["code"], -400, "{path}: {body}");
        assert_eq!(body["msg"], message, "{path}");
        assert_eq!(body["message"], message, "{path}");
    }
}
