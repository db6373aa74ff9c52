//! `POST /x/relation/modify`: every act, what it does to both sides, and
//! the codes of its rules and limits.

use serde_json::{json, Value};
use sixin_client::RelationAct::{
    Block, Follow, QuietFollow, QuietUnfollow, RemoveFan, Unblock, Unfollow,
};
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{
    act, assert_code, attribute, cookie_of, follower_mids, spawn_app, spawn_app_with, three,
};

/// The mids on the first page of `vmid`'s followings, as `client` sees them.
async fn following_mids(client: &Client, vmid: u64) -> Vec<u64> {
    let list = client.followings(vmid, None, None).await.unwrap();
    list.into_data()
        .unwrap()
        .list
        .iter()
        .map(|e| e.mid)
        .collect()
}

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
    for (body, why) in [
        (
            format!("fid={bob_id}&act=8&csrf={csrf}"),
            "act must be 1 to 7, not 8",
        ),
        (
            format!("fid={bob_id}&act=0&csrf={csrf}"),
            "act must be 1 to 7, not 0",
        ),
        (
            format!("fid={bob_id}&act=follow&csrf={csrf}"),
            "act must be an integer",
        ),
        (format!("fid={bob_id}&csrf={csrf}"), "act is required"),
        (
            format!("fid=abc&act=1&csrf={csrf}"),
            "fid must be a user mid",
        ),
        (format!("act=1&csrf={csrf}"), "fid is required"),
        (format!("fid=0&act=1&csrf={csrf}"), "fid must be a user mid"),
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
            json!({"code": -400, "message": format!("请求错误: {why}"), "ttl": 1}),
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
