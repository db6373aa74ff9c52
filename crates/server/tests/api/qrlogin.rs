//! QR-code login: a browser generates a key and polls it; a logged-in user
//! scans and confirms it (`/x/sixin/qrcode/...`); the next poll logs the
//! browser in, once.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sixin_api::admin::CreateUser;
use sixin_api::passport::QrGenerate;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{
    cookie_of, spawn_app, spawn_app_with_clock, spawn_app_with_clock_and, TestApp,
};

const POLL: &str = "/x/passport-login/web/qrcode/poll";

/// A new key, as a browser gets it.
async fn generate(app: &TestApp) -> String {
    let generated: QrGenerate = app
        .anonymous()
        .qr_generate()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    generated.qrcode_key
}

/// A poll's whole answer, as raw JSON.
async fn poll(app: &TestApp, key: &str) -> Value {
    app.get_raw(&format!("{POLL}?qrcode_key={key}"), None).await
}

/// The answer of a poll that has not logged in, with `data.code` `code`.
fn waiting(code: i64, message: &str) -> Value {
    json!({"code": 0, "message": "0", "ttl": 1, "data": {
        "url": "", "refresh_token": "", "timestamp": 0, "code": code, "message": message
    }})
}

fn not_scanned() -> Value {
    waiting(86101, "未扫码")
}

fn scanned() -> Value {
    waiting(86090, "二维码已扫码未确认")
}

fn expired() -> Value {
    waiting(86038, "二维码已失效")
}

/// The `Set-Cookie` headers of a response, by name.
fn set_cookies(response: &reqwest::Response) -> BTreeMap<String, String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let (name, rest) = v.to_str().unwrap().split_once('=').unwrap();
            (name.to_owned(), rest.split(';').next().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_browser_logs_in_once_a_user_scans_and_confirms_its_key() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;

    let generated = app
        .get_raw("/x/passport-login/web/qrcode/generate", None)
        .await;
    assert_eq!(generated["code"], 0);
    let key = generated["data"]["qrcode_key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        generated["data"]["url"],
        format!(
            "{}/h5-app/passport/login/scan?navhide=1&qrcode_key={key}&from=",
            app.base
        ),
        "the live scan page, on this server"
    );
    assert_ne!(generate(&app).await, key, "every key is new");

    assert_eq!(poll(&app, &key).await, not_scanned());
    assert_code(alice.qr_scan(&key).await.unwrap().code, 0);
    assert_eq!(poll(&app, &key).await, scanned());
    assert_code(alice.qr_scan(&key).await.unwrap().code, 0); // again: harmless
    assert_code(alice.qr_confirm(&key).await.unwrap().code, 0);

    let response = app
        .http
        .get(format!(
            "{}{POLL}?qrcode_key={key}&source=main-fe-header",
            app.base
        ))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 0);
    let data = &body["data"];
    assert_eq!(data["code"], 0);
    assert_eq!(data["message"], "");
    assert_eq!(data["refresh_token"], "");
    assert!(
        data["timestamp"].as_i64().unwrap() > 1_600_000_000_000,
        "ms"
    );
    let names: Vec<&str> = cookies.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "DedeUserID",
            "DedeUserID__ckMd5",
            "SESSDATA",
            "bili_jct",
            "sid"
        ]
    );
    assert_eq!(cookies["DedeUserID"], a.to_string());

    // `url` carries the cookies as query parameters, as the live service's does.
    let url = reqwest::Url::parse(data["url"].as_str().unwrap()).unwrap();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/crossDomain", app.base)
    );
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let query_names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        query_names,
        [
            "DedeUserID",
            "DedeUserID__ckMd5",
            "Expires",
            "SESSDATA",
            "bili_jct",
            "gourl"
        ]
    );
    let param = |name: &str| query.iter().find(|(k, _)| k == name).unwrap().1.clone();
    for name in ["DedeUserID", "DedeUserID__ckMd5", "SESSDATA", "bili_jct"] {
        assert_eq!(param(name), cookies[name], "{name}");
    }
    assert_eq!(param("gourl"), app.base);
    let expires: i64 = param("Expires").parse().unwrap();
    assert!(expires > data["timestamp"].as_i64().unwrap() / 1000 + 29 * 86_400);

    // The cookies are a session of alice's: nav knows her, and a write with
    // the csrf goes through.
    let cookie = format!(
        "SESSDATA={}; bili_jct={}; DedeUserID={a}",
        cookies["SESSDATA"], cookies["bili_jct"]
    );
    let nav = app.get_raw("/x/web-interface/nav", Some(&cookie)).await;
    assert_eq!(nav["code"], 0);
    assert_eq!(nav["data"]["mid"], a);
    let browser = app
        .anonymous()
        .with_cookies(sixin_api::admin::LoginCookies::from_cookie_header(&cookie).unwrap());
    let other = generate(&app).await;
    assert_code(browser.qr_scan(&other).await.unwrap().code, 0);

    // The key logs in once: polling again says it expired and sets nothing.
    let response = app
        .http
        .get(format!("{}{POLL}?qrcode_key={key}", app.base))
        .send()
        .await
        .unwrap();
    assert!(set_cookies(&response).is_empty());
    assert_eq!(response.json::<Value>().await.unwrap(), expired());
    assert_code(alice.qr_confirm(&key).await.unwrap().code, 86038);
}

