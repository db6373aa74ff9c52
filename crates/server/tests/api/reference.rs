//! The API reference: `/openapi.json` describes exactly the routes the
//! server serves, and `docs/api.md` is its current rendering.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::spawn_app;

async fn document() -> Value {
    let app = spawn_app().await;
    app.get_raw("/openapi.json", None).await
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_every_operation_described() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 60, "{} paths", paths.len());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let codes = op["x-codes"].as_array().expect("x-codes");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has a summary"
            );
            let is_file = op["responses"]["200"]["content"]
                .as_object()
                .is_some_and(|c| !c.contains_key("application/json"));
            assert!(
                is_file || !codes.is_empty(),
                "{method} {path} lists its codes"
            );
        }
    }
    // Spot checks against what the endpoints really do.
    let send = &doc["paths"]["/web_im/v1/web_im/send_msg"]["post"];
    let codes: Vec<i64> = send["x-codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_i64().unwrap())
        .collect();
    for code in [-101, -111, -400, 21026, 21047, 25003] {
        assert!(codes.contains(&code), "send_msg lists {code}: {codes:?}");
    }
    let body = &send["requestBody"]["content"];
    assert!(body["application/x-www-form-urlencoded"].is_object());
    assert!(body["multipart/form-data"].is_object());
    let form = &doc["components"]["schemas"]["SendMsgForm"]["properties"];
    assert!(form["msg[receiver_id]"].is_object(), "wire names: {form}");
    let followers = &doc["paths"]["/x/relation/followers"]["get"]["parameters"];
    let names: Vec<&str> = followers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["vmid", "ps", "pn"]);
}

/// Every documented operation reaches a handler: neither the router's
/// "no such path" (HTTP 404 with an empty body) nor "no such method".
#[tokio::test]
async fn every_documented_operation_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let config = sixin_server::Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("d"));
    let state = sixin_server::open(config, "127.0.0.1:1".parse().unwrap())
        .await
        .unwrap();
    let (router, endpoints) = sixin_server::http::routes();
    let router = router.with_state(state);
    assert!(endpoints.len() >= 60);
    for endpoint in &endpoints {
        let path = endpoint
            .path
            .replace("{mid}", "1")
            .replace('{', "x")
            .replace('}', "");
        let request = Request::builder()
            .method(endpoint.method.clone())
            .uri(&path)
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(
            !(status == StatusCode::NOT_FOUND && bytes.is_empty()),
            "{} {} is routed",
            endpoint.method,
            endpoint.path
        );
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            endpoint.method,
            endpoint.path
        );
    }
    // And the router answers nothing else: an undocumented path is not served.
    let request = Request::builder()
        .method(Method::GET)
        .uri("/x/nothing")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// `docs/openapi.json` (the document, for readers without a server) and
/// `docs/api.md` (its rendering) are current.
#[tokio::test]
async fn the_checked_in_reference_is_current() {
    let doc = document().await;
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    let files = [
        (
            "openapi.json",
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        ),
        ("api.md", sixin_server::http::openapi::markdown(&doc)),
    ];
    for (name, rendered) in files {
        let file = docs.join(name);
        if std::env::var_os("SIXIN_BLESS").is_some() {
            std::fs::write(&file, &rendered).unwrap();
        }
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            current == rendered,
            "docs/{name} is stale: run `SIXIN_BLESS=1 cargo test -p sixin-server --test api reference`"
        );
    }
}
