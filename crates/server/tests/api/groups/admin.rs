//! The admin API of fan groups: what it refuses, and what it shows.

use serde_json::json;
use sixin_api::admin::{CreateGroup, PatchGroup};
use sixin_client::EnvelopeExt;

use super::group_of;
use crate::helpers::{spawn_app, three, ADMIN_TOKEN};

#[tokio::test]
async fn groups_are_created_shown_and_changed() {
    let app = spawn_app().await;
    let ((a, _), (b, _), (c, _)) = three(&app).await;
    let g = group_of(&app, a, "first", &[c, b, c]).await;
    let raw: serde_json::Value = app
        .http
        .get(format!("{}/admin/v1/groups/{g}", app.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        raw,
        json!({"code": 0, "message": "0", "ttl": 1, "data": {
            "group_id": g, "owner": a, "name": "first",
            "cover": format!("{}/bfs/face/member/noface.png", app.base),
            "group_type": 0, "frozen": false, "dissolved": false,
            "members": [a, c, b]
        }})
    );
    let patch = PatchGroup {
        name: Some("renamed".into()),
        cover: Some("https://img.example.test/g.png".into()),
        frozen: None,
    };
    assert_eq!(app.admin.patch_group(g, &patch).await.unwrap().code, 0);
    let entry = app.admin.group(g).await.unwrap().into_data().unwrap();
    assert_eq!(
        (entry.name.as_str(), entry.cover.as_str(), entry.frozen),
        ("renamed", "https://img.example.test/g.png", false)
    );
    let next = group_of(&app, b, "second", &[]).await;
    assert_eq!(next, g + 1, "ids follow each other");
}

#[tokio::test]
async fn bad_group_requests_are_refused() {
    let app = spawn_app().await;
    let ((a, _), (b, _), _) = three(&app).await;
    let create = |owner, name: &str, group_type, group_id| CreateGroup {
        group_id,
        owner,
        name: name.into(),
        cover: None,
        group_type,
    };
    let code = |e: sixin_api::Envelope<sixin_api::admin::CreatedGroup>| (e.code, e.message);
    let unknown = app
        .admin
        .create_group(&create(999, "g", 0, None))
        .await
        .unwrap();
    assert_eq!(code(unknown), (40061, "用户不存在".into()));
    let bad_type = app
        .admin
        .create_group(&create(a, "g", 1, None))
        .await
        .unwrap();
    assert_eq!(bad_type.code, -400);
    assert!(bad_type.message.contains("group_type"));
    let empty = app
        .admin
        .create_group(&create(a, "", 0, None))
        .await
        .unwrap();
    assert_eq!(empty.code, -400);
    let first = app
        .admin
        .create_group(&create(a, "g", 0, Some(7)))
        .await
        .unwrap();
    assert_eq!(first.code, 0);
    let taken = app
        .admin
        .create_group(&create(b, "h", 0, Some(7)))
        .await
        .unwrap();
    assert_eq!(taken.code, -409);
    assert_eq!(app.admin.group(8).await.unwrap().code, -404);
    assert_eq!(
        app.admin.add_group_members(8, &[b]).await.unwrap().code,
        -404
    );
    assert_eq!(
        app.admin.add_group_members(7, &[404]).await.unwrap().code,
        40061
    );
    assert_eq!(
        app.admin.add_group_members(7, &[]).await.unwrap().code,
        -400
    );
    assert_eq!(
        app.admin.remove_group_member(7, b).await.unwrap().code,
        -404
    );
    let owner = app.admin.remove_group_member(7, a).await.unwrap();
    assert_eq!(owner.code, -400, "the owner dissolves instead");
    let unnamed = PatchGroup {
        name: Some(String::new()),
        ..PatchGroup::default()
    };
    assert_eq!(app.admin.patch_group(7, &unnamed).await.unwrap().code, -400);
    let entry = app.admin.group(7).await.unwrap().into_data().unwrap();
    assert_eq!(entry.members, vec![a], "nothing refused was written");
    let anonymous = app
        .anonymous()
        .create_group(&create(a, "x", 0, None))
        .await
        .unwrap();
    assert_eq!(anonymous.code, -403);
}
