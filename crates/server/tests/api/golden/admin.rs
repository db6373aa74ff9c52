//! Golden transcript: the admin API.

use reqwest::Method;
use serde_json::json;

use super::{As, Recorder};
use crate::helpers::spawn_app;

#[tokio::test]
async fn admin_transcript() {
    let app = spawn_app().await;
    let mut rec = Recorder::new(&app, "admin");
    let users = "/admin/v1/users";

    rec.note("authorisation");
    rec.raw(
        Method::POST,
        users,
        As::Nobody,
        "application/json",
        r#"{"uname":"x"}"#,
    )
    .await;
    rec.get("/admin/v1/users/1", As::Nobody).await;

    rec.note("creating users");
    rec.admin(Method::POST, users, Some(json!({"uname": "alice"})))
        .await;
    rec.admin(
        Method::POST,
        users,
        Some(json!({"mid": 500, "uname": "bob", "face": "https://example.test/b.png"})),
    )
    .await;
    rec.admin(Method::POST, users, Some(json!({"uname": "carol"})))
        .await;
    rec.admin(Method::POST, users, Some(json!({"uname": "alice"})))
        .await;
    rec.admin(
        Method::POST,
        users,
        Some(json!({"mid": 500, "uname": "dave"})),
    )
    .await;
    for bad in [
        json!({"uname": ""}),
        json!({"uname": "12345"}),
        json!({"mid": 0, "uname": "zero"}),
        json!({"uname": "x", "face": "ftp://nope"}),
        json!({"uname": "x", "sign": "s".repeat(251)}),
        json!({"uname": "x", "official_verify": {"type": 5, "desc": ""}}),
        json!({"uname": "x", "vip": {"vipType": 9}}),
        json!({"uname": "x", "password": ""}),
        json!({"uname": "x", "unknown": 1}),
    ] {
        rec.admin(Method::POST, users, Some(bad)).await;
    }
    rec.raw(
        Method::POST,
        users,
        As::Admin,
        "application/json",
        "{not json",
    )
    .await;

    rec.note("reading and changing profiles");
    rec.admin(Method::GET, "/admin/v1/users/500", None).await;
    rec.admin(Method::GET, "/admin/v1/users/1", None).await;
    rec.admin(Method::GET, "/admin/v1/users/999", None).await;
    rec.admin(Method::GET, "/admin/v1/users/abc", None).await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/500",
        Some(json!({"uname": "bobby", "sign": "new", "face": "",
                    "official_verify": {"type": 1, "desc": "org"},
                    "vip": {"vipType": 1, "vipDueDate": 5, "vipStatus": 1}})),
    )
    .await;
    rec.admin(Method::GET, "/admin/v1/users/500", None).await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/500",
        Some(json!({"uname": "alice"})),
    )
    .await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/999",
        Some(json!({"sign": "x"})),
    )
    .await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/500",
        Some(json!({"password": "pw"})),
    )
    .await;

    rec.note("sessions");
    rec.admin(Method::POST, "/admin/v1/users/500/sessions", None)
        .await;
    rec.admin(Method::POST, "/admin/v1/users/999/sessions", None)
        .await;
    rec.admin(Method::POST, "/admin/v1/users/x/sessions", None)
        .await;
    rec.admin(Method::GET, "/admin/v1/users/500/sessions", None)
        .await;
    rec.admin(
        Method::DELETE,
        &format!("/admin/v1/users/500/sessions/{}", "0".repeat(64)),
        None,
    )
    .await;
    rec.admin(Method::DELETE, "/admin/v1/users/500/sessions/xyz", None)
        .await;
    rec.admin(Method::DELETE, "/admin/v1/users/500/sessions", None)
        .await;
    rec.admin(Method::GET, "/admin/v1/users/500/sessions", None)
        .await;

    rec.note("users: listing, disabling, deleting");
    rec.admin(Method::GET, "/admin/v1/users", None).await;
    rec.admin(Method::GET, "/admin/v1/users?after=1&limit=1", None)
        .await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/500",
        Some(json!({"disabled": true})),
    )
    .await;
    rec.admin(Method::POST, "/admin/v1/users/500/sessions", None)
        .await;
    rec.admin(Method::GET, "/admin/v1/users/500", None).await;
    rec.admin(
        Method::PATCH,
        "/admin/v1/users/500",
        Some(json!({"disabled": false})),
    )
    .await;
    rec.admin(Method::DELETE, "/admin/v1/users/1", None).await;
    rec.admin(Method::GET, "/admin/v1/users/1", None).await;
    rec.admin(Method::DELETE, "/admin/v1/users/1", None).await;
    rec.admin(Method::DELETE, "/admin/v1/users/999", None).await;
    rec.admin(Method::GET, "/admin/v1/users", None).await;

    rec.note("emoji catalogue");
    rec.admin(Method::GET, "/admin/v1/emotes", None).await;
    rec.admin(
        Method::POST,
        "/admin/v1/emotes",
        Some(json!({"text": "[打call2]", "uri": "/bfs/emote/e11.png", "size": 2, "gif_url": "https://example.test/a.gif"})),
    )
    .await;
    for bad in [
        json!({"text": "nobrackets", "uri": "/x.png"}),
        json!({"text": "[a]", "uri": "/x.png", "size": 3}),
        json!({"text": "[a]", "uri": "ftp://x"}),
        json!({"text": "[a]", "uri": "/x.png", "gif_url": "x y"}),
    ] {
        rec.admin(Method::POST, "/admin/v1/emotes", Some(bad)).await;
    }
    rec.admin(
        Method::POST,
        "/admin/v1/emotes/delete",
        Some(json!({"text": "[打call2]"})),
    )
    .await;
    rec.admin(
        Method::POST,
        "/admin/v1/emotes/delete",
        Some(json!({"text": "[打call2]"})),
    )
    .await;

    rec.note("keyword rules");
    rec.admin(Method::GET, "/admin/v1/keyword-rules", None)
        .await;
    rec.admin(
        Method::POST,
        "/admin/v1/keyword-rules",
        Some(json!({"rule_id": 7, "keywords": ["钱"], "toast": "小心"})),
    )
    .await;
    rec.admin(
        Method::POST,
        "/admin/v1/keyword-rules",
        Some(json!({"rule_id": 0, "keywords": ["钱"], "toast": "小心"})),
    )
    .await;
    rec.admin(Method::GET, "/admin/v1/keyword-rules", None)
        .await;
    rec.admin(Method::DELETE, "/admin/v1/keyword-rules/7", None)
        .await;
    rec.admin(Method::DELETE, "/admin/v1/keyword-rules/7", None)
        .await;
    rec.admin(Method::DELETE, "/admin/v1/keyword-rules/x", None)
        .await;
    rec.finish();
}
