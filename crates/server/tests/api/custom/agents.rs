//! Conversations with customer-service agents: system accounts shown with
//! `system_msg_type` 8 and `account_info`, their unread messages in
//! `custom_unread`, no stranger rule, files sent as links.

use serde_json::{json, Value};
use sixin_api::admin::{PatchUser, SystemAccountInput};
use sixin_api::message::request::{GetSessionsQuery, SetSettingsForm};
use sixin_client::EnvelopeExt;

use super::{agent, part};
use crate::helpers::{cookie_of, history_with, spawn_app};

fn sessions_of_type(session_type: i64) -> String {
    format!("/session_svr/v1/session_svr/get_sessions?session_type={session_type}&group_fold=0&unfollow_fold=0&sort_rule=2")
}

fn talkers(list: &Value) -> Vec<u64> {
    list["data"]["session_list"]
        .as_array()
        .map(|l| l.iter().map(|s| s["talker_id"].as_u64().unwrap()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_agent_conversation_and_its_counters() {
    let app = spawn_app().await;
    let (k, kefu) = agent(&app, "kefu").await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    // Alice refuses strangers; the agent is none.
    let closed = SetSettingsForm([("receive_unfollow_msg".to_owned(), "0".to_owned())].into());
    assert_eq!(
        app.post_form_as(&alice, "/link_setting/v1/link_setting/set", &closed)
            .await["code"],
        0
    );
    assert_eq!(
        bob.send_text(a, "hi").await.unwrap().code,
        25003,
        "bob is a stranger"
    );
    assert_eq!(alice.send_text(b, "hi bob").await.unwrap().code, 0);

    for text in ["你好", "我的订单", "还在吗"] {
        assert_eq!(
            alice.send_text(k, text).await.unwrap().code,
            0,
            "no stranger limit towards an agent"
        );
    }
    let mine = history_with(&alice, k).await.messages.unwrap();
    assert!(mine.iter().all(|m| m.msg_type == 1), "and no stranger tip");
    for text in ["您好，这里是客服", "请稍等"] {
        assert_eq!(
            kefu.send_text(a, text).await.unwrap().code,
            0,
            "the agent replies through send_msg"
        );
    }
    // A file the agent uploaded, sent as a link.
    let file = kefu
        .upload_file(part(b"invoice".to_vec(), "invoice.pdf"), "发票.pdf", k)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let content = json!({"content": file.url}).to_string();
    assert_eq!(
        kefu.send_msg(&kefu.message_to(a, 1, content.clone()))
            .await
            .unwrap()
            .code,
        0
    );

    let cookie = cookie_of(&alice);
    let unread = app
        .get_raw("/session_svr/v1/session_svr/single_unread", Some(&cookie))
        .await;
    assert_eq!(
        unread["data"],
        json!({"unfollow_unread": 0, "follow_unread": 0, "unfollow_push_msg": 0, "dustbin_push_msg": 0,
               "dustbin_unread": 0, "biz_msg_unfollow_unread": 0, "biz_msg_follow_unread": 0, "custom_unread": 3, "_gt_": 0})
    );

    let listed = app
        .get_raw(
            "/session_svr/v1/session_svr/new_sessions?begin_ts=0&build=0&mobi_app=web",
            Some(&cookie),
        )
        .await;
    let sessions = listed["data"]["session_list"].as_array().unwrap();
    let with_agent = sessions.iter().find(|s| s["talker_id"] == k).unwrap();
    assert_eq!(with_agent["system_msg_type"], 8);
    assert_eq!(
        with_agent["account_info"],
        json!({"name": "哔哩哔哩客服", "pic_url": "https://i0.example.test/kefu.png"})
    );
    assert_eq!(with_agent["unread_count"], 3);
    assert_eq!(with_agent["last_msg"]["content"], content.as_str());
    let keys: Vec<&String> = with_agent.as_object().unwrap().keys().collect();
    let at = keys.iter().position(|k| *k == "system_msg_type").unwrap();
    assert_eq!(keys[at + 1], "account_info", "in the documents' order");
    let with_bob = sessions.iter().find(|s| s["talker_id"] == b).unwrap();
    assert_eq!(with_bob["system_msg_type"], 0);
    assert!(
        with_bob.get("account_info").is_none(),
        "absent on a user's session"
    );
    assert!(
        listed["data"].get("system_msg").is_none(),
        "new_sessions has no system_msg"
    );

    let detail = alice.session_detail(k).await.unwrap().into_data().unwrap();
    assert_eq!(
        (detail.system_msg_type, detail.account_info.is_some()),
        (8, true)
    );
    let agents_view = kefu.session_detail(a).await.unwrap().into_data().unwrap();
    assert_eq!(
        (agents_view.system_msg_type, agents_view.account_info),
        (0, None)
    );

    let system = app.get_raw(&sessions_of_type(7), Some(&cookie)).await;
    assert_eq!(talkers(&system), vec![k]);
    assert_eq!(system["data"]["system_msg"], json!({"8": k}));
    let strangers = app.get_raw(&sessions_of_type(8), Some(&cookie)).await;
    assert_eq!(
        talkers(&strangers),
        vec![b],
        "strangers exclude system sessions"
    );
    assert!(strangers["data"].get("system_msg").is_none());
    let unfollowed = app.get_raw(&sessions_of_type(2), Some(&cookie)).await;
    assert_eq!(talkers(&unfollowed), vec![k, b]);
    let followed = app.get_raw(&sessions_of_type(9), Some(&cookie)).await;
    assert_eq!(talkers(&followed), vec![k], "followed users and system");

    // The link in the message downloads.
    let got = app.http.get(&file.url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap(), &b"invoice"[..]);

    alice.update_ack(k, detail.max_seqno).await.unwrap();
    let read = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!((read.custom_unread, read.unfollow_unread), (0, 0));
    let typed = app
        .get_raw(
            "/session_svr/v1/session_svr/single_unread?unread_type=1",
            Some(&cookie),
        )
        .await;
    assert_eq!(typed["data"]["custom_unread"], 0);
    let _ = GetSessionsQuery::default;
}

#[tokio::test]
async fn system_accounts_are_managed_by_admins() {
    let app = spawn_app().await;
    let (k, _) = agent(&app, "kefu").await;
    let (a, alice) = app.user("alice").await;
    let listed = app
        .admin
        .system_accounts(Some(8))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].mid,
            listed[0].uname.as_str(),
            listed[0].system_msg_type,
            listed[0].name.as_str()
        ),
        (k, "kefu", 8, "哔哩哔哩客服")
    );
    let shown = app.get_raw(&format!("/admin/v1/users/{k}"), None).await;
    assert_eq!(shown["code"], -403);
    let profile: Value = app
        .http
        .get(format!("{}/admin/v1/users/{k}", app.base))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile["data"]["system"]["system_msg_type"], 8);

    // Bob becomes an UP主小助手 without a picture: the default avatar.
    let (b, _) = app.user("bob").await;
    let patched = app
        .admin
        .patch_user(
            b,
            &PatchUser {
                system: Some(SystemAccountInput {
                    system_msg_type: 7,
                    name: "UP主小助手".into(),
                    pic_url: None,
                }),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.code, 0);
    assert_eq!(
        app.admin
            .system_accounts(None)
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .len(),
        2
    );
    let bob_info = app
        .admin
        .system_accounts(Some(7))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        bob_info[0].pic_url,
        format!("{}/bfs/face/member/noface.png", app.base)
    );

    for bad in [3, 0] {
        let refused = app
            .admin
            .patch_user(
                a,
                &PatchUser {
                    system: Some(SystemAccountInput {
                        system_msg_type: bad,
                        name: "x".into(),
                        pic_url: None,
                    }),
                    ..PatchUser::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(refused.code, -400, "type {bad}");
    }

    // An agent made an ordinary user again is a stranger like anyone.
    assert_eq!(alice.send_text(k, "hello").await.unwrap().code, 0);
    assert_eq!(app.admin.delete_system(k).await.unwrap().code, 0);
    assert_eq!(alice.send_text(k, "again").await.unwrap().code, 21047);
    let detail = alice.session_detail(k).await.unwrap().into_data().unwrap();
    assert_eq!((detail.system_msg_type, detail.account_info), (0, None));
    assert_eq!(app.admin.delete_system(999_999).await.unwrap().code, 40061);
}
