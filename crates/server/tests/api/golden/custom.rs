//! Golden transcript: customer service (`heart_beat`, `upload`) and a
//! conversation with an agent as the session lists and unread counts show it.

use serde_json::json;
use sixin_client::EnvelopeExt;

use super::{As, Recorder};
use crate::helpers::spawn_app;

#[tokio::test]
async fn custom_transcript() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let mut rec = Recorder::new(&app, "custom");

    rec.note("heartbeat");
    let beat =
        "/x/custom/session_svr/v1/heart_beat?shop_id=0&shop_father_id=0&build=0&mobi_app=web";
    rec.get(beat, As::Nobody).await;
    rec.get(beat, As::User(&alice)).await;
    rec.get(
        "/x/custom/session_svr/v1/heart_beat?shop_id=x",
        As::User(&alice),
    )
    .await;

    rec.note("upload");
    let csrf = alice.cookies().unwrap().bili_jct.clone();
    let form = |mid: u64, csrf: &str| {
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"gimp image".to_vec()).file_name("xx-out.xcf"),
            )
            .text("filename", "ihavenoname")
            .text("mid", mid.to_string())
            .text("csrf", csrf.to_owned())
    };
    let path = "/x/custom/msg_svr/v1/upload";
    rec.multipart(
        path,
        As::User(&alice),
        form(a, &csrf),
        "file=xx-out.xcf filename=ihavenoname mid=<alice>",
    )
    .await;
    rec.multipart(
        path,
        As::User(&alice),
        form(a + 1, &csrf),
        "mid=<someone else>",
    )
    .await;
    rec.multipart(path, As::User(&alice), form(a, "wrong"), "csrf=wrong")
        .await;
    rec.multipart(path, As::Nobody, form(a, &csrf), "not logged in")
        .await;

    rec.note("an agent");
    let created = rec
        .admin(
            reqwest::Method::POST,
            "/admin/v1/users",
            Some(
                json!({"uname": "kefu", "system": {"system_msg_type": 8, "name": "哔哩哔哩客服"}}),
            ),
        )
        .await;
    let k = created["data"]["mid"].as_u64().unwrap();
    rec.admin(reqwest::Method::GET, "/admin/v1/system-accounts", None)
        .await;
    let kefu = app.login_as(k).await;
    alice
        .send_text(k, "你好")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    kefu.send_text(a, "您好，这里是客服")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    rec.get(
        "/session_svr/v1/session_svr/single_unread",
        As::User(&alice),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=7&group_fold=0&unfollow_fold=0&sort_rule=2",
        As::User(&alice),
    )
    .await;
    rec.get("/admin/v1/presence", As::Nobody).await;
    rec.finish();
}
