//! sixin's own operational endpoints: `/health` for probes, `/metrics` for
//! Prometheus, and `Secure` cookies behind https.

use serde_json::json;

use crate::helpers::{cookie_of, run_sql_behind, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_says_live_and_ready_once_a_write_is_committed() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // What carries writes is named as it is on each backend.
    let expected = if app.on_postgres() {
        json!({"live": true, "ready": true, "backend": "postgresql", "database": "writable", "pool": "answering"})
    } else {
        json!({"live": true, "ready": true, "backend": "sqlite", "database": "writable", "writer": "alive"})
    };
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        expected
    );
}

#[tokio::test]
async fn health_says_not_ready_when_the_database_refuses_the_probe_write() {
    let app = spawn_app().await;
    // The probe's table gone: the database answers every probe write with
    // an error, as a read-only one would.
    run_sql_behind(&app, "DROP TABLE health_probe").await;
    let response = app
        .http
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    // The write path itself answered: the writer thread, or a pooled
    // connection.
    let expected = if app.on_postgres() {
        json!({"live": true, "ready": false, "backend": "postgresql", "database": "not writable", "pool": "answering"})
    } else {
        json!({"live": true, "ready": false, "backend": "sqlite", "database": "not writable", "writer": "alive"})
    };
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        expected
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_api_code() {
    let app = spawn_app().await;
    let (mid, alice) = app.user("alice").await;
    let cookie = cookie_of(&alice);
    assert_eq!(
        app.get_raw("/x/web-interface/nav", None).await["code"],
        -101
    );
    assert_eq!(
        app.get_raw("/x/web-interface/nav", Some(&cookie)).await["code"],
        0
    );
    assert_eq!(
        app.get_raw("/x/web-interface/nav", Some(&cookie)).await["code"],
        0
    );
    let followings = format!("/x/relation/followings?vmid={mid}&ps=1&pn=9");
    app.get_raw(&followings, None).await;
    assert_eq!(app.get_raw("/no/such/7f3a", None).await["code"], -404);

    let response = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    for line in [
        r#"sixin_http_requests_total{code="-101",method="GET",route="/x/web-interface/nav"} 1"#,
        r#"sixin_http_requests_total{code="0",method="GET",route="/x/web-interface/nav"} 2"#,
        r#"sixin_http_requests_total{code="-404",method="GET",route="unmatched"} 1"#,
        r#"sixin_http_request_duration_seconds_count{method="GET",route="/x/web-interface/nav"} 3"#,
        r#"sixin_http_request_duration_seconds_bucket{method="GET",route="/x/relation/followings",le="+Inf"} 1"#,
        "sixin_push_connections_open 0",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(!text.contains("7f3a"), "unmatched paths are not labels");
    // The user was created and logged in through SQLite's writer
    // (PostgreSQL has no single writer to report batches of).
    if !app.on_postgres() {
        let batches = text
            .lines()
            .find_map(|l| l.strip_prefix("sixin_store_write_batch_size_count "))
            .unwrap();
        assert!(batches.parse::<u64>().unwrap() >= 2, "{batches}");
        assert!(text.contains("sixin_store_commit_duration_seconds_count"));
    }
    let open = text
        .lines()
        .find_map(|l| l.strip_prefix("sixin_http_connections_open "))
        .unwrap();
    assert!(
        open.parse::<u64>().unwrap() >= 1,
        "this very request: {open}"
    );
}

#[tokio::test]
async fn cookies_are_secure_when_clients_come_over_https() {
    for (public_url, secure) in [(None, false), (Some("https://chat.example.com"), true)] {
        let app = spawn_app_with(|config| {
            config.public_url = public_url.map(str::to_owned);
        })
        .await;
        app.admin
            .create_user(&sixin_api::admin::CreateUser {
                uname: "alice".into(),
                password: Some("correct horse".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let response = app
            .http
            .post(format!("{}/x/passport-login/web/login", app.base))
            .form(&[("username", "alice"), ("password", "correct horse")])
            .send()
            .await
            .unwrap();
        let cookies: Vec<&str> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(cookies.len(), 5, "{cookies:?}");
        for cookie in cookies {
            assert_eq!(cookie.contains("; Secure"), secure, "{cookie}");
        }
    }
}
