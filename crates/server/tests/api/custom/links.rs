//! Links that expire: HTTP 403 after their time, or with any part altered.

use sixin_client::EnvelopeExt;

use super::{noise, part};
use crate::helpers::{spawn_app, spawn_app_with, spawn_app_with_clock};

#[tokio::test]
async fn a_link_expires_after_fifteen_minutes() {
    let (app, clock) = spawn_app_with_clock().await;
    let (a, alice) = app.user("alice").await;
    let url = alice
        .upload_file(part(noise(1000), "a.bin"), "a.bin", a)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .url;
    assert!(url.contains("&X-Amz-Expires=900&"));
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
    clock.advance_secs(899);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
    clock.advance_secs(1);
    let expired = app.http.get(&url).send().await.unwrap();
    assert_eq!(expired.status(), 403);
    assert_eq!(expired.headers()["content-type"], "application/xml");
    let body = expired.text().await.unwrap();
    assert!(
        body.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"),
        "{body}"
    );
}

#[tokio::test]
async fn the_expiry_is_configurable() {
    let app = spawn_app_with(|c| c.link_expiry_secs = 60).await;
    let (a, alice) = app.user("alice").await;
    let url = alice
        .upload_file(part(noise(10), "a.bin"), "a.bin", a)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .url;
    assert!(url.contains("&X-Amz-Expires=60&"), "{url}");
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
}

/// A copy of `url` with one character of its key or query replaced.
fn altered(url: &str, seed: usize) -> String {
    let from = url.find("/customer-video-upload/").unwrap() + "/customer-video-upload/".len();
    let mut bytes = url.as_bytes().to_vec();
    const SAFE: &[u8] = b"0123456789abcdefABCDEFXYZxyz-_.~";
    let at = from + seed * 7919 % (bytes.len() - from);
    let original = bytes[at];
    let mut pick = seed;
    while SAFE[pick % SAFE.len()] == original {
        pick += 1;
    }
    bytes[at] = SAFE[pick % SAFE.len()];
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_thousand_tampered_links_are_all_refused() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let url = alice
        .upload_file(part(noise(100), "a.bin"), "a.bin", a)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .url;
    let other = alice
        .upload_file(part(noise(100), "b.bin"), "b.bin", a)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
    let (base, query) = url.split_once('?').unwrap();
    let mut tampered: Vec<String> = vec![
        base.to_owned(),
        format!(
            "{base}?{}",
            query.replace("X-Amz-Expires=900", "X-Amz-Expires=9000")
        ),
        format!("{url}&X-Amz-Expires=900"),
        format!("{url}&extra=1"),
        format!("{}?{query}", other.url.split_once('?').unwrap().0),
        url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
    ];
    let signature_at = query.find("X-Amz-Signature=").unwrap();
    tampered.push(format!("{base}?{}", &query[..signature_at - 1]));
    let mut seed = 0;
    while tampered.len() < 1000 {
        let changed = altered(&url, seed);
        seed += 1;
        if changed != url && !tampered.contains(&changed) {
            tampered.push(changed);
        }
    }
    assert_eq!(tampered.len(), 1000);
    for link in &tampered {
        let status = app.http.get(link).send().await.unwrap().status();
        assert_eq!(status, 403, "{link}");
    }
    // Logged in or not, as anyone: a link is what grants access.
    let _ = bob;
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
    assert_eq!(app.http.get(&other.url).send().await.unwrap().status(), 200);
}
