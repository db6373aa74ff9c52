//! Relation lists: followers and followings with their entries and paging,
//! friends, common follows, batch relations, stat and the space relation,
//! and what a page holds on a large fan list.

use serde_json::{json, Value};
use sixin_client::EnvelopeExt;
use sixin_client::RelationAct::{Follow, QuietFollow};

use crate::helpers::{act, add_fans, cookie_of, follower_mids, list_entry, spawn_app, three};

#[tokio::test]
async fn a_followers_entry_has_exactly_the_documented_fields() {
    let app = spawn_app().await;
    let ((alice_id, _), (bob_id, bob), _) = three(&app).await;
    act(&bob, alice_id, Follow).await;
    let body = app
        .get_raw(
            &format!("/x/relation/followers?vmid={alice_id}&ps=2&pn=1"),
            None,
        )
        .await;
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "0");
    assert_eq!(body["ttl"], 1);
    let data = body["data"].as_object().unwrap();
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["list", "re_version", "total"]
    );
    assert_eq!(data["total"], 1);
    assert!(data["re_version"].is_u64());
    let mut entry = data["list"][0].clone();
    assert!(entry["mtime"].as_i64().unwrap() > 1_600_000_000);
    entry["mtime"] = json!(0);
    let expected = list_entry(&app, bob_id, "bob", 0);
    assert_eq!(entry, expected);
    assert_eq!(
        entry.as_object().unwrap().keys().collect::<Vec<_>>(),
        expected.as_object().unwrap().keys().collect::<Vec<_>>(),
        "in the document's order"
    );
}

#[tokio::test]
async fn lists_are_newest_first_and_paged_with_ps_and_pn() {
    let app = spawn_app().await;
    let (star_id, _) = app.user("star").await;
    let mut fans = Vec::new();
    for i in 0..5 {
        let (id, fan) = app.user(&format!("fan{i}")).await;
        act(&fan, star_id, Follow).await;
        fans.push(id);
    }
    let anon = app.anonymous();
    let page1 = anon.followers(star_id, Some(2), Some(1)).await.unwrap();
    let page1 = page1.into_data().unwrap();
    assert_eq!(page1.total, 5);
    let mids: Vec<u64> = page1.list.iter().map(|e| e.mid).collect();
    assert_eq!(mids, vec![fans[4], fans[3]]);
    let page3 = anon.followers(star_id, Some(2), Some(3)).await.unwrap();
    let mids: Vec<u64> = page3
        .into_data()
        .unwrap()
        .list
        .iter()
        .map(|e| e.mid)
        .collect();
    assert_eq!(mids, vec![fans[0]]);
    // Defaults: ps 50, pn 1.
    assert_eq!(follower_mids(&anon, star_id).await.len(), 5);
    // A fan's followings show the star.
    let followings = anon.followings(fans[0], None, None).await.unwrap();
    let followings = followings.into_data().unwrap();
    assert_eq!(followings.total, 1);
    assert_eq!(
        (followings.list[0].mid, followings.list[0].attribute),
        (star_id, 2)
    );
}

#[tokio::test]
async fn someone_elses_list_stops_at_page_5_but_your_own_does_not() {
    let app = spawn_app().await;
    let ((alice_id, alice), (_, bob), _) = three(&app).await;
    for path in ["followers", "followings"] {
        let answer = app
            .get_raw(&format!("/x/relation/{path}?vmid={alice_id}&pn=6"), None)
            .await;
        assert_eq!(
            answer,
            json!({"code": 22007, "message": "访问超过5页", "ttl": 1})
        );
        let answer = app
            .get_raw(
                &format!("/x/relation/{path}?vmid={alice_id}&pn=6"),
                Some(&cookie_of(&bob)),
            )
            .await;
        assert_eq!(answer["code"], 22007);
        let answer = app
            .get_raw(&format!("/x/relation/{path}?vmid={alice_id}&pn=5"), None)
            .await;
        assert_eq!(answer["code"], 0);
        let own = app
            .get_raw(
                &format!("/x/relation/{path}?vmid={alice_id}&pn=6"),
                Some(&cookie_of(&alice)),
            )
            .await;
        assert_eq!(own["code"], 0);
        assert_eq!(own["data"]["list"], json!([]));
    }
}

