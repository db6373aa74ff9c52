//! Golden transcript: a fan group from its creation to its dissolution,
//! as the admin API, its members' sends, sessions and history show it.

use serde_json::json;

use super::{As, Recorder};
use crate::helpers::spawn_app;

const SEND: &str = "/web_im/v1/web_im/send_msg";

/// A member's send to group `g`, as the web client fills it.
fn to_group<'a>(
    sender: &'a str,
    g: &'a str,
    content: &'a str,
    at: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("msg[sender_uid]", sender),
        ("msg[receiver_id]", g),
        ("msg[receiver_type]", "2"),
        ("msg[msg_type]", "1"),
        ("msg[msg_status]", "0"),
        ("msg[dev_id]", "372778FD-E359-461D-86A3-EA2BCC6FF52A"),
        ("msg[timestamp]", "1626181379"),
        ("msg[new_face_version]", "1"),
        ("msg[content]", content),
    ];
    if !at.is_empty() {
        form.push(("msg[at_uids]", at));
    }
    form
}

#[tokio::test]
async fn groups_transcript() {
    let app = spawn_app().await;
    let (a, alice) = app.user("社会易姐QwQ").await;
    let (b, bob) = app.user("罗板栗").await;
    let (c, carol) = app.user("wuziqian211").await;
    let (a, b, c) = (a.to_string(), b.to_string(), c.to_string());
    let mut rec = Recorder::new(&app, "groups");

    rec.note("an administrator opens a group and adds its fans");
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/groups",
        Some(json!({
            "group_id": 221082140u64,
            "owner": a.parse::<u64>().unwrap(),
            "name": "社会易姐QwQ的应援团",
            "cover": "http://i0.hdslb.com/bfs/face/aebb2639a0d47f2ce1fec0631f412eaf53d4a0be.jpg",
            "group_type": 0
        })),
    )
    .await;
    let g = "221082140";
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/groups/221082140/members",
        Some(json!({"mids": [b.parse::<u64>().unwrap(), c.parse::<u64>().unwrap()]})),
    )
    .await;
    rec.admin(reqwest::Method::GET, "/admin/v1/groups/221082140", None)
        .await;
    rec.admin(
        reqwest::Method::POST,
        "/admin/v1/groups",
        Some(json!({"owner": 1, "name": "x", "group_type": 1})),
    )
    .await;

    rec.note("members talk; bob mentions carol");
    let hello = json!({"content": "大家好"}).to_string();
    rec.post(SEND, As::User(&bob), &to_group(&b, g, &hello, ""))
        .await;
    let mention = json!({"content": "@wuziqian211 来了吗"}).to_string();
    let at = c.clone();
    rec.post(SEND, As::User(&bob), &to_group(&b, g, &mention, &at))
        .await;
    rec.post(
        SEND,
        As::User(&carol),
        &to_group(&c, "221082141", &hello, ""),
    )
    .await;
    let session = format!(
        "/session_svr/v1/session_svr/session_detail?talker_id={g}&session_type=2&build=0&mobi_app=web"
    );
    rec.get(&session, As::User(&carol)).await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={g}&session_type=2&size=20&sender_device_id=1&build=0&mobi_app=web"),
        As::User(&carol),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/my_group_unread?build=0&mobi_app=web",
        As::User(&carol),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread",
        As::User(&carol),
    )
    .await;
    rec.post(
        "/session_svr/v1/session_svr/update_ack",
        As::User(&carol),
        &[("talker_id", g), ("session_type", "2"), ("ack_seqno", "5")],
    )
    .await;
    rec.get(&session, As::User(&carol)).await;
    rec.get(
        "/session_svr/v1/session_svr/my_group_unread?build=0&mobi_app=web",
        As::User(&carol),
    )
    .await;

    rec.note("the lists: all, fan groups only, folded");
    rec.post(
        SEND,
        As::User(&carol),
        &[
            ("msg[sender_uid]", c.as_str()),
            ("msg[receiver_id]", a.as_str()),
            ("msg[receiver_type]", "1"),
            ("msg[msg_type]", "1"),
            ("msg[dev_id]", "372778FD-E359-461D-86A3-EA2BCC6FF52A"),
            ("msg[timestamp]", "1626181379"),
            ("msg[content]", &json!({"content": "私聊"}).to_string()),
        ],
    )
    .await;
    let list = |t: &str, fold: &str| {
        format!("/session_svr/v1/session_svr/get_sessions?session_type={t}&group_fold={fold}&unfollow_fold=0&sort_rule=2&build=0&mobi_app=web")
    };
    rec.get(&list("4", "0"), As::User(&alice)).await;
    rec.get(&list("3", "0"), As::User(&alice)).await;
    rec.get(&list("4", "1"), As::User(&alice)).await;

    rec.note("frozen, then dissolved");
    rec.admin(
        reqwest::Method::PATCH,
        "/admin/v1/groups/221082140",
        Some(json!({"frozen": true})),
    )
    .await;
    let late = json!({"content": "还在吗"}).to_string();
    rec.post(SEND, As::User(&bob), &to_group(&b, g, &late, ""))
        .await;
    rec.admin(
        reqwest::Method::DELETE,
        &format!("/admin/v1/groups/221082140/members/{b}"),
        None,
    )
    .await;
    rec.post(SEND, As::User(&bob), &to_group(&b, g, &late, ""))
        .await;
    rec.admin(reqwest::Method::DELETE, "/admin/v1/groups/221082140", None)
        .await;
    rec.post(SEND, As::User(&carol), &to_group(&c, g, &late, ""))
        .await;
    rec.get(&list("3", "0"), As::User(&carol)).await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={g}&session_type=2&size=3&build=0&mobi_app=web"),
        As::User(&carol),
    )
    .await;
    rec.finish();
}
