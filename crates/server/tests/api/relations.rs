//! Follows, quiet follows, blocks, fans and follow groups through HTTP.
use std::time::Duration;

use serde_json::{json, Value};
use sixin_api::Envelope;
use sixin_client::{Client, EnvelopeExt, RelationAct};

use crate::helpers::{cookie_of, spawn_app, spawn_app_with, TestApp};

use RelationAct::{Block, Follow, QuietFollow, QuietUnfollow, RemoveFan, Unblock, Unfollow};

/// Asserts the envelope's code.
#[track_caller]
fn assert_code<T: std::fmt::Debug>(envelope: &Envelope<T>, code: i64) {
    assert_eq!(envelope.code, code, "{envelope:?}");
}

async fn act(client: &Client, fid: u64, act: RelationAct) -> Envelope<()> {
    client.modify_relation(fid, act).await.expect("modify")
}

async fn attribute(client: &Client, fid: u64) -> i64 {
    client
        .relation(fid)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .attribute
}

async fn following_mids(client: &Client, vmid: u64) -> Vec<u64> {
    let list = client.followings(vmid, None, None).await.unwrap();
    list.into_data()
        .unwrap()
        .list
        .iter()
        .map(|e| e.mid)
        .collect()
}

async fn follower_mids(client: &Client, vmid: u64) -> Vec<u64> {
    let list = client.followers(vmid, None, None).await.unwrap();
    list.into_data()
        .unwrap()
        .list
        .iter()
        .map(|e| e.mid)
        .collect()
}

async fn three(app: &TestApp) -> ((u64, Client), (u64, Client), (u64, Client)) {
    (
        app.user("alice").await,
        app.user("bob").await,
        app.user("carol").await,
    )
}

// ---- modify: every act ------------------------------------------------------

#[tokio::test]
async fn following_answers_the_bare_success_envelope_and_shows_as_2() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), _) = three(&app).await;
    let body = app
        .post_raw(
            "/x/relation/modify",
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            format!(
                "fid={bob_id}&act=1&re_src=11&csrf={}",
                alice.cookies().unwrap().bili_jct
            ),
        )
        .await;
    assert_eq!(body, json!({"code": 0, "message": "0", "ttl": 1}));
    let relation = app
        .get_raw(
            &format!("/x/relation?fid={bob_id}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(relation["code"], 0);
    let data = relation["data"].as_object().unwrap();
    // In the document's order.
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["mid", "attribute", "mtime", "tag", "special"]
    );
    assert_eq!(data["mid"], bob_id);
    assert_eq!(data["attribute"], 2);
    assert!(data["mtime"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(data["tag"], Value::Null);
    assert_eq!(data["special"], 0);
}

#[tokio::test]
async fn no_relation_is_attribute_0_with_mtime_0() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), _) = three(&app).await;
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            relation.attribute,
            relation.mtime,
            relation.tag,
            relation.special
        ),
        (0, 0, None, 0)
    );
}

#[tokio::test]
async fn following_twice_is_22014_and_quietly_following_twice_too() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    assert_code(&act(&alice, bob_id, Follow).await, 0);
    let again = act(&alice, bob_id, Follow).await;
    assert_code(&again, 22014);
    assert_eq!(again.message, "已经关注用户，无法重复关注");
    assert_code(&act(&alice, carol_id, QuietFollow).await, 0);
    assert_code(&act(&alice, carol_id, QuietFollow).await, 22014);
}

#[tokio::test]
async fn every_act_on_yourself_is_22001() {
    let app = spawn_app().await;
    let (alice_id, alice) = app.user("alice").await;
    for a in [
        Follow,
        Unfollow,
        QuietFollow,
        QuietUnfollow,
        Block,
        Unblock,
        RemoveFan,
    ] {
        let answer = act(&alice, alice_id, a).await;
        assert_code(&answer, 22001);
        assert_eq!(answer.message, "不能对自己进行此操作");
    }
}

#[tokio::test]
async fn acting_on_a_user_who_does_not_exist_is_40061() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    for a in [Follow, QuietFollow, Block] {
        let answer = act(&alice, 987654321, a).await;
        assert_code(&answer, 40061);
        assert_eq!(answer.message, "用户不存在");
    }
}