#[track_caller]
fn assert_code(code: i64, expected: i64) {
    assert_eq!(code, expected);
}

#[tokio::test]
async fn the_typed_client_gets_the_same_cookies_as_a_password_login() {
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
    let password_login = app
        .http
        .post(format!("{}/x/passport-login/web/login", app.base))
        .form(&[("username", "bob"), ("password", "correct horse")])
        .send()
        .await
        .unwrap();
    let by_password = set_cookies(&password_login);

    let bob = app.login_as(mid).await;
    let key = generate(&app).await;
    assert_code(bob.approve_qr_login(&key).await.unwrap().code, 0);
    let response = app
        .http
        .get(format!("{}{POLL}?qrcode_key={key}", app.base))
        .send()
        .await
        .unwrap();
    let by_qr = set_cookies(&response);
    assert_eq!(
        by_qr.keys().collect::<Vec<_>>(),
        by_password.keys().collect::<Vec<_>>(),
        "the same cookies"
    );
    assert_eq!(by_qr["DedeUserID"], by_password["DedeUserID"]);
    assert_eq!(
        by_qr["DedeUserID__ckMd5"], by_password["DedeUserID__ckMd5"],
        "bound to the mid"
    );
    assert_ne!(
        by_qr["SESSDATA"], by_password["SESSDATA"],
        "a session of its own"
    );

    // Through the typed client: a second key, polled until it logs in.
    let key = generate(&app).await;
    let (answer, logged_in) = app.anonymous().qr_poll(&key).await.unwrap();
    assert_eq!(answer.data.unwrap().code, 86101);
    assert!(logged_in.is_none());
    assert_code(bob.approve_qr_login(&key).await.unwrap().code, 0);
    let (answer, logged_in) = app.anonymous().qr_poll(&key).await.unwrap();
    assert_eq!(answer.data.unwrap().code, 0);
    let browser = logged_in.expect("logged in");
    assert_eq!(
        browser.myinfo().await.unwrap().into_data().unwrap().mid,
        mid
    );
}

#[tokio::test]
async fn keys_expire_180_seconds_after_they_are_generated() {
    let (app, clock) = spawn_app_with_clock().await;
    let (_, alice) = app.user("alice").await;
    let pending = generate(&app).await;
    let confirmed = generate(&app).await;
    assert_code(alice.approve_qr_login(&confirmed).await.unwrap().code, 0);

    clock.advance_secs(179);
    assert_eq!(poll(&app, &pending).await, not_scanned());
    clock.advance_secs(1);
    assert_eq!(poll(&app, &pending).await, expired());
    assert_code(alice.qr_scan(&pending).await.unwrap().code, 86038);
    assert_eq!(
        poll(&app, &confirmed).await,
        expired(),
        "a confirmed key must be redeemed in time too"
    );

    // A key scanned in time but confirmed too late.
    let late = generate(&app).await;
    assert_code(alice.qr_scan(&late).await.unwrap().code, 0);
    clock.advance_secs(180);
    let refused = alice.qr_confirm(&late).await.unwrap();
    assert_code(refused.code, 86038);
    assert_eq!(refused.message, "二维码已失效");
    assert_eq!(poll(&app, &late).await, expired());
}

#[tokio::test]
async fn unknown_malformed_and_missing_keys() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    for key in ["0123456789abcdef0123456789abcdef", "nope", "%20"] {
        assert_eq!(poll(&app, key).await, expired(), "{key}");
        assert_code(alice.qr_scan(key).await.unwrap().code, 86038);
        assert_code(alice.qr_confirm(key).await.unwrap().code, 86038);
    }
    for path in [POLL.to_owned(), format!("{POLL}?qrcode_key=")] {
        let body = app.get_raw(&path, None).await;
        assert_eq!(body["code"], -400, "{path}: {body}");
    }
    let body = app
        .post_form_as(&alice, "/x/sixin/qrcode/scan", &[("other", "x")])
        .await;
    assert_eq!(body["code"], -400);
}

