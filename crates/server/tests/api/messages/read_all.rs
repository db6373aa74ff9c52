//! `/sixin/v1/sessions/read_all`: every listed session with unread
//! messages read at once, users' and fan groups', the intercepted folder
//! apart; the owner's other devices hear each.

use sixin_api::push::ServerFrame;
use sixin_client::EnvelopeExt;

use crate::groups::group_of;
use crate::helpers::{assert_code, cookie_of, spawn_app, three};
use crate::push::{connect, next};

#[tokio::test]
async fn reading_all_clears_every_unread_session_and_tells_other_devices() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    assert_code(&alice.send_text(b, "hi").await.unwrap(), 0);
    assert_code(&bob.send_text(a, "one").await.unwrap(), 0);
    assert_code(&bob.send_text(a, "two").await.unwrap(), 0);
    let g = group_of(&app, b, "bob的应援团", &[a]).await;
    assert_code(&bob.send_group_text(g, "大家好", &[]).await.unwrap(), 0);
    assert_code(&carol.send_text(a, "in the folder").await.unwrap(), 0);
    let folder = app
        .post_form_as(
            &alice,
            "/session_svr/v1/session_svr/update_intercept",
            &[
                ("talker_id", c.to_string()),
                ("session_type", "1".into()),
                ("status", "1".into()),
            ],
        )
        .await;
    assert_eq!(folder["code"], 0, "{folder}");
    let (mut phone, _) = connect(&alice).await;

    let read = alice.read_all().await.unwrap().into_data().unwrap();
    assert_eq!(read.sessions, 2);
    let mut heard = Vec::new();
    for _ in 0..2 {
        match next(&mut phone).await {
            ServerFrame::Read {
                talker_id,
                session_type,
                ..
            } => heard.push((talker_id, session_type)),
            other => panic!("expected a read, got {other:?}"),
        }
    }
    heard.sort_unstable();
    let mut expected = vec![(b, 1), (g, 2)];
    expected.sort_unstable();
    assert_eq!(heard, expected);
    let detail = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!(detail.unread_count, 0);
    let group = alice
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(group.unread_count, 0);
    let folder = alice.session_detail(c).await.unwrap().into_data().unwrap();
    assert_eq!(
        folder.unread_count, 1,
        "the intercepted folder is read apart"
    );

    let again = alice.read_all().await.unwrap().into_data().unwrap();
    assert_eq!(again.sessions, 0);

    let no_csrf = app
        .post_raw(
            "/sixin/v1/sessions/read_all",
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            "",
        )
        .await;
    assert_eq!(no_csrf["code"], -111, "{no_csrf}");
}