#[tokio::test]
async fn an_unknown_act_or_a_malformed_form_is_minus_400() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), _) = three(&app).await;
    let csrf = alice.cookies().unwrap().bili_jct.clone();
    for body in [
        format!("fid={bob_id}&act=8&csrf={csrf}"),
        format!("fid={bob_id}&act=0&csrf={csrf}"),
        format!("fid={bob_id}&act=follow&csrf={csrf}"),
        format!("fid={bob_id}&csrf={csrf}"),
        format!("fid=abc&act=1&csrf={csrf}"),
        format!("act=1&csrf={csrf}"),
    ] {
        let answer = app
            .post_raw(
                "/x/relation/modify",
                Some(&cookie_of(&alice)),
                "application/x-www-form-urlencoded",
                body.clone(),
            )
            .await;
        assert_eq!(
            answer,
            json!({"code": -400, "message": "请求错误", "ttl": 1}),
            "{body}"
        );
    }
    assert_eq!(attribute(&alice, bob_id).await, 0);
}

#[tokio::test]
async fn unfollowing_ends_a_follow_and_is_harmless_when_there_is_none() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    assert_code(&act(&alice, bob_id, Unfollow).await, 0);
    act(&alice, bob_id, Follow).await;
    assert_eq!(follower_mids(&bob, bob_id).await, vec![alice_id]);
    assert_code(&act(&alice, bob_id, Unfollow).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 0);
    assert!(follower_mids(&bob, bob_id).await.is_empty());
}

#[tokio::test]
async fn mutual_follows_are_6_on_both_sides_and_unfollowing_leaves_the_other_at_2() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    assert_eq!(attribute(&bob, alice_id).await, 0);
    act(&bob, alice_id, Follow).await;
    assert_eq!(attribute(&alice, bob_id).await, 6);
    assert_eq!(attribute(&bob, alice_id).await, 6);
    let space = alice
        .space_relation(bob_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!((space.relation.mid, space.relation.attribute), (bob_id, 6));
    assert_eq!(
        (space.be_relation.mid, space.be_relation.attribute),
        (alice_id, 6)
    );
    // In lists too: bob is alice's mutual follower.
    let fans = alice.followers(alice_id, None, None).await.unwrap();
    assert_eq!(fans.into_data().unwrap().list[0].attribute, 6);

    act(&bob, alice_id, Unfollow).await;
    assert_eq!(attribute(&alice, bob_id).await, 2);
    assert_eq!(attribute(&bob, alice_id).await, 0);
}

#[tokio::test]
async fn becoming_mutual_refreshes_the_relation_so_it_moves_to_the_top() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    assert_eq!(
        following_mids(&alice, alice_id).await,
        vec![carol_id, bob_id]
    );
    act(&bob, alice_id, Follow).await;
    assert_eq!(
        following_mids(&alice, alice_id).await,
        vec![bob_id, carol_id]
    );
}

#[tokio::test]
async fn a_quiet_follow_is_seen_only_by_the_follower() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    assert_code(&act(&alice, bob_id, QuietFollow).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 1);
    // Bob does not see it: not a follower, no relation from alice.
    assert!(follower_mids(&bob, bob_id).await.is_empty());
    let space = bob
        .space_relation(alice_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(space.be_relation.attribute, 0);
    assert_eq!(space.be_relation.mtime, 0);
    let stat = bob
        .relation_stat(bob_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(stat.follower, 0);
    // Alice sees it among her whispers, not her followings.
    assert!(following_mids(&alice, alice_id).await.is_empty());
    let whispers = alice.whispers().await.unwrap().into_data().unwrap();
    assert_eq!(whispers.list.len(), 1);
    assert_eq!(
        (whispers.list[0].mid, whispers.list[0].attribute),
        (bob_id, 1)
    );
    let stat = alice
        .relation_stat(alice_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!((stat.following, stat.whisper), (0, 1));
}

#[tokio::test]
async fn undoing_a_quiet_follow_ends_it_but_leaves_a_follow_alone() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, QuietFollow).await;
    assert_code(&act(&alice, bob_id, QuietUnfollow).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 0);
    act(&alice, carol_id, Follow).await;
    assert_code(&act(&alice, carol_id, QuietUnfollow).await, 0);
    assert_eq!(attribute(&alice, carol_id).await, 2);
}

#[tokio::test]
async fn following_someone_you_follow_quietly_makes_it_a_follow_and_back() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    act(&alice, bob_id, QuietFollow).await;
    assert_code(&act(&alice, bob_id, Follow).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 2);
    assert_eq!(follower_mids(&bob, bob_id).await, vec![alice_id]);
    assert_code(&act(&alice, bob_id, QuietFollow).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 1);
    assert!(follower_mids(&bob, bob_id).await.is_empty());
}

