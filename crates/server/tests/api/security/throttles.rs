//! Guessing is throttled: failed password logins per account and per client
//! address (-625), QR-code keys and polls of dead keys per address (-799),
//! wrong admin tokens per address (-799). `X-Forwarded-For` names the
//! client only when the peer is a trusted proxy.

use serde_json::{json, Value};
use sixin_api::admin::CreateUser;

use crate::helpers::*;

/// A password login from the test's address, with `X-Forwarded-For` when
/// given; the answer as raw JSON.
async fn login(app: &TestApp, username: &str, password: &str, forwarded: Option<&str>) -> Value {
    let mut request = app
        .http
        .post(format!("{}/x/passport-login/web/login", app.base))
        .form(&[("username", username), ("password", password)]);
    if let Some(addr) = forwarded {
        request = request.header("X-Forwarded-For", addr);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn user_with_password(app: &TestApp, uname: &str, password: &str) -> u64 {
    app.admin
        .create_user(&CreateUser {
            uname: uname.into(),
            password: Some(password.into()),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .mid
}

#[tokio::test]
async fn wrong_passwords_shut_the_account_for_growing_delays() {
    let (app, clock) = spawn_app_with_clock().await;
    user_with_password(&app, "alice", "correct horse").await;
    for i in 0..5 {
        let answer = login(&app, "alice", &format!("guess {i}"), None).await;
        assert_eq!(answer["code"], -629, "free failure {i}");
    }
    // The sixth failure is answered, and shuts the account for a second.
    assert_eq!(login(&app, "alice", "guess 5", None).await["code"], -629);
    let shut = login(&app, "alice", "correct horse", None).await;
    assert_eq!(
        shut,
        json!({"code": -625, "message": "登录失败次数太多", "ttl": 1})
    );
    // The account is shut by name and by mid alike.
    assert_eq!(login(&app, "1", "correct horse", None).await["code"], -625);

    // After the delay one more guess; it doubles the delay.
    clock.advance_secs(1);
    assert_eq!(login(&app, "alice", "guess 6", None).await["code"], -629);
    clock.advance_secs(1);
    assert_eq!(
        login(&app, "alice", "correct horse", None).await["code"],
        -625
    );
    clock.advance_secs(1);
    let answer = login(&app, "alice", "correct horse", None).await;
    assert_eq!(answer["code"], 0, "{answer}");

    // Logging in forgives the account's failures: five free ones again.
    for i in 0..5 {
        let answer = login(&app, "alice", &format!("again {i}"), None).await;
        assert_eq!(answer["code"], -629, "{i}");
    }
}

#[tokio::test]
async fn unknown_names_are_shut_like_accounts() {
    let app = spawn_app().await;
    let codes: Vec<Value> = futures_util::future::join_all((0..8).map(|i| {
        login(
            &app,
            "nobody",
            ["a", "b", "c", "d", "e", "f", "g", "h"][i],
            None,
        )
    }))
    .await
    .into_iter()
    .map(|answer| answer["code"].clone())
    .collect();
    // Concurrent guesses are counted as they start: at most six get a
    // hash, the rest are shut at once, whatever the order.
    assert_eq!(codes.iter().filter(|c| **c == -629).count(), 6, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == -625).count(), 2, "{codes:?}");
}

#[tokio::test]
async fn an_address_guessing_many_accounts_is_shut() {
    let app = spawn_app().await;
    user_with_password(&app, "alice", "correct horse").await;
    for i in 0..21 {
        let answer = login(&app, &format!("user{i}"), "123456", None).await;
        assert_eq!(answer["code"], -629, "attempt {i}");
    }
    assert_eq!(
        login(&app, "alice", "correct horse", None).await["code"],
        -625
    );
    // Without a trusted proxy, a forwarded-for header changes nothing.
    let spoofed = login(&app, "alice", "correct horse", Some("198.51.100.7")).await;
    assert_eq!(spoofed["code"], -625);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_apart() {
    let app = spawn_app_with(|c| {
        c.guard.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    user_with_password(&app, "alice", "correct horse").await;
    for i in 0..21 {
        let answer = login(&app, &format!("user{i}"), "123456", Some("203.0.113.66")).await;
        assert_eq!(answer["code"], -629, "attempt {i}");
    }
    let attacker = login(&app, "alice", "correct horse", Some("203.0.113.66")).await;
    assert_eq!(attacker["code"], -625);
    // A hop the client wrote itself, left of the proxy's, is not believed.
    let forged = login(
        &app,
        "alice",
        "correct horse",
        Some("192.0.2.1, 203.0.113.66"),
    )
    .await;
    assert_eq!(forged["code"], -625);
    // Another client behind the same proxy logs in.
    let other = login(&app, "alice", "correct horse", Some("198.51.100.7")).await;
    assert_eq!(other["code"], 0, "{other}");
}

#[tokio::test]
async fn qr_code_keys_and_polls_of_dead_keys_are_throttled_per_address() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(browser.qr_generate().await.unwrap().code);
    }
    assert_eq!(codes[..11], [0; 11]);
    assert_eq!(codes[11], -799);
    let refused = app
        .get_raw("/x/passport-login/web/qrcode/generate", None)
        .await;
    assert_eq!(
        refused,
        json!({"code": -799, "message": "请求过于频繁，请稍后再试", "ttl": 1})
    );

    // Polling dead keys: 30 free, the 31st shuts the address.
    let dead = "0123456789abcdef0123456789abcdef";
    for i in 0..31 {
        let (poll, _) = browser.qr_poll(dead).await.unwrap();
        assert_eq!(poll.code, 0, "poll {i}");
        assert_eq!(poll.data.unwrap().code, 86038);
    }
    assert_eq!(browser.qr_poll(dead).await.unwrap().0.code, -799);
}

#[tokio::test]
async fn polls_of_a_live_key_are_not_failures() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let key = browser
        .qr_generate()
        .await
        .unwrap()
        .data
        .unwrap()
        .qrcode_key;
    for _ in 0..60 {
        let (poll, _) = browser.qr_poll(&key).await.unwrap();
        assert_eq!((poll.code, poll.data.unwrap().code), (0, 86101));
    }
}

#[tokio::test]
async fn wrong_admin_tokens_shut_the_address_even_for_the_right_token() {
    let (app, clock) = spawn_app_with_clock().await;
    let guesser = sixin_client::Client::new(&app.base).with_admin_token("guess");
    for i in 0..11 {
        assert_eq!(
            guesser.system_accounts(None).await.unwrap().code,
            -403,
            "{i}"
        );
    }
    let shut = app.admin.system_accounts(None).await.unwrap();
    assert_eq!(shut.code, -799);
    // No token at all is not a guess.
    let bare = app.get_raw("/admin/v1/system-accounts", None).await;
    assert_eq!(bare["code"], -403);
    clock.advance_secs(1);
    assert_eq!(app.admin.system_accounts(None).await.unwrap().code, 0);
}
