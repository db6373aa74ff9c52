//! Images: uploading them here first, and which image addresses a message
//! may carry.

use serde_json::json;

use crate::helpers::{acquainted, spawn_app};

#[tokio::test]
async fn images_must_be_uploaded_here_first() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let png = include_bytes!("../../../assets/noface.png").to_vec();
    let uploaded = alice.upload_image(png.clone(), "face.png").await.unwrap();
    assert_eq!(uploaded.code, 0, "{uploaded:?}");
    let image = uploaded.data.unwrap();
    assert!(image
        .image_url
        .starts_with(&format!("{}/bfs/im/", app.base)));
    assert_eq!((image.image_width, image.image_height), (96, 96));
    assert!(image.img_size > 0.0);
    let served = app.http.get(&image.image_url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);

    let content = json!({"url": image.image_url, "height": 96, "width": 96, "imageType": "png", "original": 1, "size": image.img_size}).to_string();
    let sent = alice
        .send_msg(&alice.message_to(b, 2, content.clone()))
        .await
        .unwrap();
    assert_eq!(sent.code, 0);
    let data = sent.data.unwrap();
    assert!(
        data.msg_content.is_none() && data.key_hit_infos.is_none(),
        "only text messages carry those"
    );
    let last = bob
        .session_detail(a)
        .await
        .unwrap()
        .data
        .unwrap()
        .last_msg
        .unwrap();
    assert_eq!(last.msg_type, 2);
    assert_eq!(last.content, content);

    // Not an image, no csrf, no login.
    let not_image = alice
        .upload_image(b"hello world".to_vec(), "x.png")
        .await
        .unwrap();
    assert_eq!(not_image.code, 21037, "the documented code for a bad image");
    let anonymous = app
        .anonymous()
        .upload_image(png.clone(), "x.png")
        .await
        .unwrap();
    assert_eq!(anonymous.code, -101);
    // A hosted-looking address that was never uploaded is refused.
    let fake = json!({"url": format!("{}/bfs/im/{}.png", app.base, "0".repeat(64))}).to_string();
    let refused = alice.send_msg(&alice.message_to(b, 2, fake)).await.unwrap();
    assert_eq!(refused.code, 21037);
}

#[tokio::test]
async fn hosted_images_are_recognised_whatever_the_scheme() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let png = include_bytes!("../../../assets/noface.png").to_vec();
    let url = alice
        .upload_image(png, "a.png")
        .await
        .unwrap()
        .data
        .unwrap()
        .image_url;
    let relative = url.trim_start_matches("http:").to_owned();
    let https = format!("https:{relative}");
    for address in [relative, https] {
        let sent = alice
            .send_msg(&alice.message_to(b, 2, json!({"url": address}).to_string()))
            .await
            .unwrap();
        assert_eq!(sent.code, 0, "{address}");
    }
    let elsewhere = url.replace("127.0.0.1", "evil.example.test");
    let refused = alice
        .send_msg(&alice.message_to(b, 2, json!({"url": elsewhere}).to_string()))
        .await
        .unwrap();
    assert_eq!(refused.code, 21037);
}

#[tokio::test]
async fn images_past_their_retention_show_as_expired() {
    let (app, clock) =
        crate::helpers::spawn_app_with_clock_and(|c| c.image_retention_days = 1).await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let png = include_bytes!("../../../assets/noface.png").to_vec();
    let image = alice
        .upload_image(png, "face.png")
        .await
        .unwrap()
        .data
        .unwrap();
    let content = json!({"url": image.image_url, "height": 96, "width": 96}).to_string();
    assert_eq!(
        alice
            .send_msg(&alice.message_to(b, 2, content.clone()))
            .await
            .unwrap()
            .code,
        0
    );
    let last = |client: sixin_client::Client, talker| async move {
        client
            .session_detail(talker)
            .await
            .unwrap()
            .data
            .unwrap()
            .last_msg
            .unwrap()
    };
    assert_eq!(last(bob.clone(), a).await.msg_status, 0);
    clock.advance_secs(86_400 + 1);
    for (client, talker) in [(bob.clone(), a), (alice.clone(), b)] {
        let shown = last(client.clone(), talker).await;
        assert_eq!(shown.msg_status, 50, "expired for both sides");
        let placeholder: serde_json::Value = serde_json::from_str(&shown.content).unwrap();
        assert_eq!(
            placeholder["url"],
            format!("{}/bfs/im/expired.png", app.base)
        );
        let history = crate::helpers::history_with(&client, talker).await;
        assert_eq!(history.messages.unwrap()[0].msg_status, 50);
    }
    let served = app
        .http
        .get(format!("{}/bfs/im/expired.png", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    // Text messages do not expire.
    assert_eq!(bob.send_text(a, "还在").await.unwrap().code, 0);
    clock.advance_secs(10 * 86_400);
    assert_eq!(last(alice.clone(), b).await.msg_status, 0);
}