#[tokio::test]
async fn blocking_removes_follows_in_both_directions_and_no_one_can_follow_back() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&bob, alice_id, Follow).await;
    assert_code(&act(&alice, bob_id, Block).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 128);
    assert_eq!(attribute(&bob, alice_id).await, 0);
    assert!(follower_mids(&alice, alice_id).await.is_empty());
    assert!(follower_mids(&bob, bob_id).await.is_empty());
    // Bob sees the block from his side.
    let space = bob
        .space_relation(alice_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(space.be_relation.attribute, 128);

    let refused = act(&bob, alice_id, Follow).await;
    assert_code(&refused, 22003);
    assert_eq!(refused.message, "用户位于黑名单");
    assert_code(&act(&bob, alice_id, QuietFollow).await, 22003);
    // Nor may alice follow someone she blocked.
    assert_code(&act(&alice, bob_id, Follow).await, 22003);
    assert_eq!(attribute(&bob, alice_id).await, 0);

    let twice = act(&alice, bob_id, Block).await;
    assert_code(&twice, 22120);
    assert_eq!(twice.message, "重复加入黑名单");

    assert_code(&act(&alice, bob_id, Unblock).await, 0);
    assert_eq!(attribute(&alice, bob_id).await, 0);
    assert_code(&act(&bob, alice_id, Follow).await, 0);
    assert_eq!(attribute(&bob, alice_id).await, 2);
}

#[tokio::test]
async fn the_blacklist_lists_blocked_users_newest_first_with_attribute_128() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Block).await;
    act(&alice, carol_id, Block).await;
    assert_code(&act(&alice, carol_id, Unblock).await, 0);
    assert_code(&act(&alice, carol_id, Unblock).await, 0);
    act(&alice, carol_id, Block).await;
    let blacks = alice.blacks(None, None).await.unwrap().into_data().unwrap();
    assert_eq!(blacks.total, 2);
    let mids: Vec<u64> = blacks.list.iter().map(|e| e.mid).collect();
    assert_eq!(mids, vec![carol_id, bob_id]);
    assert!(blacks
        .list
        .iter()
        .all(|e| e.attribute == 128 && e.tag.is_none() && e.special == 0));
    let stat = alice
        .relation_stat(alice_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(stat.black, 2);
    // Someone else asking sees no blacklist count.
    let stat = app
        .anonymous()
        .relation_stat(alice_id)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(stat.black, 0);
}

#[tokio::test]
async fn removing_a_fan_ends_their_follow_only() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), (carol_id, carol)) = three(&app).await;
    act(&bob, alice_id, Follow).await;
    act(&alice, bob_id, Follow).await;
    act(&carol, alice_id, QuietFollow).await;
    assert_code(&act(&alice, bob_id, RemoveFan).await, 0);
    assert_code(&act(&alice, carol_id, RemoveFan).await, 0);
    assert_eq!(attribute(&bob, alice_id).await, 0);
    assert_eq!(attribute(&carol, alice_id).await, 0);
    assert!(follower_mids(&alice, alice_id).await.is_empty());
    // Alice still follows bob, no longer mutually.
    assert_eq!(attribute(&alice, bob_id).await, 2);
    // Bob may follow again: removal is not a block.
    assert_code(&act(&bob, alice_id, Follow).await, 0);
    // Removing someone who is not a fan is fine.
    assert_code(&act(&alice, carol_id, RemoveFan).await, 0);
}

#[tokio::test]
async fn the_follow_limit_is_22009_and_counts_quiet_follows() {
    let app = spawn_app_with(|c| c.max_followings = 2).await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    let dave_id = app.create_user("dave").await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, QuietFollow).await;
    let refused = act(&alice, dave_id, Follow).await;
    assert_code(&refused, 22009);
    assert_eq!(refused.message, "关注失败，已达关注上限");
    assert_code(&act(&alice, dave_id, QuietFollow).await, 22009);
    // Turning the quiet follow into a follow is not a new follow.
    assert_code(&act(&alice, carol_id, Follow).await, 0);
    act(&alice, bob_id, Unfollow).await;
    assert_code(&act(&alice, dave_id, Follow).await, 0);
}

