//! What others keep to themselves stays theirs: follow groups and special
//! marks, quiet follows and blocks (also through `re_version`), send stops,
//! which images were uploaded, and which group ids exist.

use serde_json::Value;
use sha2::{Digest, Sha256};
use sixin_client::{Client, EnvelopeExt, RelationAct::*};

use crate::helpers::*;

/// `re_version` of `vmid`'s followings and followers as `viewer` reads them.
async fn versions(viewer: &Client, vmid: u64) -> (u64, u64) {
    let followings = viewer.followings(vmid, None, None).await.unwrap();
    let followers = viewer.followers(vmid, None, None).await.unwrap();
    (
        followings.into_data().unwrap().re_version,
        followers.into_data().unwrap().re_version,
    )
}

#[tokio::test]
async fn someone_elses_followings_show_no_groups_or_special_marks() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, _)) = three(&app).await;
    relate(&alice, c, Follow).await;
    let tag = alice.create_tag("secret crush").await.unwrap();
    let tagid = tag.into_data().unwrap().tagid;
    assert_code(
        &alice.add_users_to_tags(&[c], &[tagid, -10]).await.unwrap(),
        0,
    );

    let own = alice
        .followings(a, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        (own.list[0].tag.clone(), own.list[0].special),
        (Some(vec![-10, tagid]), 1)
    );
    for viewer in [&bob, &app.anonymous()] {
        let raw: sixin_api::Envelope<Value> = viewer
            .get("/x/relation/followings", &[("vmid", a)])
            .await
            .unwrap();
        let entry = &raw.data.unwrap()["list"][0];
        assert_eq!(entry["mid"], c);
        assert_eq!(entry["tag"], Value::Null, "{entry}");
        assert_eq!(entry["special"], 0, "{entry}");
    }
    let _ = b;
}

#[tokio::test]
async fn re_version_moves_only_with_what_the_reader_can_see() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (_, carol)) = three(&app).await;
    let (_, dave) = app.user("dave").await;
    let (e, _) = app.user("eve").await;
    let bob_sees = versions(&bob, a).await;
    let alice_sees = versions(&alice, a).await;

    // Carol quietly follows alice and dave blocks her; alice quietly
    // follows bob and blocks eve: nobody else can see any of it.
    relate(&carol, a, QuietFollow).await;
    relate(&dave, a, Block).await;
    relate(&alice, b, QuietFollow).await;
    relate(&alice, e, Block).await;
    assert_eq!(versions(&bob, a).await, bob_sees, "others see no change");
    let own_after = versions(&alice, a).await;
    assert!(own_after.0 > alice_sees.0, "alice sees her own changes");

    // Quiet follows and blocks of her do not move alice's own version.
    let before_theirs = versions(&alice, a).await;
    relate(&dave, a, Unblock).await;
    relate(&dave, a, Block).await;
    relate(&carol, a, QuietUnfollow).await;
    relate(&carol, a, QuietFollow).await;
    assert_eq!(versions(&alice, a).await, before_theirs);

    // An open follow is public: everyone sees the version move.
    relate(&carol, a, QuietUnfollow).await;
    let before_open = versions(&bob, a).await;
    relate(&carol, a, Follow).await;
    assert_ne!(versions(&bob, a).await, before_open);
    assert!(versions(&alice, a).await.0 > before_theirs.0);
}

#[tokio::test]
async fn is_limit_answers_only_about_the_caller() {
    let app = spawn_app_with(|c| {
        c.send_burst = 1;
        c.send_ban_strikes = 1;
    })
    .await;
    let (a, alice, b, bob) = acquainted(&app).await;
    assert_eq!(alice.send_text(b, "too fast").await.unwrap().code, 21046);
    let limit = |client: &Client, uid: u64| {
        let cookie = cookie_of(client);
        let app = &app;
        async move {
            app.get_raw(
                &format!("/link_setting/v1/link_setting/is_limit?uid={uid}&type=1"),
                Some(&cookie),
            )
            .await["data"]["is_limit"]
                .clone()
        }
    };
    assert_eq!(limit(&bob, a).await, 0, "alice's stop is hers alone");
    assert_eq!(limit(&alice, b).await, 1);
    assert_eq!(limit(&alice, a).await, 1);
}

#[tokio::test]
async fn uploaded_images_cannot_be_found_from_their_bytes() {
    let app = spawn_app().await;
    let (_, alice, _, _) = acquainted(&app).await;
    let png = include_bytes!("../../../assets/noface.png").to_vec();
    let image = alice
        .upload_image(png.clone(), "face.png")
        .await
        .unwrap()
        .data
        .unwrap();
    let served = app.http.get(&image.image_url).send().await.unwrap();
    assert_eq!(served.status(), 200);

    // Its plain SHA-256, which anyone holding the image can compute, is
    // not its name.
    let digest = hex::encode(Sha256::digest(&png));
    assert!(!image.image_url.contains(&digest));
    let probe = app.get_raw(&format!("/bfs/im/{digest}.png"), None).await;
    assert_eq!(probe["code"], -404);

    // The same image uploaded again (by anyone) gets the same name.
    let again = alice.upload_image(png.clone(), "again.png").await.unwrap();
    assert_eq!(again.data.unwrap().image_url, image.image_url);

    // An image stored before, under its plain SHA-256, is still served.
    let name = image.image_url.rsplit('/').next().unwrap().to_owned();
    let uploads = app.data_dir.join("uploads");
    std::fs::copy(uploads.join(&name), uploads.join(format!("{digest}.png"))).unwrap();
    alias_upload(&app, &name, &format!("{digest}.png")).await;
    let old = app
        .http
        .get(format!("{}/bfs/im/{digest}.png", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200);
    assert_eq!(old.bytes().await.unwrap().to_vec(), png);
}

#[tokio::test]
async fn another_users_group_is_not_found_whatever_is_asked() {
    let app = spawn_app().await;
    let ((_, alice), (b, bob), _) = three(&app).await;
    let theirs = bob
        .create_tag("bob's")
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .tagid;
    relate(&alice, b, Follow).await;
    assert_code(&alice.rename_tag(theirs, "mine").await.unwrap(), 22104);
    assert_code(&alice.delete_tag(theirs).await.unwrap(), 22104);
    assert_code(&alice.delete_tag(theirs + 1000).await.unwrap(), 22104);
    assert_code(&alice.delete_tag(-10).await.unwrap(), 22104);
    assert_code(
        &alice.add_users_to_tags(&[b], &[theirs]).await.unwrap(),
        22104,
    );
    assert_eq!(bob.tags().await.unwrap().into_data().unwrap().len(), 3);
}
