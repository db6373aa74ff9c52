//! `fans` (cursor paging within its windows) and
//! `followers/unread/count` (new followers since one last looked).

use serde_json::json;
use sixin_api::relation::FansList;
use sixin_client::RelationAct::{Follow, QuietFollow, Unfollow};
use sixin_client::{Client, EnvelopeExt};
use sixin_server::clock::Clock;

use crate::helpers::{
    act, add_fans, cookie_of, list_entry, spawn_app, spawn_app_with_clock, three,
};

async fn fans_of(client: &Client, vmid: u64, pn: Option<u32>, offset: Option<&str>) -> FansList {
    client
        .fans(vmid, None, pn, offset)
        .await
        .expect("fans")
        .into_data()
        .expect("a page of fans")
}

fn mids(page: &FansList) -> Vec<u64> {
    page.list.iter().map(|e| e.mid).collect()
}

#[tokio::test]
async fn a_fans_page_has_exactly_the_documented_fields() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (carol_id, carol)) = three(&app).await;
    act(&bob, alice_id, Follow).await;
    act(&carol, alice_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    let body = app
        .get_raw(
            &format!("/x/relation/fans?vmid={alice_id}&ps=2&pn=1"),
            Some(&cookie_of(&bob)),
        )
        .await;
    assert_eq!(
        (&body["code"], &body["message"], &body["ttl"]),
        (&json!(0), &json!("0"), &json!(1))
    );
    let data = body["data"].as_object().unwrap();
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["list", "offset", "re_version", "total"]
    );
    assert_eq!(data["total"], 2);
    assert!(data["re_version"].is_u64());
    let list = data["list"].as_array().unwrap();
    let mtime = list[1]["mtime"].as_i64().unwrap();
    assert!(mtime > 1_600_000_000);
    assert_eq!(
        data["offset"],
        format!("{mtime}:{bob_id}"),
        "the last fan's mtime and mid"
    );
    let mut carol_entry = list[0].clone();
    carol_entry["mtime"] = json!(0);
    let expected = list_entry(&app, carol_id, "carol", 6);
    assert_eq!(carol_entry, expected, "carol and alice follow each other");
    assert_eq!(
        carol_entry.as_object().unwrap().keys().collect::<Vec<_>>(),
        expected.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    assert_eq!(list[1]["attribute"], 0, "alice does not follow bob");
}

