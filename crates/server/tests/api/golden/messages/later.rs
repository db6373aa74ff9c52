//! Golden transcript of messages, continued: recalls, images and the
//! mutual-follow greeting (same recorder, same transcript file).

use serde_json::json;

use super::super::{As, Recorder};
use super::{pairs, send, text, People, SEND};
use crate::helpers::TestApp;

pub async fn recalls_images_and_the_greeting(
    rec: &mut Recorder<'_>,
    app: &TestApp,
    people: &People<'_>,
    history: &str,
) {
    let People {
        a,
        b,
        c,
        alice,
        bob,
        carol,
    } = *people;
    rec.note("recalls");
    let sent = rec
        .post(
            SEND,
            As::User(alice),
            &pairs(&send(a, b, "1", &text("oops"), "R1")),
        )
        .await;
    let key = sent["data"]["msg_key"].as_u64().unwrap().to_string();
    rec.post(SEND, As::User(bob), &pairs(&send(b, a, "5", &key, "R2")))
        .await;
    rec.post(SEND, As::User(alice), &pairs(&send(a, b, "5", &key, "R3")))
        .await;
    rec.post(SEND, As::User(alice), &pairs(&send(a, b, "5", &key, "R4")))
        .await;
    rec.post(SEND, As::User(alice), &pairs(&send(a, b, "5", "1", "R5")))
        .await;
    rec.post(SEND, As::User(alice), &pairs(&send(a, b, "5", "abc", "R6")))
        .await;
    rec.get(&format!("{history}&size=3"), As::User(bob)).await;

    rec.note("images");
    let png = include_bytes!("../../../../assets/noface.png").to_vec();
    let jct = alice.cookies().unwrap().bili_jct.clone();
    let form = reqwest::multipart::Form::new()
        .part(
            "file_up",
            reqwest::multipart::Part::bytes(png.clone()).file_name("a.png"),
        )
        .text("biz", "im")
        .text("csrf", jct.clone());
    let uploaded = rec
        .multipart(
            "/x/dynamic/feed/draw/upload_bfs",
            As::User(alice),
            form,
            "file_up=noface.png",
        )
        .await;
    let url = uploaded["data"]["image_url"].as_str().unwrap().to_owned();
    let form = reqwest::multipart::Form::new().part(
        "file_up",
        reqwest::multipart::Part::bytes(png.clone()).file_name("a.png"),
    );
    rec.multipart(
        "/x/dynamic/feed/draw/upload_bfs",
        As::User(alice),
        form,
        "no csrf",
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .part(
            "file_up",
            reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("a.png"),
        )
        .text("csrf", jct.clone());
    rec.multipart(
        "/x/dynamic/feed/draw/upload_bfs",
        As::User(alice),
        form,
        "not an image",
    )
    .await;
    let form = reqwest::multipart::Form::new().text("csrf", jct.clone());
    rec.multipart(
        "/x/dynamic/feed/draw/upload_bfs",
        As::User(alice),
        form,
        "no file",
    )
    .await;
    let form = reqwest::multipart::Form::new().text("csrf", jct);
    rec.multipart(
        "/x/dynamic/feed/draw/upload_bfs",
        As::Nobody,
        form,
        "no session",
    )
    .await;
    let path = url.strip_prefix(&app.base).unwrap().to_owned();
    rec.get(&path, As::Nobody).await;
    rec.get(&format!("/bfs/im/{}.png", "0".repeat(64)), As::Nobody)
        .await;
    rec.get("/bfs/im/..%2F..%2Fetc%2Fpasswd", As::Nobody).await;
    let image = json!({"url": url, "height": 96, "width": 96, "imageType": "png", "original": 1, "size": 1.5}).to_string();
    rec.post(
        SEND,
        As::User(alice),
        &pairs(&send(a, b, "2", &image, "I1")),
    )
    .await;
    let https = json!({"url": url.replace("http:", "https:")}).to_string();
    rec.post(
        SEND,
        As::User(alice),
        &pairs(&send(a, b, "6", &https, "I2")),
    )
    .await;

    rec.note("mutual followers get the greeting");
    rec.post(
        "/x/relation/modify",
        As::User(carol),
        &[("fid", a), ("act", "1")],
    )
    .await;
    rec.post(
        "/x/relation/modify",
        As::User(alice),
        &[("fid", c), ("act", "1")],
    )
    .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={a}&session_type=1"),
        As::User(carol),
    )
    .await;
    rec.get("/session_svr/v1/session_svr/new_sessions", As::User(carol))
        .await;
    rec.post(
        "/x/relation/modify",
        As::User(alice),
        &[("fid", c), ("act", "5")],
    )
    .await;
    rec.post(
        SEND,
        As::User(alice),
        &pairs(&send(a, c, "1", &text("blocked"), "B1")),
    )
    .await;
    rec.post(
        SEND,
        As::User(carol),
        &pairs(&send(c, a, "1", &text("blocked"), "B2")),
    )
    .await;
}