#[tokio::test]
async fn approving_needs_a_session_and_its_csrf() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let key = generate(&app).await;
    for path in ["/x/sixin/qrcode/scan", "/x/sixin/qrcode/confirm"] {
        let form = format!("qrcode_key={key}");
        let nobody = app
            .post_raw(
                path,
                None,
                "application/x-www-form-urlencoded",
                form.clone(),
            )
            .await;
        assert_eq!(nobody["code"], -101, "{path}");
        let no_csrf = app
            .post_raw(
                path,
                Some(&cookie_of(&alice)),
                "application/x-www-form-urlencoded",
                form.clone(),
            )
            .await;
        assert_eq!(no_csrf["code"], -111, "{path}");
        let bobs_csrf = app
            .post_raw(
                path,
                Some(&cookie_of(&alice)),
                "application/x-www-form-urlencoded",
                format!("{form}&csrf={}", bob.cookies().unwrap().bili_jct),
            )
            .await;
        assert_eq!(bobs_csrf["code"], -111, "{path}");
        assert_eq!(
            app.get_raw(&format!("/x/sixin/qrcode/scan?qrcode_key={key}"), None)
                .await["code"],
            -405
        );
    }
    assert_eq!(poll(&app, &key).await, not_scanned(), "nothing changed");
}

#[tokio::test]
async fn nobody_can_take_over_another_users_scan() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let key = generate(&app).await;

    let early = bob.qr_confirm(&key).await.unwrap();
    assert_code(early.code, 86101);
    assert_eq!(early.message, "未扫码");
    assert_code(alice.qr_scan(&key).await.unwrap().code, 0);
    for refused in [
        bob.qr_scan(&key).await.unwrap(),
        bob.qr_confirm(&key).await.unwrap(),
    ] {
        assert_eq!(
            serde_json::to_value(&refused).unwrap(),
            json!({"code": 86090, "message": "二维码已扫码未确认", "ttl": 1}),
            "says nothing of who scanned it"
        );
    }
    // The browser learns the state, not who is scanning.
    assert_eq!(poll(&app, &key).await, scanned());
    assert_code(alice.qr_confirm(&key).await.unwrap().code, 0);
    assert_code(bob.qr_scan(&key).await.unwrap().code, 86038);
    assert_code(bob.qr_confirm(&key).await.unwrap().code, 86038);

    let (_, browser) = app.anonymous().qr_poll(&key).await.unwrap();
    let browser = browser.expect("logged in");
    assert_eq!(
        browser.nav().await.unwrap().data.unwrap()["mid"],
        a,
        "as alice, not bob"
    );
}

#[tokio::test]
async fn of_many_concurrent_polls_of_a_confirmed_key_one_logs_in() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let key = generate(&app).await;
    assert_code(alice.approve_qr_login(&key).await.unwrap().code, 0);
    let polls = (0..12).map(|_| {
        let client = app.anonymous();
        let key = key.clone();
        async move { client.qr_poll(&key).await.unwrap() }
    });
    let answers = futures_join_all(polls).await;
    let codes: Vec<i64> = answers
        .iter()
        .map(|(e, _)| e.data.as_ref().unwrap().code)
        .collect();
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 1, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|&&c| c == 86038).count(),
        11,
        "{codes:?}"
    );
    assert_eq!(answers.iter().filter(|(_, c)| c.is_some()).count(), 1);
}

/// Runs futures concurrently, answers in order.
async fn futures_join_all<
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn outstanding_keys_are_capped_and_expired_ones_make_room() {
    let (app, clock) = spawn_app_with_clock_and(|c| c.max_pending_qr_logins = 2).await;
    let (_, alice) = app.user("alice").await;
    let first = generate(&app).await;
    generate(&app).await;
    let refused = app.anonymous().qr_generate().await.unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str(), refused.data),
        (-799, "请求过于频繁，请稍后再试", None)
    );
    // A redeemed key is no longer outstanding...
    assert_code(alice.approve_qr_login(&first).await.unwrap().code, 0);
    let (_, logged_in) = app.anonymous().qr_poll(&first).await.unwrap();
    assert!(logged_in.is_some());
    generate(&app).await;
    assert_eq!(app.anonymous().qr_generate().await.unwrap().code, -799);
    // ...and neither is an expired one.
    clock.advance_secs(180);
    generate(&app).await;
    generate(&app).await;
    assert_eq!(app.anonymous().qr_generate().await.unwrap().code, -799);
}

#[tokio::test]
async fn a_client_logged_in_by_qr_code_can_log_out() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let key = generate(&app).await;
    assert_code(alice.approve_qr_login(&key).await.unwrap().code, 0);
    let (_, browser) = app.anonymous().qr_poll(&key).await.unwrap();
    let browser: Client = browser.unwrap();
    assert_eq!(browser.logout().await.unwrap()["code"], 0);
    assert_eq!(browser.nav().await.unwrap().code, -101);
    assert_eq!(
        alice.nav().await.unwrap().code,
        0,
        "the approving session lives on"
    );
}
