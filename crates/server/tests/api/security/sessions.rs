//! Sessions end when they should: listed and ended one by one or all at
//! once (admin API, and a user's own calls), on a password change, when an
//! account is disabled or deleted. What disabled and deleted accounts look
//! like to everyone else.

use serde_json::json;
use sixin_api::admin::{CreateUser, PatchUser};
use sixin_client::{Client, EnvelopeExt, RelationAct::*};

use crate::helpers::*;

async fn user_with_password(app: &TestApp, uname: &str, password: &str) -> u64 {
    app.admin
        .create_user(&CreateUser {
            uname: uname.into(),
            password: Some(password.into()),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .mid
}

/// `GET /admin/v1/users/{mid}` as raw JSON.
async fn admin_user(app: &TestApp, mid: u64) -> serde_json::Value {
    app.http
        .get(format!("{}/admin/v1/users/{mid}", app.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Whether `client`'s session is still accepted.
async fn logged_in(client: &Client) -> bool {
    match client.nav().await.unwrap().code {
        0 => true,
        -101 => false,
        other => panic!("nav answered {other}"),
    }
}

async fn password_login(app: &TestApp, username: &str, password: &str) -> (i64, Option<Client>) {
    let (answer, client) = app.anonymous().login(username, password).await.unwrap();
    (answer.code, client)
}

#[tokio::test]
async fn the_admin_lists_and_ends_a_users_sessions() {
    let app = spawn_app().await;
    let mid = app.create_user("alice").await;
    let phone = app.login_as(mid).await;
    let laptop = app.login_as(mid).await;
    let sessions = app
        .admin
        .user_sessions(mid)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions
        .iter()
        .all(|s| s.id.len() == 64 && s.expires_at > s.created_at));

    // The phone's session, found by its id in the user's own list.
    let own = phone.own_sessions().await.unwrap().into_data().unwrap();
    let phone_id = own.iter().find(|s| s.current).unwrap().id.clone();
    assert_eq!(own.iter().filter(|s| s.current).count(), 1);
    let ended = app.admin.end_user_session(mid, &phone_id).await.unwrap();
    assert_eq!(ended.code, 0);
    assert!(!logged_in(&phone).await);
    assert!(logged_in(&laptop).await);
    // Ending it again, or another user's session, is -404.
    assert_eq!(
        app.admin
            .end_user_session(mid, &phone_id)
            .await
            .unwrap()
            .code,
        -404
    );
    let bob = app.create_user("bob").await;
    let bobs = app.login_as(bob).await;
    let bob_id = bobs.own_sessions().await.unwrap().into_data().unwrap()[0]
        .id
        .clone();
    assert_eq!(
        app.admin.end_user_session(mid, &bob_id).await.unwrap().code,
        -404
    );
    assert!(logged_in(&bobs).await);
    let junk = app.admin.end_user_session(mid, "not-an-id").await.unwrap();
    assert_eq!(junk.code, -400);

    let all = app
        .admin
        .end_user_sessions(mid)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(all.ended, 1);
    assert!(!logged_in(&laptop).await);
    assert!(logged_in(&bobs).await);
    assert!(app
        .admin
        .user_sessions(mid)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_user_signs_out_elsewhere_or_everywhere() {
    let app = spawn_app().await;
    let mid = app.create_user("alice").await;
    let phone = app.login_as(mid).await;
    let laptop = app.login_as(mid).await;
    let laptop_id = laptop
        .own_sessions()
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .into_iter()
        .find(|s| s.current)
        .unwrap()
        .id;
    assert_code(&phone.revoke_session(&laptop_id).await.unwrap(), 0);
    assert!(!logged_in(&laptop).await);
    assert!(logged_in(&phone).await);

    let tablet = app.login_as(mid).await;
    let everywhere = app
        .post_form_as(&phone, "/x/sixin/logout/everywhere", &())
        .await;
    assert_eq!(
        everywhere,
        json!({"code": 0, "message": "0", "ttl": 1, "data": {"ended": 2}})
    );
    assert!(!logged_in(&phone).await);
    assert!(!logged_in(&tablet).await);
    // Without csrf nothing ends.
    let other = app.login_as(mid).await;
    let no_csrf = app
        .post_raw(
            "/x/sixin/logout/everywhere",
            Some(&cookie_of(&other)),
            "application/x-www-form-urlencoded",
            "",
        )
        .await;
    assert_eq!(no_csrf["code"], -111);
    assert!(logged_in(&other).await);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let app = spawn_app().await;
    let mid = user_with_password(&app, "alice", "old secret").await;
    let (_, phone) = password_login(&app, "alice", "old secret").await;
    let (_, laptop) = password_login(&app, "alice", "old secret").await;
    let (phone, laptop) = (phone.unwrap(), laptop.unwrap());

    assert_code(
        &phone.change_password("wrong", "new secret").await.unwrap(),
        -629,
    );
    assert!(logged_in(&laptop).await, "a refused change ends nothing");
    let empty = phone.change_password("old secret", "").await.unwrap();
    assert_eq!(empty.code, -400);

    assert_code(
        &phone
            .change_password("old secret", "new secret")
            .await
            .unwrap(),
        0,
    );
    assert!(logged_in(&phone).await, "the session that changed it stays");
    assert!(!logged_in(&laptop).await);
    assert_eq!(password_login(&app, "alice", "old secret").await.0, -629);
    assert_eq!(password_login(&app, "alice", "new secret").await.0, 0);

    // Set by the administrator, it ends every session.
    let answer = app
        .admin
        .patch_user(
            mid,
            &PatchUser {
                password: Some("admin set".into()),
                ..PatchUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
    assert!(!logged_in(&phone).await);
    assert_eq!(password_login(&app, "alice", "admin set").await.0, 0);
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_others_see_it_as_before() {
    let app = spawn_app().await;
    let a = user_with_password(&app, "alice", "secret").await;
    let alice = app.login_as(a).await;
    let (b, bob) = app.user("bob").await;
    relate(&bob, a, Follow).await;
    relate(&alice, b, Follow).await;
    let greeted = unread_with(&alice, b).await;
    assert_eq!(bob.send_text(a, "hello").await.unwrap().code, 0);

    let disable = PatchUser {
        disabled: Some(true),
        ..PatchUser::default()
    };
    assert_eq!(app.admin.patch_user(a, &disable).await.unwrap().code, 0);
    assert!(!logged_in(&alice).await, "its sessions end at once");
    let refused = app
        .http
        .post(format!("{}/x/passport-login/web/login", app.base))
        .form(&[("username", "alice"), ("password", "secret")])
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        refused,
        json!({"code": -102, "message": "账号被封停", "ttl": 1})
    );
    // A wrong password learns nothing about the state.
    assert_eq!(password_login(&app, "alice", "guess").await.0, -629);
    assert_eq!(app.admin.create_session(a).await.unwrap().code, -102);
    let user = admin_user(&app, a).await;
    assert_eq!(user["data"]["state"], "disabled");

    // Everyone else sees alice as before, and can still write to her.
    let followings = bob
        .followings(b, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(followings.list[0].uname, "alice");
    assert_eq!(bob.send_text(a, "are you there?").await.unwrap().code, 0);

    let enable = PatchUser {
        disabled: Some(false),
        ..PatchUser::default()
    };
    assert_eq!(app.admin.patch_user(a, &enable).await.unwrap().code, 0);
    let (code, again) = password_login(&app, "alice", "secret").await;
    assert_eq!(code, 0);
    assert_eq!(unread_with(&again.unwrap(), b).await, greeted + 2);
}

#[tokio::test]
async fn a_deleted_account_shows_as_deleted_and_keeps_its_history_with_others() {
    let app = spawn_app().await;
    let a = user_with_password(&app, "alice", "secret").await;
    let alice = app.login_as(a).await;
    let (b, bob) = app.user("bob").await;
    let (_, carol) = app.user("carol").await;
    relate(&bob, a, Follow).await;
    relate(&alice, b, Follow).await;
    assert_eq!(alice.send_text(b, "bye bob").await.unwrap().code, 0);

    assert_eq!(app.admin.delete_user(a).await.unwrap().code, 0);
    assert!(!logged_in(&alice).await);
    assert_eq!(password_login(&app, "alice", "secret").await.0, -629);
    assert_eq!(password_login(&app, &a.to_string(), "secret").await.0, -629);
    assert_eq!(app.admin.create_session(a).await.unwrap().code, 40061);
    assert_eq!(app.admin.delete_user(a).await.unwrap().code, 40061);
    let patch = PatchUser {
        sign: Some("back".into()),
        ..PatchUser::default()
    };
    assert_eq!(app.admin.patch_user(a, &patch).await.unwrap().code, 40061);

    // Bob's lists show her as deleted, with the default avatar.
    let raw = app
        .get_raw(
            &format!("/x/relation/followings?vmid={b}"),
            Some(&cookie_of(&bob)),
        )
        .await;
    let entry = &raw["data"]["list"][0];
    assert_eq!(entry["mid"], a);
    assert_eq!(entry["uname"], "账号已注销");
    assert_eq!(
        entry["face"],
        format!("{}/bfs/face/member/noface.png", app.base)
    );
    assert_eq!(entry["attribute"], 6, "the relations stay");
    let followers = bob
        .followers(b, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(followers.list[0].uname, "账号已注销");
    let found = app
        .get_raw(
            &format!("/x/relation/followings/search?vmid={b}&name=alice"),
            Some(&cookie_of(&bob)),
        )
        .await;
    assert_eq!(found["data"]["total"], 0, "her old name finds nobody");

    // Following or blocking her is 22013; ending a relation is fine.
    for act_code in [Follow, Block] {
        let answer = act(&carol, a, act_code).await;
        assert_eq!(
            (answer.code, answer.message.as_str()),
            (22013, "账号已注销，无法完成操作")
        );
    }
    assert_code(&act(&bob, a, Unfollow).await, 0);
    // Nothing new reaches her; what she sent stays in bob's history.
    let sent = bob.send_text(a, "alice?").await.unwrap();
    assert_eq!(sent.code, 22013);
    let history = history_with(&bob, a).await;
    let messages = history.messages.unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.sender_uid == a && m.content.contains("bye bob")),
        "{messages:?}"
    );
    assert!(messages.iter().all(|m| !m.content.contains("alice?")));

    // Listed as deleted; her name is free for someone new.
    let users = app
        .admin
        .users(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let listed = users.iter().find(|u| u.mid == a).unwrap();
    assert_eq!(
        (listed.uname.as_str(), listed.state.as_str()),
        ("账号已注销", "deleted")
    );
    let shown = admin_user(&app, a).await;
    assert_eq!(shown["data"]["uname"], "账号已注销");
    assert_eq!(shown["data"]["state"], "deleted");
    let newcomer = app.create_user("alice").await;
    assert_ne!(newcomer, a);
}

#[tokio::test]
async fn users_are_listed_by_mid_in_pages() {
    let app = spawn_app().await;
    for name in ["a1", "a2", "a3"] {
        app.create_user(name).await;
    }
    let first = app
        .admin
        .users(None, Some(2))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(first.iter().map(|u| u.mid).collect::<Vec<_>>(), [1, 2]);
    assert!(first.iter().all(|u| u.state == "active"));
    let next = app
        .admin
        .users(Some(2), Some(2))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(next.iter().map(|u| u.mid).collect::<Vec<_>>(), [3]);
    let anonymous = app.anonymous().users(None, None).await.unwrap();
    assert_eq!(anonymous.code, -403);
}
