//! What web clients call on start-up: browser ids (`finger/spi`), their
//! activation (`ExClimbWuzhi`) and the web ticket (`GenWebTicket`), each in
//! its own envelope.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

const TICKET: &str = "/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket";
const ACTIVATE: &str = "/x/internal/gaia-gateway/ExClimbWuzhi";

#[tokio::test]
async fn fingerprint_cookies_are_handed_out_without_login() {
    let app = spawn_app().await;
    let body = app.get_raw("/x/frontend/finger/spi", None).await;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["code", "data", "message"], "no ttl: {body}");
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "ok");
    let b3 = body["data"]["b_3"].as_str().unwrap();
    assert!(b3.ends_with("infoc") && b3.len() > 36, "{b3}");
    let b4 = body["data"]["b_4"].as_str().unwrap();
    assert!(b4.ends_with("infoc") && b4.len() > 36, "{b4}");
    let again = app.get_raw("/x/frontend/finger/spi", None).await;
    assert_ne!(
        again["data"]["b_3"], body["data"]["b_3"],
        "fresh every time"
    );
}

#[tokio::test]
async fn activating_the_browser_ids_succeeds_whatever_the_fingerprint() {
    let app = spawn_app().await;
    // What the Python client posts, abridged: a JSON object whose `payload`
    // is itself JSON text, with the ids from spi as cookies.
    let fingerprint = json!({"payload": json!({"3064": 1, "df35": "x"}).to_string()});
    for body in [
        fingerprint.to_string(),
        String::new(),
        "not json".to_owned(),
    ] {
        let answer = app
            .post_raw(
                ACTIVATE,
                Some("buvid3=A-infoc; buvid4=B-infoc; buvid_fp=c; _uuid=d"),
                "application/json",
                body,
            )
            .await;
        assert_eq!(
            answer,
            json!({"code": 0, "message": "0", "ttl": 1, "data": {}})
        );
    }
    let get = app.get_raw(ACTIVATE, None).await;
    assert_eq!(get["code"], -405);
}

/// The parameters the Python client sends, in the query string.
fn ticket_query(ts: i64) -> String {
    format!("{TICKET}?key_id=ec02&hexsign=0123abcd&context%5Bts%5D={ts}&csrf=")
}

#[tokio::test]
async fn a_web_ticket_comes_with_the_wbi_keys_nav_gives() {
    let app = spawn_app().await;
    let nav = app.get_raw("/x/web-interface/nav", None).await;
    let response = app
        .http
        .post(format!("{}{}", app.base, ticket_query(1_700_000_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with(r#"{"code":0,"message":"OK","data":{"ticket":""#),
        "the live key order: {text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["code", "message", "data", "ttl"]);
    assert_eq!(body["ttl"], 1);
    let data = &body["data"];
    assert_eq!(data["ttl"], 259_200);
    assert_eq!(data["context"], json!({}));
    assert_eq!(data["nav"]["img"], nav["data"]["wbi_img"]["img_url"]);
    assert_eq!(data["nav"]["sub"], nav["data"]["wbi_img"]["sub_url"]);
    assert!(data["nav"]["img"].as_str().unwrap().starts_with(&app.base));

    let ticket = data["ticket"].as_str().unwrap();
    let parts: Vec<&str> = ticket.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT: {ticket}");
    assert_eq!(
        parts[0], "eyJhbGciOiJIUzI1NiIsImtpZCI6InMwMyIsInR5cCI6IkpXVCJ9",
        "the live header {{\"alg\":\"HS256\",\"kid\":\"s03\",\"typ\":\"JWT\"}}"
    );
    let created = data["created_at"].as_i64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((created - now).abs() < 60, "created now: {created}");

    // Parameters in a form body are read too, and a session is not needed.
    let form = app
        .post_raw(
            TICKET,
            None,
            "application/x-www-form-urlencoded",
            "key_id=ec02&hexsign=ab&context%5Bts%5D=1",
        )
        .await;
    assert_eq!(form["code"], 0);
}

#[tokio::test]
async fn a_web_ticket_needs_its_parameters() {
    let app = spawn_app().await;
    let refused = json!({"code": 400, "message": "参数错误", "ttl": 1});
    for query in [
        "",
        "?key_id=ec02&hexsign=ab",
        "?key_id=ec02&context%5Bts%5D=1",
        "?hexsign=ab&context%5Bts%5D=1",
        "?key_id=ec02&hexsign=ab&context%5Bts%5D=soon",
    ] {
        let body = app
            .post_raw(
                &format!("{TICKET}{query}"),
                None,
                "application/x-www-form-urlencoded",
                "",
            )
            .await;
        assert_eq!(body, refused, "{query}");
    }
}