#[tokio::test]
async fn a_full_blacklist_is_22008() {
    let app = spawn_app_with(|c| c.max_blacklist = 1).await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Block).await;
    let refused = act(&alice, carol_id, Block).await;
    assert_code(&refused, 22008);
    assert_eq!(refused.message, "黑名单达到上限");
    assert_eq!(attribute(&alice, carol_id).await, 0);
}

// ---- lists ----------------------------------------------------------------

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
    assert_eq!(
        entry,
        json!({
            "mid": bob_id,
            "attribute": 0,
            "mtime": 0,
            "tag": null,
            "special": 0,
            "uname": "bob",
            "face": format!("{}/bfs/face/member/noface.png", app.base),
            "sign": "",
            "official_verify": {"type": -1, "desc": ""},
            "vip": {
                "vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
                "label": {"path": ""}
            }
        })
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

// ---- groups -----------------------------------------------------------------

#[tokio::test]
async fn a_new_user_has_the_special_and_the_default_group() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let body = app
        .get_raw("/x/relation/tags", Some(&cookie_of(&alice)))
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "message": "0", "ttl": 1, "data": [
            {"tagid": -10, "name": "特别关注", "count": 0},
            {"tagid": 0, "name": "默认分组", "count": 0}
        ]})
    );
}

#[tokio::test]
async fn groups_are_created_renamed_listed_and_deleted() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    let classmates = alice
        .create_tag("我的同学")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let vup = alice.create_tag("vUP").await.unwrap().into_data().unwrap();
    assert!(vup.tagid > classmates.tagid && classmates.tagid > 0);
    assert_code(
        &alice
            .add_users_to_tags(&[bob_id], &[-10, classmates.tagid])
            .await
            .unwrap(),
        0,
    );
    let tags = alice.tags().await.unwrap().into_data().unwrap();
    let summary: Vec<(i64, &str, u64)> = tags
        .iter()
        .map(|t| (t.tagid, t.name.as_str(), t.count))
        .collect();
    assert_eq!(
        summary,
        vec![
            (-10, "特别关注", 1),
            (0, "默认分组", 1),
            (classmates.tagid, "我的同学", 1),
            (vup.tagid, "vUP", 0),
        ]
    );
    // Bob is special and in the group, in that order.
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!(relation.tag, Some(vec![-10, classmates.tagid]));
    assert_eq!(relation.special, 1);
    let body = app
        .get_raw(
            &format!("/x/relation/tag/user?fid={bob_id}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(
        serde_json::to_string(&body["data"]).unwrap(),
        format!(r#"{{"-10":"特别关注","{}":"我的同学"}}"#, classmates.tagid)
    );
    let special = alice.special().await.unwrap().into_data().unwrap();
    assert_eq!(special, vec![bob_id]);
    let special_page = alice.tag_members(-10, None, None).await.unwrap();
    let special_page = special_page.into_data().unwrap();
    assert_eq!(
        special_page.iter().map(|m| m.mid).collect::<Vec<_>>(),
        [bob_id]
    );
    let members = alice
        .tag_members(classmates.tagid, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(members.iter().map(|m| m.mid).collect::<Vec<_>>(), [bob_id]);
    let default = alice
        .tag_members(0, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        default.iter().map(|m| m.mid).collect::<Vec<_>>(),
        [carol_id]
    );

    assert_code(
        &alice.rename_tag(classmates.tagid, "膜法师").await.unwrap(),
        0,
    );
    let names = alice.user_tags(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!(
        names.get(&classmates.tagid.to_string()).map(String::as_str),
        Some("膜法师")
    );

    // Deleting the group: bob stays followed and special.
    assert_code(&alice.delete_tag(classmates.tagid).await.unwrap(), 0);
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!((relation.attribute, relation.tag), (2, Some(vec![-10])));
    let tags = alice.tags().await.unwrap().into_data().unwrap();
    assert_eq!(tags.len(), 3);
    // Deleting it again is harmless.
    assert_code(&alice.delete_tag(classmates.tagid).await.unwrap(), 0);
}

#[tokio::test]
async fn a_group_member_page_has_exactly_the_documented_fields() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    let tag = alice.create_tag("vUP").await.unwrap().into_data().unwrap();
    alice
        .add_users_to_tags(&[bob_id], &[tag.tagid])
        .await
        .unwrap();
    let body = app
        .get_raw(
            &format!("/x/relation/tag?tagid={}&ps=2&pn=1", tag.tagid),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(
        body["data"],
        json!([{
            "mid": bob_id,
            "uname": "bob",
            "face": format!("{}/bfs/face/member/noface.png", app.base),
            "sign": "",
            "official_verify": {"type": -1, "desc": ""},
            "vip": {
                "vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
                "label": {"path": ""}
            }
        }])
    );
}

#[tokio::test]
async fn putting_users_back_with_tagids_0_returns_them_to_the_default_group() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    let tag = alice.create_tag("vUP").await.unwrap().into_data().unwrap();
    alice
        .add_users_to_tags(&[bob_id], &[tag.tagid, -10])
        .await
        .unwrap();
    assert_code(&alice.add_users_to_tags(&[bob_id], &[0]).await.unwrap(), 0);
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!((relation.tag, relation.special), (None, 0));
    let names = alice.user_tags(bob_id).await.unwrap().into_data().unwrap();
    assert!(names.is_empty());
    let body = app
        .get_raw(
            &format!("/x/relation/followings?vmid={alice_id}"),
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(body["data"]["list"][0]["tag"], Value::Null);
    assert!(alice
        .special()
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn group_rules_answer_their_codes() {
    let app = spawn_app_with(|c| c.max_tags = 2).await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, QuietFollow).await;

    let long = alice.create_tag(&"字".repeat(17)).await.unwrap();
    assert_code(&long, 22103);
    assert_eq!(long.message, "分组名过长");
    let a = alice
        .create_tag(&"字".repeat(16))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let exists = alice.create_tag(&"字".repeat(16)).await.unwrap();
    assert_code(&exists, 22106);
    assert_eq!(exists.message, "该分组已经存在");
    assert_code(&alice.create_tag("特别关注").await.unwrap(), 22106);
    let b = alice.create_tag("b").await.unwrap().into_data().unwrap();
    let full = alice.create_tag("c").await.unwrap();
    assert_code(&full, 22102);
    assert_eq!(full.message, "分组数量超过限制");

    assert_code(&alice.rename_tag(a.tagid, "b").await.unwrap(), 22106);
    assert_code(
        &alice.rename_tag(a.tagid, &"x".repeat(17)).await.unwrap(),
        22103,
    );
    let missing = alice.rename_tag(999_999, "z").await.unwrap();
    assert_code(&missing, 22104);
    assert_eq!(missing.message, "该分组不存在");

    let not_following = alice
        .add_users_to_tags(&[carol_id], &[b.tagid])
        .await
        .unwrap();
    assert_code(&not_following, 22105);
    assert_eq!(not_following.message, "未关注");
    // All or nothing: bob is not grouped either.
    assert_code(
        &alice
            .add_users_to_tags(&[bob_id, carol_id], &[b.tagid])
            .await
            .unwrap(),
        22105,
    );
    assert_eq!(
        alice
            .relation(bob_id)
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .tag,
        None
    );
    assert_code(
        &alice
            .add_users_to_tags(&[bob_id], &[999_999])
            .await
            .unwrap(),
        22104,
    );
    let answer = app
        .get_raw("/x/relation/tag?tagid=999999", Some(&cookie_of(&alice)))
        .await;
    assert_eq!(
        answer,
        json!({"code": 22104, "message": "该分组不存在", "ttl": 1})
    );
}

#[tokio::test]
async fn someone_elses_group_is_not_yours() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, bob), (carol_id, _)) = three(&app).await;
    let bobs = bob.create_tag("bob's").await.unwrap().into_data().unwrap();
    act(&alice, carol_id, Follow).await;
    assert_code(
        &alice
            .add_users_to_tags(&[carol_id], &[bobs.tagid])
            .await
            .unwrap(),
        22104,
    );
    assert_code(&alice.rename_tag(bobs.tagid, "mine").await.unwrap(), 22104);
    assert_code(
        &alice.tag_members(bobs.tagid, None, None).await.unwrap(),
        22104,
    );
    assert_code(&alice.delete_tag(bobs.tagid).await.unwrap(), 0);
    let tags = bob.tags().await.unwrap().into_data().unwrap();
    assert_eq!(tags.len(), 3, "bob's group survives: {tags:?}");
    let _ = bob_id;
}

#[tokio::test]
async fn groups_do_not_survive_an_unfollow_and_a_refollow_starts_in_the_default_group() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, bob), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    let tag = alice.create_tag("vUP").await.unwrap().into_data().unwrap();
    alice
        .add_users_to_tags(&[bob_id], &[-10, tag.tagid])
        .await
        .unwrap();
    act(&alice, bob_id, Unfollow).await;
    act(&alice, bob_id, Follow).await;
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!((relation.tag, relation.special), (None, 0));
    let tags = alice.tags().await.unwrap().into_data().unwrap();
    let counts: Vec<u64> = tags.iter().map(|t| t.count).collect();
    assert_eq!(counts, vec![0, 1, 0]);

    // Nor a block by the followed user, nor a removal as a fan.
    alice
        .add_users_to_tags(&[bob_id], &[-10, tag.tagid])
        .await
        .unwrap();
    act(&bob, alice_id, RemoveFan).await;
    act(&alice, bob_id, Follow).await;
    assert_eq!(
        alice
            .relation(bob_id)
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .tag,
        None
    );
    alice.add_users_to_tags(&[bob_id], &[-10]).await.unwrap();
    act(&bob, alice_id, Block).await;
    assert!(alice
        .special()
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn copying_adds_groups_and_moving_swaps_them() {
    let app = spawn_app().await;
    let ((_, alice), (bob_id, _), (carol_id, _)) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    act(&alice, carol_id, Follow).await;
    let a = alice
        .create_tag("a")
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .tagid;
    let b = alice
        .create_tag("b")
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .tagid;
    alice.add_users_to_tags(&[bob_id], &[a]).await.unwrap();
    assert_code(
        &alice
            .copy_users_to_tags(&[bob_id, carol_id], &[-10])
            .await
            .unwrap(),
        0,
    );
    let tag_of = |r: sixin_api::relation::Relation| (r.tag, r.special);
    let bob = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!(tag_of(bob), (Some(vec![-10, a]), 1));
    let carol = alice.relation(carol_id).await.unwrap().into_data().unwrap();
    assert_eq!(tag_of(carol), (Some(vec![-10]), 1));

    assert_code(
        &alice
            .move_users_between_tags(&[bob_id], &[a, -10], &[b])
            .await
            .unwrap(),
        0,
    );
    let bob = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!(tag_of(bob), (Some(vec![b]), 0));
    assert_code(
        &alice
            .move_users_between_tags(&[bob_id], &[b], &[999_999])
            .await
            .unwrap(),
        22104,
    );
    act(&alice, carol_id, Unfollow).await;
    assert_code(
        &alice.copy_users_to_tags(&[carol_id], &[a]).await.unwrap(),
        22105,
    );
}

#[tokio::test]
async fn batch_modify_follows_or_blocks_each_and_lists_the_refused() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), (carol_id, carol)) = three(&app).await;
    act(&carol, alice_id, Block).await;
    let answer = alice
        .batch_modify_relation(&[bob_id, carol_id, alice_id, 987654], Follow)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(answer.failed_fids, vec![carol_id, alice_id, 987654]);
    assert_eq!(attribute(&alice, bob_id).await, 2);
    let blocked = alice
        .batch_modify_relation(&[bob_id], Block)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(blocked.failed_fids.is_empty());
    assert_eq!(attribute(&alice, bob_id).await, 128);
    assert_code(
        &alice
            .batch_modify_relation(&[bob_id], Unblock)
            .await
            .unwrap(),
        -400,
    );
}