#[tokio::test]
async fn fans_page_by_offset_and_pn_within_their_windows() {
    let app = spawn_app().await;
    let ((star, star_client), (_, other), _) = three(&app).await;
    add_fans(&app, star, 1_050).await;
    let newest = 1_000_000 + 1_050 - 1;

    // Someone else: the newest 100, then nothing.
    let first = fans_of(&other, star, None, None).await;
    assert_eq!(first.total, 1_050);
    assert_eq!(first.list.len(), 50);
    assert_eq!(first.list[0].mid, newest);
    assert_eq!(
        first.offset,
        format!("{}:{}", 1_000 + 1_049 - 49, newest - 49)
    );
    let second = fans_of(&other, star, Some(9), Some(&first.offset)).await;
    assert_eq!(
        mids(&second),
        (newest - 99..=newest - 50).rev().collect::<Vec<_>>(),
        "the offset wins over pn and continues where the first page ended"
    );
    let third = fans_of(&other, star, None, Some(&second.offset)).await;
    assert!(third.list.is_empty(), "only 100 of someone else's fans");
    assert_eq!(
        third.offset, second.offset,
        "an empty page keeps its offset"
    );
    assert!(fans_of(&other, star, Some(3), None).await.list.is_empty());
    assert_eq!(
        mids(&fans_of(&other, star, Some(2), Some("rcmd")).await),
        mids(&second),
        "an offset that is no cursor leaves paging to pn"
    );

    // One's own: the newest 1000.
    let twentieth = fans_of(&star_client, star, Some(20), None).await;
    assert_eq!(twentieth.list.len(), 50);
    assert_eq!(twentieth.list[49].mid, newest - 999);
    assert!(fans_of(&star_client, star, Some(21), None)
        .await
        .list
        .is_empty());
    let mut seen = Vec::new();
    let mut offset = String::new();
    loop {
        let page = fans_of(&star_client, star, None, Some(&offset)).await;
        if page.list.is_empty() {
            break;
        }
        seen.extend(mids(&page));
        offset = page.offset;
    }
    assert_eq!(seen, (newest - 999..=newest).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn fans_needs_a_login_and_a_user() {
    let app = spawn_app().await;
    let ((alice_id, alice), _, _) = three(&app).await;
    let anonymous = app
        .get_raw(&format!("/x/relation/fans?vmid={alice_id}"), None)
        .await;
    assert_eq!(
        anonymous,
        json!({"code": -101, "message": "账号未登录", "ttl": 1})
    );
    let cookie = cookie_of(&alice);
    for bad in [
        "/x/relation/fans",
        "/x/relation/fans?vmid=0",
        "/x/relation/fans?vmid=abc",
        "/x/relation/fans?vmid=1&pn=x",
        "/x/relation/fans?vmid=1&last_access_ts=yesterday",
    ] {
        let answer = app.get_raw(bad, Some(&cookie)).await;
        assert_eq!(answer["code"], -400, "{bad}");
    }
}

#[tokio::test]
async fn quiet_follows_are_nobodys_fans() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (_, carol)) = three(&app).await;
    act(&bob, alice_id, Follow).await;
    act(&carol, alice_id, QuietFollow).await;
    for viewer in [&alice, &bob, &carol] {
        let page = fans_of(viewer, alice_id, None, None).await;
        assert_eq!((mids(&page), page.total), (vec![bob_id], 1));
    }
}

#[tokio::test]
async fn new_followers_count_until_one_looks() {
    let (app, clock) = spawn_app_with_clock().await;
    let ((alice_id, alice), (bob_id, bob), (_, carol)) = three(&app).await;
    let unread = || async {
        alice
            .followers_unread_count()
            .await
            .unwrap()
            .into_data()
            .unwrap()
    };
    let first = unread().await;
    assert_eq!((first.count, first.time), (0, 0));
    let looked = clock.now_secs();

    clock.advance_secs(60);
    act(&bob, alice_id, Follow).await;
    act(&carol, alice_id, QuietFollow).await;
    let body = app
        .get_raw(
            "/x/relation/followers/unread/count",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "message": "0", "ttl": 1, "data": {"count": 1, "time": looked}}),
        "bob is new; a quiet follow is nobody's news"
    );
    assert_eq!(unread().await.count, 0, "asking counts as looking");

    act(&alice, bob_id, Follow).await;
    assert_eq!(unread().await.count, 0, "following back makes nobody new");

    act(&carol, alice_id, Follow).await;
    alice.followers(alice_id, None, Some(2)).await.unwrap();
    alice.fans(alice_id, None, None, Some("1:1")).await.unwrap();
    bob.fans(alice_id, None, None, None).await.unwrap();
    assert_eq!(unread().await.count, 1, "other pages and views are no look");

    act(&carol, alice_id, Unfollow).await;
    act(&carol, alice_id, Follow).await;
    alice.followers(alice_id, None, None).await.unwrap();
    assert_eq!(
        unread().await.count,
        0,
        "the first page of followers is a look"
    );
    act(&carol, alice_id, Unfollow).await;
    act(&carol, alice_id, Follow).await;
    alice.fans(alice_id, None, None, None).await.unwrap();
    assert_eq!(unread().await.count, 0, "so is the first page of fans");

    let anonymous = app
        .get_raw("/x/relation/followers/unread/count", None)
        .await;
    assert_eq!(anonymous["code"], -101);
}
