//! The envelope around every answer, and the server staying up under garbage.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn unknown_paths_answer_minus_404_in_the_envelope() {
    let app = spawn_app().await;
    let body = app.get_raw("/no/such/thing", None).await;
    assert_eq!(body, json!({"code": -404, "message": "啥都木有", "ttl": 1}));
    let body = app
        .post_raw("/x/relation/nonsense", None, "text/plain", "x")
        .await;
    assert_eq!(body["code"], -404);
}

#[tokio::test]
async fn a_known_path_with_the_wrong_method_is_an_envelope_error() {
    let app = spawn_app().await;
    let body = app
        .post_raw(
            "/x/web-interface/nav",
            None,
            "application/x-www-form-urlencoded",
            "",
        )
        .await;
    assert_eq!(
        body,
        json!({"code": -405, "message": "请求方法不支持", "ttl": 1})
    );
}

#[tokio::test]
async fn garbage_gets_envelope_errors_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let cookie = crate::helpers::cookie_of(&alice);

    let garbage: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "/x/passport-login/web/login",
            "application/x-www-form-urlencoded",
            b"%%%&&&==".to_vec(),
        ),
        (
            "/x/passport-login/web/login",
            "application/json",
            b"{not json".to_vec(),
        ),
        (
            "/x/passport-login/web/login",
            "application/octet-stream",
            vec![0xff, 0xfe, 0x00, 0x80],
        ),
        (
            "/login/exit/v2",
            "application/x-www-form-urlencoded",
            vec![0xc3, 0x28, b'=', 0xa0],
        ),
        (
            "/admin/v1/users",
            "application/json",
            b"\x00\x01\x02".to_vec(),
        ),
    ];
    for (path, content_type, body) in garbage {
        let answer = app.post_raw(path, Some(&cookie), content_type, body).await;
        assert!(answer["code"].as_i64().unwrap() != 0, "{path}: {answer}");
        assert!(answer["message"].is_string(), "{path}: {answer}");
    }
    // An oversized body is refused, not buffered.
    let huge = vec![b'a'; 4 * 1024 * 1024];
    let response = app
        .http
        .post(format!("{}/x/passport-login/web/login", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await;
    if let Ok(response) = response {
        let body: serde_json::Value = response.json().await.unwrap();
        assert_ne!(body["code"], 0);
    }

    // Still serving, and still knows alice.
    let nav = alice.nav().await.unwrap();
    assert_eq!(nav.code, 0);
    assert_eq!(nav.data.unwrap()["uname"], "alice");
}
