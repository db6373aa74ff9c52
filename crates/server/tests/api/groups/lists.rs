//! Group sessions in the lists: their fields, the session types of
//! `get_sessions`, folding, pinning, removing, do-not-disturb.

use serde_json::{json, Value};
use sixin_api::message::request::GetSessionsQuery;
use sixin_client::{Client, EnvelopeExt};

use super::group_of;
use crate::helpers::{cookie_of, spawn_app, three};

async fn kinds(client: &Client, session_type: i64, group_fold: Option<&str>) -> Vec<(i64, u64)> {
    let query = GetSessionsQuery {
        session_type,
        group_fold: group_fold.map(str::to_owned),
        ..GetSessionsQuery::default()
    };
    client
        .get_sessions(&query)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .session_list
        .unwrap_or_default()
        .iter()
        .map(|s| (s.session_type, s.talker_id))
        .collect()
}

#[tokio::test]
async fn a_group_session_shows_the_group() {
    let app = spawn_app().await;
    let ((a, _alice), (b, bob), _) = three(&app).await;
    let created = app
        .admin
        .create_group(&sixin_api::admin::CreateGroup {
            group_id: Some(221082140),
            owner: a,
            name: "社会易姐QwQ的应援团".into(),
            cover: Some(
                "http://i0.hdslb.com/bfs/face/aebb2639a0d47f2ce1fec0631f412eaf53d4a0be.jpg".into(),
            ),
            group_type: 0,
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let g = created.group_id;
    assert_eq!(g, 221082140);
    app.admin.add_group_members(g, &[b]).await.unwrap();
    let body = app
        .get_raw(
            &format!("/session_svr/v1/session_svr/session_detail?talker_id={g}&session_type=2&build=0&mobi_app=web"),
            Some(&cookie_of(&bob)),
        )
        .await;
    let s = &body["data"];
    let ts = |name: &str| s[name].clone();
    let last = &s["last_msg"];
    let expected = json!({
        "talker_id": 221082140u64,
        "session_type": 2,
        "at_seqno": 0,
        "top_ts": 0,
        "group_name": "社会易姐QwQ的应援团",
        "group_cover": "http://i0.hdslb.com/bfs/face/aebb2639a0d47f2ce1fec0631f412eaf53d4a0be.jpg",
        "is_follow": 0,
        "is_dnd": 0,
        "ack_seqno": 1,
        "ack_ts": ts("ack_ts"),
        "session_ts": ts("session_ts"),
        "unread_count": 1,
        "last_msg": {
            "sender_uid": 0,
            "receiver_type": 2,
            "receiver_id": 221082140u64,
            "msg_type": 306,
            "content": "{\"group_id\":221082140,\"content\":\"欢迎bob入群\"}",
            "msg_seqno": 2,
            "timestamp": last["timestamp"].clone(),
            "at_uids": null,
            "msg_key": last["msg_key"].clone(),
            "msg_status": 0,
            "notify_code": "",
            "msg_source": 13
        },
        "group_type": 0,
        "can_fold": 0,
        "status": 0,
        "max_seqno": 2,
        "new_push_msg": 0,
        "setting": 0,
        "is_guardian": 0,
        "is_intercept": 0,
        "is_trust": 0,
        "system_msg_type": 0,
        "live_status": 0,
        "biz_msg_unread_count": 0,
        "user_label": null
    });
    assert_eq!(body["data"], expected);
    assert_eq!(
        serde_json::to_string(&body["data"]).unwrap(),
        serde_json::to_string(&expected).unwrap(),
        "in the documents' order"
    );
    assert!(last["msg_key"].as_u64().unwrap() > 1 << 53);
    // An official group without a cover shows the default avatar.
    let official = app
        .admin
        .create_group(&sixin_api::admin::CreateGroup {
            owner: a,
            name: "官方群".into(),
            group_type: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .group_id;
    app.admin.add_group_members(official, &[b]).await.unwrap();
    let detail = bob
        .group_session_detail(official)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(detail.group_type, 2);
    assert_eq!(
        detail.group_cover,
        format!("{}/bfs/face/member/noface.png", app.base)
    );
}

#[tokio::test]
async fn get_sessions_lists_groups_by_type_and_folds_them() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), _) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    assert_eq!(bob.send_text(a, "私聊").await.unwrap().code, 0);
    let both = vec![(1, b), (2, g)];
    assert_eq!(kinds(&alice, 4, None).await, both);
    assert_eq!(kinds(&alice, 4, Some("0")).await, both);
    assert_eq!(kinds(&alice, 4, Some("1")).await, vec![(1, b)], "folded");
    assert_eq!(kinds(&alice, 1, None).await, vec![(1, b)]);
    assert_eq!(kinds(&alice, 2, None).await, vec![(1, b)]);
    assert_eq!(kinds(&alice, 3, None).await, vec![(2, g)]);
    assert_eq!(kinds(&alice, 3, Some("1")).await, vec![(2, g)]);
    assert_eq!(kinds(&alice, 8, None).await, vec![(1, b)]);
    // The owner's setting folds them when the request does not say.
    let set = alice
        .post_form::<Value, _>(
            "/link_setting/v1/link_setting/set",
            &[("is_group_fold", "1")],
        )
        .await
        .unwrap();
    assert_eq!(set.code, 0);
    assert_eq!(kinds(&alice, 4, None).await, vec![(1, b)]);
    assert_eq!(kinds(&alice, 4, Some("0")).await, both);
    // new_sessions lists everything.
    let listed: Vec<i64> = alice
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .session_list
        .unwrap()
        .iter()
        .map(|s| s.session_type)
        .collect();
    assert_eq!(listed, vec![1, 2]);
}

#[tokio::test]
async fn group_sessions_are_pinned_removed_and_muted() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), _) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    let form = |op: &str| {
        vec![
            ("talker_id", g.to_string()),
            ("session_type", "2".to_owned()),
            ("op_type", op.to_owned()),
        ]
    };
    let pinned = alice
        .post_form::<Value, _>("/session_svr/v1/session_svr/set_top", &form("0"))
        .await
        .unwrap();
    assert_eq!(pinned.code, 0);
    let session = alice
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(session.top_ts > 0);
    let removed = alice
        .post_form::<Value, _>(
            "/session_svr/v1/session_svr/remove_session",
            &[("talker_id", g.to_string()), ("session_type", "2".into())],
        )
        .await
        .unwrap();
    assert_eq!(removed.code, 0);
    assert_eq!(kinds(&alice, 4, None).await, vec![]);
    assert_eq!(
        alice
            .my_group_unread()
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .unread_count,
        0
    );
    bob.send_group_text(g, "back", &[]).await.unwrap();
    assert_eq!(
        kinds(&alice, 4, None).await,
        vec![(2, g)],
        "the next message brings it back"
    );
    // Do-not-disturb by group id.
    let muted = alice
        .post_form::<Value, _>(
            "/link_setting/v1/link_setting/set_msg_dnd",
            &[("setting", "1".to_owned()), ("dnd_group_id", g.to_string())],
        )
        .await
        .unwrap();
    assert_eq!(muted.code, 0);
    let dnd = app
        .get_raw(
            &format!("/link_setting/v1/link_setting/get_msg_dnd?own_uid={a}&group_ids={g}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(
        dnd["data"],
        json!({"group_settings": [{"id": g, "setting": 1}]})
    );
    assert_eq!(
        alice
            .group_session_detail(g)
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .is_dnd,
        1
    );
    // Intercepting is for users only.
    let intercept = alice
        .post_form::<Value, _>(
            "/session_svr/v1/session_svr/update_intercept",
            &[("talker_id", g.to_string()), ("status", "1".into())],
        )
        .await
        .unwrap();
    assert_eq!(intercept.code, -400, "{intercept:?}");
}
