//! `heart_beat`: the documented answer, and the presence it records.

use serde_json::json;
use sixin_api::custom::HeartBeatQuery;
use sixin_client::EnvelopeExt;

use crate::helpers::{cookie_of, spawn_app, spawn_app_with_clock};

#[tokio::test]
async fn the_heartbeat_answers_as_documented() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let path =
        "/x/custom/session_svr/v1/heart_beat?shop_id=0&shop_father_id=0&build=0&mobi_app=web";
    assert_eq!(
        app.get_raw(path, None).await,
        json!({"code": -101, "message": "账号未登录", "ttl": 1})
    );
    let answer = app.get_raw(path, Some(&cookie_of(&alice))).await;
    assert_eq!(
        answer,
        json!({"code": 0, "msg": "ok", "message": "ok", "ttl": 1})
    );
    // Every parameter is optional.
    let bare = app
        .get_raw(
            "/x/custom/session_svr/v1/heart_beat",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(bare["code"], 0);
    let malformed = app
        .get_raw(
            "/x/custom/session_svr/v1/heart_beat?shop_id=abc",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(malformed["code"], -400);
}

#[tokio::test]
async fn heartbeats_tell_agents_who_is_online_and_since_when() {
    let (app, clock) = spawn_app_with_clock().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let shop = HeartBeatQuery {
        shop_id: Some(42),
        shop_father_id: Some(7),
        build: Some(0),
        mobi_app: Some("web".into()),
    };
    assert_eq!(alice.heart_beat(&shop).await.unwrap().code, 0);
    let start = app.admin.presence(None).await.unwrap().into_data().unwrap();
    assert_eq!(start.len(), 1);
    let since = start[0].since;
    assert_eq!(
        (
            start[0].mid,
            start[0].uname.as_str(),
            start[0].shop_id,
            start[0].shop_father_id
        ),
        (a, "alice", 42, 7)
    );
    assert!(start[0].online);

    clock.advance_secs(30);
    alice.heart_beat(&shop).await.unwrap();
    bob.heart_beat(&HeartBeatQuery::default()).await.unwrap();
    let online = app.admin.presence(None).await.unwrap().into_data().unwrap();
    let seen: Vec<_> = online
        .iter()
        .map(|p| (p.mid, p.since, p.last_seen))
        .collect();
    assert_eq!(
        seen,
        vec![(a, since, since + 30), (b, since + 30, since + 30)],
        "a visit keeps its start while heartbeats keep coming"
    );

    clock.advance_secs(61);
    assert!(app
        .admin
        .presence(None)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .is_empty());
    let lately = app
        .admin
        .presence(Some(3600))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(lately.len(), 2);
    assert!(lately.iter().all(|p| !p.online));

    alice.heart_beat(&shop).await.unwrap();
    let back = app.admin.presence(None).await.unwrap().into_data().unwrap();
    assert_eq!((back[0].mid, back[0].since), (a, since + 91), "a new visit");
    // Only admins see presence.
    assert_eq!(alice.presence(None).await.unwrap().code, -403);
}
