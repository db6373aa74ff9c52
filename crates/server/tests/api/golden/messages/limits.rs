//! Golden transcript of the send limits: retries, bursts, stops, recall
//! windows and the length limit.

use super::super::{As, Recorder};
use super::{pairs, send, text, SEND};
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn send_limits_transcript() {
    let app = spawn_app_with(|c| {
        c.send_burst = 2;
        c.send_burst_secs = 3600;
        c.send_ban_strikes = 2;
        c.recall_window_secs = 0;
        c.max_msg_bytes = 40;
    })
    .await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (a, b) = (a.to_string(), b.to_string());
    let mut rec = Recorder::new(&app, "send_limits");
    rec.post(
        "/x/relation/modify",
        As::User(&bob),
        &[("fid", &a), ("act", "1")],
    )
    .await;
    let sent = rec
        .post(
            SEND,
            As::User(&alice),
            &pairs(&send(&a, &b, "1", &text("one"), "L1")),
        )
        .await;
    let key = sent["data"]["msg_key"].as_u64().unwrap().to_string();
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("one"), "L1")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text(&"x".repeat(40)), "L2")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "5", &key, "L3")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("three"), "L4")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("four"), "L5")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("five"), "L6")),
    )
    .await;
    rec.get(
        &format!("/link_setting/v1/link_setting/is_limit?uid={a}"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/link_setting/v1/link_setting/is_limit?uid={b}"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/link_setting/v1/link_setting/is_limit?uid={b}"),
        As::User(&alice),
    )
    .await;
    rec.finish();
}