// ---- authentication ---------------------------------------------------------

#[tokio::test]
async fn every_post_without_csrf_is_minus_111_without_cookies_minus_101_and_changes_nothing() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    let tag = alice.create_tag("keep").await.unwrap().into_data().unwrap();
    let posts = [
        (
            "/x/relation/modify",
            format!("fid={bob_id}&act=2&re_src=11"),
        ),
        (
            "/x/relation/modify",
            format!("fid={bob_id}&act=5&re_src=11"),
        ),
        ("/x/relation/tag/create", "tag=new".to_owned()),
        (
            "/x/relation/tag/update",
            format!("tagid={}&name=renamed", tag.tagid),
        ),
        ("/x/relation/tag/del", format!("tagid={}", tag.tagid)),
        (
            "/x/relation/tags/addUsers",
            format!("fids={bob_id}&tagids={}", tag.tagid),
        ),
        (
            "/x/relation/tags/copyUsers",
            format!("fids={bob_id}&tagids={}", tag.tagid),
        ),
        (
            "/x/relation/tags/moveUsers",
            format!("fids={bob_id}&beforeTagids=0&afterTagids={}", tag.tagid),
        ),
        ("/x/relation/batch/modify", format!("fids={bob_id}&act=5")),
    ];
    let form = "application/x-www-form-urlencoded";
    for (path, body) in &posts {
        let no_csrf = app
            .post_raw(path, Some(&cookie_of(&alice)), form, body.clone())
            .await;
        assert_eq!(
            no_csrf,
            json!({"code": -111, "message": "csrf校验失败", "ttl": 1}),
            "{path}"
        );
        let wrong_csrf = app
            .post_raw(
                path,
                Some(&cookie_of(&alice)),
                form,
                format!("{body}&csrf=0123456789abcdef0123456789abcdef"),
            )
            .await;
        assert_eq!(wrong_csrf["code"], -111, "{path}");
        let csrf = alice.cookies().unwrap().bili_jct.clone();
        let no_cookie = app
            .post_raw(path, None, form, format!("{body}&csrf={csrf}"))
            .await;
        assert_eq!(
            no_cookie,
            json!({"code": -101, "message": "账号未登录", "ttl": 1}),
            "{path}"
        );
    }
    let relation = alice.relation(bob_id).await.unwrap().into_data().unwrap();
    assert_eq!((relation.attribute, relation.tag), (2, None));
    let tags = alice.tags().await.unwrap().into_data().unwrap();
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["特别关注", "默认分组", "keep"]);
    let _ = alice_id;
}