#[tokio::test]
async fn lists_without_vmid_or_with_a_bad_one_are_minus_400() {
    let app = spawn_app().await;
    for path in [
        "/x/relation/followers",
        "/x/relation/followings?vmid=abc",
        "/x/relation/followings?vmid=1&pn=x",
        "/x/relation/stat",
    ] {
        let answer = app.get_raw(path, None).await;
        assert_eq!(answer["code"], -400, "{path}");
    }
}

#[tokio::test]
async fn friends_and_common_follows_and_batch_relations() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (carol_id, carol)) = three(&app).await;
    let dave_id = app.create_user("dave").await;
    act(&alice, bob_id, Follow).await;
    act(&bob, alice_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    act(&alice, dave_id, Follow).await;
    act(&carol, dave_id, Follow).await;
    act(&carol, bob_id, Follow).await;

    let friends = alice.friends().await.unwrap().into_data().unwrap();
    let mids: Vec<u64> = friends.list.iter().map(|e| e.mid).collect();
    assert_eq!(mids, vec![bob_id]);
    assert_eq!(friends.list[0].attribute, 6);

    let same = alice.same_followings(carol_id, None, None).await.unwrap();
    let same = same.into_data().unwrap();
    assert_eq!(same.total, 2);
    let mids: Vec<u64> = same.list.iter().map(|e| e.mid).collect();
    assert_eq!(mids, vec![dave_id, bob_id]);

    let batch = alice
        .relations(&[bob_id, carol_id, 987654, alice_id])
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        batch.keys().collect::<Vec<_>>(),
        [bob_id.to_string(), carol_id.to_string()]
    );
    assert_eq!(batch.get(&bob_id.to_string()).unwrap().attribute, 6);
    assert_eq!(batch.get(&carol_id.to_string()).unwrap().attribute, 2);
}

#[tokio::test]
async fn stat_and_myinfo_count_follows_and_fans() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (carol_id, carol)) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    act(&bob, alice_id, Follow).await;
    act(&carol, alice_id, QuietFollow).await;
    let body = app
        .get_raw(&format!("/x/relation/stat?vmid={alice_id}"), None)
        .await;
    assert_eq!(
        body["data"],
        json!({"mid": alice_id, "following": 2, "whisper": 0, "black": 0, "follower": 1})
    );
    let own = carol
        .relation_stat(carol_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!((own.following, own.whisper), (0, 1));
    let me = alice.myinfo().await.unwrap().into_data().unwrap();
    assert_eq!((me.following, me.follower), (2, 1));
}

#[tokio::test]
async fn the_space_relation_is_served_at_both_paths_and_needs_a_login() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&bob, alice_id, Follow).await;
    for path in ["/x/space/acc/relation", "/x/space/wbi/acc/relation"] {
        let body = app
            .get_raw(
                &format!("{path}?mid={bob_id}&wts=1686015899&w_rid=e10a3c"),
                Some(&cookie_of(&alice)),
            )
            .await;
        assert_eq!(body["code"], 0);
        let mtime = body["data"]["relation"]["mtime"].clone();
        assert_eq!(
            body["data"],
            json!({
                "relation": {"mid": bob_id, "attribute": 6, "mtime": mtime, "tag": null,
                             "special": 0, "is_followed": false},
                "be_relation": {"mid": alice_id, "attribute": 6, "mtime": mtime, "tag": null,
                                "special": 0, "is_followed": false}
            })
        );
        let anonymous = app.get_raw(&format!("{path}?mid={bob_id}"), None).await;
        assert_eq!(anonymous["code"], -101);
    }
}

