//! `followings/search`: someone's follows found by name, with the privacy
//! and paging rules of their followings list.

use serde_json::json;
use sixin_api::relation::RelationList;
use sixin_client::RelationAct::{Follow, QuietFollow};
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{act, cookie_of, list_entry, spawn_app};

async fn search(client: &Client, vmid: u64, name: Option<&str>) -> RelationList {
    client
        .search_followings(vmid, name, None, None)
        .await
        .expect("search")
        .into_data()
        .expect("a page")
}

fn mids(page: &RelationList) -> Vec<u64> {
    page.list.iter().map(|e| e.mid).collect()
}

#[tokio::test]
async fn follows_are_found_by_name_newest_first() {
    let app = spawn_app().await;
    let (alice_id, alice) = app.user("alice").await;
    let (bob_id, bob) = app.user("bob").await;
    let bobby = app.create_user("Bobby").await;
    let carl = app.create_user("carl").await;
    let hidden = app.create_user("bo_quiet").await;
    for fid in [bob_id, bobby, carl] {
        act(&alice, fid, Follow).await;
    }
    act(&alice, hidden, QuietFollow).await;

    for viewer in [&alice, &bob] {
        let found = search(viewer, alice_id, Some("BO")).await;
        assert_eq!(
            (mids(&found), found.total),
            (vec![bobby, bob_id], 2),
            "ignoring case; quiet follows are never found"
        );
        let everyone = search(viewer, alice_id, None).await;
        assert_eq!(
            (mids(&everyone), everyone.total),
            (vec![carl, bobby, bob_id], 3)
        );
    }
    let none = search(&bob, alice_id, Some("zed")).await;
    assert_eq!((none.list.len(), none.total), (0, 0));
    let second = alice
        .search_followings(alice_id, Some("bo"), Some(1), Some(2))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!((mids(&second), second.total), (vec![bob_id], 2));

    let body = app
        .get_raw(
            &format!("/x/relation/followings/search?vmid={alice_id}&name=carl"),
            Some(&cookie_of(&bob)),
        )
        .await;
    let data = body["data"].as_object().unwrap();
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["list", "re_version", "total"]
    );
    let mut entry = data["list"][0].clone();
    assert!(entry["mtime"].as_i64().unwrap() > 1_600_000_000);
    entry["mtime"] = json!(0);
    assert_eq!(entry, list_entry(&app, carl, "carl", 2));
    let followings = app
        .get_raw(
            &format!("/x/relation/followings?vmid={alice_id}"),
            Some(&cookie_of(&bob)),
        )
        .await;
    assert_eq!(
        data["list"][0], followings["data"]["list"][0],
        "a found entry is the followings entry"
    );
}

#[tokio::test]
async fn search_needs_a_login_and_stops_at_page_5_for_others() {
    let app = spawn_app().await;
    let (alice_id, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let path = format!("/x/relation/followings/search?vmid={alice_id}&name=x");
    assert_eq!(
        app.get_raw(&path, None).await,
        json!({"code": -101, "message": "账号未登录", "ttl": 1})
    );
    let beyond = app
        .get_raw(&format!("{path}&pn=6"), Some(&cookie_of(&bob)))
        .await;
    assert_eq!(
        beyond,
        json!({"code": 22007, "message": "访问超过5页", "ttl": 1})
    );
    let own = app
        .get_raw(&format!("{path}&pn=6"), Some(&cookie_of(&alice)))
        .await;
    assert_eq!(
        (own["code"].clone(), own["data"]["list"].clone()),
        (json!(0), json!([]))
    );
    for bad in ["vmid=", "vmid=0", "vmid=x", "name=a", "vmid=1&ps=-1"] {
        let answer = app
            .get_raw(
                &format!("/x/relation/followings/search?{bad}"),
                Some(&cookie_of(&bob)),
            )
            .await;
        assert_eq!(answer["code"], -400, "{bad}");
    }
}
