//! Golden transcript: nav, myinfo, login, logout, spi, hosted assets and the
//! envelope of unknown routes.

use reqwest::Method;
use serde_json::json;

use super::{As, Recorder};
use crate::helpers::spawn_app;

#[tokio::test]
async fn accounts_transcript() {
    let app = spawn_app().await;
    let mut rec = Recorder::new(&app, "accounts");
    rec.admin(
        Method::POST,
        "/admin/v1/users",
        Some(json!({
            "mid": 293793435, "uname": "社会易姐QwQ", "password": "correct horse",
            "sign": "hello", "official_verify": {"type": 0, "desc": "UP主认证"},
            "vip": {"vipType": 2, "vipDueDate": 1700000000000i64, "vipStatus": 1}
        })),
    )
    .await;
    let bob = rec
        .admin(
            Method::POST,
            "/admin/v1/users",
            Some(json!({"uname": "bob"})),
        )
        .await;
    let bob_mid = bob["data"]["mid"].as_u64().unwrap();
    let alice = app.login_as(293793435).await;

    rec.note("nav and myinfo, logged out and in");
    let nav = rec.get("/x/web-interface/nav", As::Nobody).await;
    rec.get("/x/web-interface/nav", As::User(&alice)).await;
    rec.get("/x/space/myinfo", As::Nobody).await;
    rec.get("/x/space/myinfo", As::User(&alice)).await;
    rec.get("/x/frontend/finger/spi", As::Nobody).await;

    rec.note("hosted images");
    rec.get("/bfs/face/member/noface.png", As::Nobody).await;
    let img = nav["data"]["wbi_img"]["img_url"].as_str().unwrap();
    let path = img.strip_prefix(&app.base).unwrap().to_owned();
    rec.get(&path, As::Nobody).await;
    rec.get("/bfs/wbi/0123456789abcdef0123456789abcdef.png", As::Nobody)
        .await;
    rec.get("/bfs/emote/e01.png", As::Nobody).await;
    rec.get("/bfs/emote/nope.png", As::Nobody).await;

    rec.note("password login");
    let login = "/x/passport-login/web/login";
    rec.post(login, As::Nobody, &[]).await;
    rec.post(login, As::Nobody, &[("username", "bob"), ("password", "")])
        .await;
    rec.post(login, As::Nobody, &[("username", "bob"), ("password", "x")])
        .await;
    rec.post(
        login,
        As::Nobody,
        &[("username", "nobody"), ("password", "x")],
    )
    .await;
    rec.post(
        login,
        As::Nobody,
        &[("username", "社会易姐QwQ"), ("password", "wrong")],
    )
    .await;
    rec.post(
        login,
        As::Nobody,
        &[("username", "社会易姐QwQ"), ("password", "correct horse")],
    )
    .await;
    rec.post(
        login,
        As::Nobody,
        &[("username", "293793435"), ("password", "correct horse")],
    )
    .await;
    rec.raw(
        Method::POST,
        login,
        As::Nobody,
        "application/json",
        "{not json",
    )
    .await;

    rec.note("logout");
    let bob = app.login_as(bob_mid).await;
    rec.post("/login/exit/v2", As::Nobody, &[("biliCSRF", "x")])
        .await;
    rec.post("/login/exit/v2", As::UserNoCsrf(&bob), &[("biliCSRF", "x")])
        .await;
    let jct = bob.cookies().unwrap().bili_jct.clone();
    rec.post(
        "/login/exit/v2",
        As::UserNoCsrf(&bob),
        &[("biliCSRF", &jct), ("gourl", "https://example.test/")],
    )
    .await;
    rec.get("/x/space/myinfo", As::User(&bob)).await;
    let carol = app.login_as(bob_mid).await;
    let jct = carol.cookies().unwrap().bili_jct.clone();
    rec.post(
        "/login/exit/v2",
        As::UserNoCsrf(&carol),
        &[("biliCSRF", &jct)],
    )
    .await;

    rec.note("one's own sessions, password and signing out everywhere");
    let dave = app.login_as(bob_mid).await;
    rec.get("/x/sixin/sessions", As::Nobody).await;
    rec.get("/x/sixin/sessions", As::User(&dave)).await;
    rec.post(
        "/x/sixin/sessions/revoke",
        As::User(&dave),
        &[("id", "nope")],
    )
    .await;
    rec.post(
        "/x/sixin/sessions/revoke",
        As::User(&dave),
        &[("id", &"0".repeat(64))],
    )
    .await;
    rec.post(
        "/x/sixin/password",
        As::User(&dave),
        &[("old_password", "wrong"), ("new_password", "n")],
    )
    .await;
    rec.post(
        "/x/sixin/password",
        As::User(&dave),
        &[("old_password", "correct horse"), ("new_password", "")],
    )
    .await;
    rec.post("/x/sixin/logout/everywhere", As::UserNoCsrf(&dave), &[])
        .await;
    rec.post("/x/sixin/logout/everywhere", As::User(&dave), &[])
        .await;
    rec.get("/x/sixin/sessions", As::User(&dave)).await;

    rec.note("unknown routes and methods");
    rec.get("/no/such/thing", As::Nobody).await;
    rec.raw(
        Method::POST,
        "/x/relation/nonsense",
        As::Nobody,
        "text/plain",
        "x",
    )
    .await;
    rec.post("/x/web-interface/nav", As::Nobody, &[]).await;
    rec.raw(
        Method::DELETE,
        "/x/relation/modify",
        As::Nobody,
        "text/plain",
        "",
    )
    .await;
    rec.finish();
}
