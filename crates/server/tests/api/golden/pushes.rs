//! Golden transcript: deliveries from the admin API (a system account's
//! notice, a user's video push, a broadcast), the counters they move,
//! moderation, and automatic replies.

use serde_json::json;

use super::{As, Recorder};
use crate::helpers::{add_fans, spawn_app};

const NOTICE: &str = r#"{"title":"流量奖励到账通知","text":"恭喜您已获得2000流量曝光奖励，快来投稿使用吧。","jump_text":"","jump_uri":"","modules":null,"jump_text_2":"","jump_uri_2":"","jump_text_3":"","jump_uri_3":"","notifier":null,"jump_uri_config":{"all_uri":"https://member.bilibili.com/york/flow-reward?navhide=1\u0026from=msgrecall","text":""},"jump_uri_2_config":{"text":""},"jump_uri_3_config":{"text":""},"biz_content":null}"#;

#[tokio::test]
async fn pushes_transcript() {
    let app = spawn_app().await;
    let (up, _) = app.user("up_assistant").await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let mut rec = Recorder::new(&app, "pushes");

    rec.note("an account becomes UP主小助手, as the session object spells it");
    rec.admin(
        reqwest::Method::PATCH,
        &format!("/admin/v1/users/{up}"),
        Some(json!({"system_msg_type": 7, "account_info": {"name": "UP主小助手", "pic_url": "https://message.biliimg.com/bfs/im/489a63efadfb202366c2f88853d2217b5ddc7a13.png"}})),
    )
    .await;

    rec.note("its notice, delivered to alice");
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/messages",
        Some(json!({"sender": up, "receivers": [a], "msg_type": 10, "content": NOTICE, "msg_source": 6, "notify_code": "2091_253"})),
    )
    .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={up}&session_type=1"),
        As::User(&alice),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread",
        As::User(&alice),
    )
    .await;

    rec.note("bob's video push and notification to alice, who does not follow him");
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/messages",
        Some(json!({"sender": b, "receivers": [a], "msg_type": 11, "content": {"rid": 1951316064, "bvid": "BV1zC411p7JN", "attach_msg": null}})),
    )
    .await;
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/messages",
        Some(json!({"sender": b, "receivers": [a], "msg_type": 10, "content": {"title": "充电回馈", "text": "感谢充电"}})),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread",
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1&size=5"),
        As::User(&alice),
    )
    .await;

    rec.note("refused deliveries");
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/messages",
        Some(
            json!({"sender": b, "receivers": [a], "msg_type": 12, "content": {"rid": "18275013"}}),
        ),
    )
    .await;
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/messages",
        Some(json!({"sender": b, "receivers": [a], "msg_type": 15, "content": {}})),
    )
    .await;

    rec.note("a broadcast, in the background");
    add_fans(&app, a, 300).await;
    let started = rec
        .admin(
            reqwest::Method::POST,
            "/admin/v1/messages",
            Some(json!({"sender": up, "receivers": "all", "msg_type": 1, "content": {"content": "系统维护通知"}})),
        )
        .await;
    let job = started["data"]["job"].as_u64().unwrap();
    loop {
        let now = app.admin.push_job(job).await.unwrap();
        if now.data.unwrap().state == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    rec.admin(
        reqwest::Method::GET,
        &format!("/admin/v1/messages/{job}"),
        None,
    )
    .await;

    rec.note(
        "a withdrawn message is gone for both sides; a system recall (type 5, sys_cancel) names it",
    );
    let sent = bob.send_text(a, "违规内容").await.unwrap().data.unwrap();
    rec.admin(
        reqwest::Method::POST,
        &format!("/admin/v1/messages/{}/withdraw", sent.msg_key),
        None,
    )
    .await;
    rec.admin(reqwest::Method::POST, "/admin/v1/messages/1/withdraw", None)
        .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={a}&session_type=1&size=5"),
        As::User(&bob),
    )
    .await;

    rec.note("automatic replies");
    rec.get(
        "/x/im/auto_reply/get_reply_text?type[]=2&build=0&mobi_app=web",
        As::User(&alice),
    )
    .await;
    rec.post(
        "/x/im/auto_reply/set_reply_text",
        As::User(&alice),
        &[
            ("type", "2"),
            ("reply", "我也感谢您对我的支持 (=・ω・=)"),
            ("id", "0"),
            ("title", "谢谢"),
            ("key1", "谢谢，Thank you"),
            ("key2", "感谢"),
            ("build", "0"),
            ("mobi_app", "web"),
        ],
    )
    .await;
    rec.post(
        "/x/im/auto_reply/set_reply_text",
        As::User(&alice),
        &[("type", "3"), ("reply", &"字".repeat(501))],
    )
    .await;
    rec.get(
        "/x/im/auto_reply/get_reply_text?type[]=2&uid=1&build=0&mobi_app=web",
        As::User(&alice),
    )
    .await;
    rec.post(
        "/link_setting/v1/link_setting/set",
        As::User(&alice),
        &[("keys_reply", "1")],
    )
    .await;
    rec.post(
        "/x/im/auto_reply/del_reply_text",
        As::User(&bob),
        &[("id", "1")],
    )
    .await;
    rec.post(
        "/x/im/auto_reply/del_reply_text",
        As::User(&alice),
        &[("id", "1"), ("build", "0"), ("mobi_app", "web")],
    )
    .await;
    rec.finish();
}
