//! `/admin/v1`: users, profiles and sessions.

use serde_json::json;
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::admin::{CreateUser, PatchUser};
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{spawn_app, spawn_app_with, ADMIN_TOKEN};

#[tokio::test]
async fn users_get_the_mid_they_ask_for_or_the_next_free_one() {
    let app = spawn_app().await;
    let first = app.create_user("first").await;
    assert!(first >= 1);
    let chosen = app
        .admin
        .create_user(&CreateUser {
            mid: Some(1_000_000),
            uname: "chosen".into(),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .mid;
    assert_eq!(chosen, 1_000_000);
    let next = app.create_user("next").await;
    assert_eq!(next, 1_000_001);
}

#[tokio::test]
async fn an_existing_mid_or_name_is_an_error_and_changes_nothing() {
    let app = spawn_app().await;
    let mid = app.create_user("alice").await;
    let again = app
        .admin
        .create_user(&CreateUser {
            mid: Some(mid),
            uname: "someone".into(),
            ..CreateUser::default()
        })
        .await
        .unwrap();
    assert_eq!(again.code, -409);
    let same_name = app
        .admin
        .create_user(&CreateUser {
            uname: "alice".into(),
            ..CreateUser::default()
        })
        .await
        .unwrap();
    assert_eq!(same_name.code, -409);
    // alice is untouched.
    let alice = app.login_as(mid).await;
    assert_eq!(alice.nav().await.unwrap().data.unwrap()["uname"], "alice");
}

#[tokio::test]
async fn the_admin_api_needs_the_bearer_token() {
    let app = spawn_app().await;
    let strangers = [
        Client::new(&app.base),
        Client::new(&app.base).with_admin_token("wrong-token"),
        Client::new(&app.base).with_admin_token(&format!("{ADMIN_TOKEN}x")),
    ];
    for client in strangers {
        let answer = client
            .create_user(&CreateUser {
                uname: "mallory".into(),
                ..CreateUser::default()
            })
            .await
            .unwrap();
        assert_eq!(answer.code, -403);
        assert_eq!(client.create_session(1).await.unwrap().code, -403);
    }
    // Nothing was created: the name is still free.
    assert!(app.create_user("mallory").await > 0);
}

#[tokio::test]
async fn profiles_are_changed_with_patch() {
    let app = spawn_app().await;
    let (mid, alice) = app.user("alice").await;
    let answer = app
        .admin
        .patch_user(
            mid,
            &PatchUser {
                uname: Some("alice2".into()),
                face: Some("https://img.example.test/a.png".into()),
                sign: Some("new sign".into()),
                official_verify: Some(OfficialVerify {
                    kind: 1,
                    desc: "org".into(),
                }),
                vip: Some(VipInput {
                    vip_type: 1,
                    vip_due_date: 1,
                    vip_status: 1,
                }),
                password: None,
                system: None,
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
    let nav = alice.nav().await.unwrap().data.unwrap();
    assert_eq!(nav["uname"], "alice2");
    assert_eq!(nav["face"], "https://img.example.test/a.png");
    assert_eq!(nav["officialVerify"], json!({"type": 1, "desc": "org"}));
    assert_eq!(nav["vipType"], 1);

    // An empty face goes back to the server's default avatar.
    app.admin
        .patch_user(
            mid,
            &PatchUser {
                face: Some(String::new()),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    let nav = alice.nav().await.unwrap().data.unwrap();
    assert_eq!(
        nav["face"],
        format!("{}/bfs/face/member/noface.png", app.base)
    );

    // Patching an unknown user or setting a taken name fails.
    let unknown = app
        .admin
        .patch_user(999_999, &PatchUser::default())
        .await
        .unwrap();
    assert_eq!(unknown.code, 40061);
    app.create_user("bob").await;
    let taken = app
        .admin
        .patch_user(
            mid,
            &PatchUser {
                uname: Some("bob".into()),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(taken.code, -409);
}

#[tokio::test]
async fn a_password_set_by_patch_allows_login() {
    let app = spawn_app().await;
    let mid = app.create_user("carol").await;
    app.admin
        .patch_user(
            mid,
            &PatchUser {
                password: Some("s3cret!".into()),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    let (answer, client) = app.anonymous().login("carol", "s3cret!").await.unwrap();
    assert_eq!(answer.code, 0);
    assert!(client.is_some());
}

#[tokio::test]
async fn sessions_are_only_for_existing_users() {
    let app = spawn_app().await;
    let answer = app.admin.create_session(424242).await.unwrap();
    assert_eq!(answer.code, 40061);
    let mid = app.create_user("dave").await;
    let cookies = app
        .admin
        .create_session(mid)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(cookies.dede_user_id, mid.to_string());
    assert_eq!(cookies.sessdata.len(), 64);
    assert_eq!(cookies.bili_jct.len(), 32);
    assert!(cookies.expires > 1_700_000_000);
}

#[tokio::test]
async fn invalid_admin_input_is_minus_400() {
    let app = spawn_app().await;
    let url = format!("{}/admin/v1/users", app.base);
    let bodies = [
        "{not json",
        r#"{"mid": "abc", "uname": "x"}"#,
        r#"{"mid": 0, "uname": "x"}"#,
        r#"{"uname": ""}"#,
        r#"{"uname": "12345"}"#,
        r#"{"uname": "x", "vip": {"vipType": 9}}"#,
        r#"{"uname": "x", "official_verify": {"type": 5, "desc": ""}}"#,
        r#"{"uname": "x", "face": "javascript:alert(1)"}"#,
        r#"{"uname": "x", "unknown_field": 1}"#,
    ];
    for body in bodies {
        let answer: serde_json::Value = app
            .http
            .post(&url)
            .bearer_auth(ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["code"], -400, "{body}: {answer}");
    }
    let bad_mid = app.get_raw("/admin/v1/users/abc", None).await;
    assert_eq!(bad_mid["code"], -403, "authorisation is checked first");
}

#[tokio::test]
async fn without_a_configured_token_one_is_generated_in_the_data_dir() {
    let app = spawn_app_with(|c| c.admin_token = None).await;
    let path = app.data_dir.join("admin_token");
    let token = std::fs::read_to_string(&path).expect("token file written");
    let token = token.trim();
    assert!(token.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let client = Client::new(&app.base).with_admin_token(token);
    let answer = client
        .create_user(&CreateUser {
            uname: "eve".into(),
            ..CreateUser::default()
        })
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
}