#[tokio::test]
async fn own_only_queries_need_a_login() {
    let app = spawn_app().await;
    for path in [
        "/x/relation?fid=1",
        "/x/relation/relations?fids=1,2",
        "/x/relation/whispers",
        "/x/relation/friends",
        "/x/relation/blacks",
        "/x/relation/same/followings?vmid=1",
        "/x/relation/tags",
        "/x/relation/tag?tagid=0",
        "/x/relation/tag/user?fid=1",
        "/x/relation/tag/special",
    ] {
        let answer = app.get_raw(path, None).await;
        assert_eq!(
            answer,
            json!({"code": -101, "message": "账号未登录", "ttl": 1}),
            "{path}"
        );
    }
}

// ---- scale ------------------------------------------------------------------

/// Fills the database behind `app` with `n` users who all follow `star`,
/// directly (through HTTP this would take minutes).
fn add_fans(app: &TestApp, star: u64, n: u64) {
    let db = rusqlite::Connection::open(app.data_dir.join("sixin.db")).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    {
        let mut user = db
            .prepare("INSERT INTO users (mid, uname, created_at) VALUES (?1, ?2, 0)")
            .unwrap();
        let mut follow = db
            .prepare(
                "INSERT INTO relations (mid, fid, attribute, special, mtime, seq)
                 VALUES (?1, ?2, 2, 0, ?3, ?3)",
            )
            .unwrap();
        for i in 0..n {
            let mid = 1_000_000 + i as i64;
            user.execute(rusqlite::params![mid, format!("fan{i}")])
                .unwrap();
            follow
                .execute(rusqlite::params![mid, star as i64, 1_000 + i as i64])
                .unwrap();
        }
    }
    db.execute(
        "UPDATE relation_seq SET value = value + ?1 WHERE id = 1",
        [n as i64 + 1_000],
    )
    .unwrap();
    db.execute_batch("COMMIT").unwrap();
}

/// What a page holds on a large fan list; how fast it is answered is
/// measured by the benchmark, not asserted here.
#[tokio::test]
async fn pages_of_a_large_fan_list_hold_the_right_fans() {
    let app = spawn_app().await;
    let (star, _) = app.user("star").await;
    let fans = 20_000;
    add_fans(&app, star, fans);
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

#[tokio::test]
async fn post_parameters_in_the_query_string_are_accepted() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let jct = alice.cookies().unwrap().bili_jct.clone();
    let body = app
        .post_raw(
            &format!("/x/relation/modify?fid={b}&act=1&re_src=11&csrf={jct}"),
            Some(&cookie_of(&alice)),
            "application/x-www-form-urlencoded",
            "",
        )
        .await;
    assert_eq!(body, json!({"code": 0, "message": "0", "ttl": 1}));
    let relation = app
        .get_raw(&format!("/x/relation?fid={b}"), Some(&cookie_of(&alice)))
        .await;
    assert_eq!(relation["data"]["attribute"], 2);
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