#[tokio::test]
async fn followers_entries_carry_null_tag_and_zero_special_as_the_seed_shows() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    for (client, fid) in [(&alice, b), (&bob, a)] {
        let jct = client.cookies().unwrap().bili_jct.clone();
        let body = app
            .post_raw(
                "/x/relation/modify",
                Some(&cookie_of(client)),
                "application/x-www-form-urlencoded",
                format!("fid={fid}&act=1&re_src=11&csrf={jct}"),
            )
            .await;
        assert_eq!(body["code"], 0);
    }
    // Alice puts Bob, her fan and followee, in her special group.
    let jct = alice.cookies().unwrap().bili_jct.clone();
    let body = app
        .post_raw(
            "/x/relation/tags/addUsers",
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            format!("fids={b}&tagids=-10&csrf={jct}"),
        )
        .await;
    assert_eq!(body["code"], 0);
    let fans = app
        .get_raw(
            &format!("/x/relation/followers?vmid={a}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    let entry = &fans["data"]["list"][0];
    assert_eq!(entry["mid"], b);
    assert_eq!(entry["attribute"], 6);
    assert_eq!(entry["tag"], Value::Null);
    assert_eq!(entry["special"], 0);
    let followings = app
        .get_raw(
            &format!("/x/relation/followings?vmid={a}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(followings["data"]["list"][0]["tag"], json!([-10]));
    assert_eq!(followings["data"]["list"][0]["special"], 1);
}

/// What a page holds on a large fan list; how fast it is answered is
/// measured by the benchmark, not asserted here.
#[tokio::test]
async fn pages_of_a_large_fan_list_hold_the_right_fans() {
    let app = spawn_app().await;
    let (star, _) = app.user("star").await;
    let fans = 20_000;
    add_fans(&app, star, fans).await;
    let anon = app.anonymous();
    let page1 = anon
        .followers(star, None, Some(1))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let page5 = anon
        .followers(star, None, Some(5))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(page1.total, fans);
    assert_eq!(page1.list.len(), 50);
    assert_eq!(page1.list[0].mid, 1_000_000 + fans - 1, "newest first");
    assert_eq!(page5.list.len(), 50);
    assert_eq!(page5.list[0].mid, 1_000_000 + fans - 1 - 200);
    assert_eq!(
        anon.followers(star, None, Some(6)).await.unwrap().code,
        22007
    );
}

/// The owner's deep pages of a large fan list (found through the follower
/// counts, not by skipping every entry before them) hold exactly the fans
/// of their place, before and after a fan's follow made again moves them
/// to the top.
#[tokio::test]
async fn the_owners_deep_follower_pages_hold_the_right_fans() {
    let app = spawn_app().await;
    let (star, own) = app.user("star").await;
    let fans: u64 = 20_000;
    add_fans(&app, star, fans).await;
    let page = |pn: u32, ps: u32| {
        let own = &own;
        async move {
            let list = own
                .followers(star, Some(ps), Some(pn))
                .await
                .unwrap()
                .into_data()
                .unwrap();
            assert_eq!(list.total, fans);
            list.list.iter().map(|e| e.mid).collect::<Vec<u64>>()
        }
    };
    let newest = 1_000_000 + fans - 1;
    for (pn, ps) in [
        (1, 50),
        (2, 50),
        (3, 20),
        (101, 50),
        (399, 50),
        (400, 50),
        (777, 7),
    ] {
        let skip = u64::from((pn - 1) * ps);
        let want: Vec<u64> = (0..u64::from(ps)).map(|i| newest - skip - i).collect();
        assert_eq!(page(pn, ps).await, want, "page {pn} of {ps}");
    }
    assert_eq!(page(401, 50).await, Vec::<u64>::new(), "past the end");

    let oldest = 1_000_000;
    let fan = app.login_as(oldest).await;
    act(&fan, star, sixin_client::RelationAct::Unfollow).await;
    act(&fan, star, Follow).await;
    assert_eq!(
        page(1, 50).await[..2],
        [oldest, newest],
        "made again: on top"
    );
    let deep = page(200, 50).await;
    assert_eq!(
        deep[0],
        newest - (199 * 50 - 1),
        "everyone else one place down"
    );
    assert_eq!(page(400, 50).await.last(), Some(&(oldest + 1)));
}
