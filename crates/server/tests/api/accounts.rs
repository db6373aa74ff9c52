//! `nav`, `myinfo`, password login and logout.

use serde_json::json;
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::admin::{CreateUser, PatchUser};
use sixin_client::EnvelopeExt;

use crate::helpers::{cookie_of, spawn_app, spawn_app_with, spawn_app_with_clock};

#[tokio::test]
async fn nav_without_cookies_is_minus_101_with_is_login_false_and_wbi_img() {
    let app = spawn_app().await;
    let body = app.get_raw("/x/web-interface/nav", None).await;
    assert_eq!(body["code"], -101);
    assert_eq!(body["message"], "账号未登录");
    assert_eq!(body["ttl"], 1);
    assert_eq!(body["data"]["isLogin"], false);
    let img = body["data"]["wbi_img"]["img_url"].as_str().unwrap();
    let sub = body["data"]["wbi_img"]["sub_url"].as_str().unwrap();
    assert!(
        img.starts_with(&app.base),
        "served by this server, not Bilibili: {img}"
    );
    assert!(sub.starts_with(&app.base));
    assert_ne!(img, sub);
    // The key is the file stem, 32 hex characters, as clients expect.
    let stem = img.rsplit('/').next().unwrap().trim_end_matches(".png");
    assert_eq!(stem.len(), 32);
    assert!(stem.chars().all(|c| c.is_ascii_hexdigit()));
    // And the image itself is served.
    let response = app.http.get(img).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(body["data"].as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn nav_with_an_unknown_or_malformed_sessdata_is_not_logged_in() {
    let app = spawn_app().await;
    for cookie in [
        "SESSDATA=deadbeef",
        "SESSDATA=",
        "SESSDATA",
        "bili_jct=x; DedeUserID=1",
    ] {
        let body = app.get_raw("/x/web-interface/nav", Some(cookie)).await;
        assert_eq!(body["code"], -101, "{cookie}");
        assert_eq!(body["data"]["isLogin"], false);
    }
}

#[tokio::test]
async fn nav_when_logged_in_shows_the_profile() {
    let app = spawn_app().await;
    let mid = app
        .admin
        .create_user(&CreateUser {
            mid: Some(293793435),
            uname: "社会易姐QwQ".into(),
            sign: Some("hello".into()),
            official_verify: Some(OfficialVerify {
                kind: 0,
                desc: "UP主认证".into(),
            }),
            vip: Some(VipInput {
                vip_type: 2,
                vip_due_date: 1707494400000,
                vip_status: 1,
            }),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .mid;
    assert_eq!(mid, 293793435);
    let client = app.login_as(mid).await;
    // Clients add WBI signing parameters; they are accepted and ignored.
    let body = app
        .get_raw(
            "/x/web-interface/nav?wts=1700000000&w_rid=0123456789abcdef&web_location=1550101",
            Some(&cookie_of(&client)),
        )
        .await;
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "0");
    let data = &body["data"];
    assert_eq!(data["isLogin"], true);
    assert_eq!(data["mid"], 293793435u64);
    assert_eq!(data["uname"], "社会易姐QwQ");
    assert_eq!(
        data["face"],
        format!("{}/bfs/face/member/noface.png", app.base)
    );
    assert_eq!(
        data["officialVerify"],
        json!({"type": 0, "desc": "UP主认证"})
    );
    assert_eq!(data["vipType"], 2);
    assert_eq!(data["vipStatus"], 1);
    assert_eq!(data["vipDueDate"], 1707494400000i64);
    assert_eq!(data["vip"]["type"], 2);
    assert_eq!(data["vip"]["label"]["label_theme"], "annual_vip");
    assert_eq!(data["level_info"]["current_level"], 6);
    assert_eq!(data["level_info"]["next_exp"], "--");
    assert_eq!(data["wallet"]["mid"], 293793435u64);
    assert!(data["wbi_img"]["img_url"]
        .as_str()
        .unwrap()
        .starts_with(&app.base));
    for key in [
        "email_verified",
        "face_nft",
        "mobile_verified",
        "money",
        "moral",
        "official",
        "pendant",
        "scores",
        "vip_pay_type",
        "vip_theme_type",
        "vip_label",
        "vip_avatar_subscript",
        "vip_nickname_color",
        "has_shop",
        "shop_url",
        "allowance_count",
        "answer_status",
        "is_senior_member",
        "is_jury",
    ] {
        assert!(data.get(key).is_some(), "nav data has {key}");
    }
    // The default avatar is served by this server.
    let face = app
        .http
        .get(data["face"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(face.status(), 200);
    assert_eq!(face.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn myinfo_needs_a_login_and_shows_the_profile() {
    let app = spawn_app().await;
    let body = app.get_raw("/x/space/myinfo", None).await;
    assert_eq!(
        body,
        json!({"code": -101, "message": "账号未登录", "ttl": 1})
    );

    let (mid, alice) = app.user("alice").await;
    app.admin
        .patch_user(
            mid,
            &PatchUser {
                sign: Some("my sign".into()),
                face: Some("https://img.example.test/alice.png".into()),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap()
        .into_data()
        .unwrap_or(());
    let info = alice.myinfo().await.unwrap().into_data().unwrap();
    assert_eq!(info.mid, mid);
    assert_eq!(info.name, "alice");
    assert_eq!(info.sign, "my sign");
    assert_eq!(info.face, "https://img.example.test/alice.png");
    assert_eq!(info.level, 6);
}

#[tokio::test]
async fn password_login_sets_cookies_that_work() {
    let app = spawn_app().await;
    let mid = app
        .admin
        .create_user(&CreateUser {
            uname: "bob".into(),
            password: Some("correct horse".into()),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .mid;

    let (answer, logged_in) = app.anonymous().login("bob", "correct horse").await.unwrap();
    assert_eq!(answer.code, 0);
    let bob = logged_in.expect("cookies were set");
    let cookies = bob.cookies().unwrap();
    assert_eq!(cookies.dede_user_id, mid.to_string());
    assert_eq!(cookies.bili_jct.len(), 32);
    let nav = bob.nav().await.unwrap();
    assert_eq!(nav.code, 0);
    assert_eq!(nav.data.unwrap()["mid"], mid);

    // The mid works as a login name too.
    let (answer, _) = app
        .anonymous()
        .login(&mid.to_string(), "correct horse")
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused() {
    let app = spawn_app().await;
    app.admin
        .create_user(&CreateUser {
            uname: "bob".into(),
            password: Some("correct horse".into()),
            ..CreateUser::default()
        })
        .await
        .unwrap();
    app.create_user("nopassword").await;
    let cases = [
        ("bob", "wrong", -629),
        ("nobody", "whatever", -629),
        ("nopassword", "anything", -629),
        ("bob", "", -653),
        ("", "correct horse", -653),
    ];
    for (user, password, code) in cases {
        let (answer, logged_in) = app.anonymous().login(user, password).await.unwrap();
        assert_eq!(answer.code, code, "{user}/{password}");
        assert!(logged_in.is_none());
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let cookie = cookie_of(&alice);

    // A wrong biliCSRF is refused with the document's own code and changes nothing.
    let body = app
        .post_raw(
            "/login/exit/v2",
            Some(&cookie),
            "application/x-www-form-urlencoded",
            "biliCSRF=nope",
        )
        .await;
    assert_eq!(body["code"], 2202);
    assert_eq!(alice.nav().await.unwrap().code, 0);

    let body = alice.logout().await.unwrap();
    assert_eq!(body["code"], 0);
    assert_eq!(body["status"], true);
    assert!(body["data"]["redirectUrl"].is_string());
    assert_eq!(alice.nav().await.unwrap().code, -101);
    assert_eq!(alice.myinfo().await.unwrap().code, -101);
}

#[tokio::test]
async fn expired_sessions_are_not_logged_in() {
    let app = spawn_app_with(|c| c.session_days = 0).await;
    let (_, alice) = app.user("alice").await;
    assert_eq!(alice.nav().await.unwrap().code, -101);
}

#[tokio::test]
async fn sessions_last_the_configured_thirty_days() {
    let (app, clock) = spawn_app_with_clock().await;
    let (_, alice) = app.user("alice").await;
    clock.advance_secs(30 * 86_400 - 1);
    assert_eq!(alice.nav().await.unwrap().code, 0);
    clock.advance_secs(1);
    assert_eq!(alice.nav().await.unwrap().code, -101);
    assert_eq!(alice.myinfo().await.unwrap().code, -101);
}

#[tokio::test]
async fn sessions_of_one_user_do_not_open_another() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    assert_eq!(alice.nav().await.unwrap().data.unwrap()["mid"], a);
    assert_eq!(bob.nav().await.unwrap().data.unwrap()["mid"], b);
    // bili_jct is bound to the session: alice's SESSDATA with bob's bili_jct
    // is still alice, and bob's token does not work as alice's csrf.
    let mixed = format!(
        "SESSDATA={}; bili_jct={}",
        alice.cookies().unwrap().sessdata,
        bob.cookies().unwrap().bili_jct
    );
    let body = app
        .post_raw(
            "/login/exit/v2",
            Some(&mixed),
            "application/x-www-form-urlencoded",
            format!("biliCSRF={}", bob.cookies().unwrap().bili_jct),
        )
        .await;
    assert_eq!(body["code"], 2202);
    assert_eq!(alice.nav().await.unwrap().code, 0);
}
