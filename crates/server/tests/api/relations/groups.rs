//! Follow groups (tags): the special and default groups, creating, renaming,
//! deleting, adding, copying and moving users, and the codes of their rules.

use serde_json::{json, Value};
use sixin_client::EnvelopeExt;
use sixin_client::RelationAct::{Block, Follow, QuietFollow, RemoveFan, Unfollow};

use crate::helpers::{act, assert_code, cookie_of, spawn_app, spawn_app_with, three};

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
            {"tagid": -10, "name": "特别关注", "count": 0,
             "tip": "第一时间收到该分组下用户更新稿件的通知"},
            {"tagid": 0, "name": "默认分组", "count": 0, "tip": ""}
        ]})
    );
    assert_eq!(
        body["data"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["tagid", "name", "count", "tip"]
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
    // Deleting it again: it is not there (22104, as renaming it would be).
    assert_code(&alice.delete_tag(classmates.tagid).await.unwrap(), 22104);
    assert_code(
        &alice.rename_tag(classmates.tagid, "again").await.unwrap(),
        22104,
    );
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
    let expected = json!([{
        "mid": bob_id,
        "attribute": 0,
        "tag": null,
        "special": 0,
        "contract_info": {},
        "uname": "bob",
        "face": format!("{}/bfs/face/member/noface.png", app.base),
        "sign": "",
        "face_nft": 0,
        "official_verify": {"type": -1, "desc": ""},
        "vip": {
            "vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
            "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
            "label": {"path": ""}
        },
        "live": {"live_status": 0, "jump_url": ""},
        "nft_icon": "",
        "rec_reason": "",
        "track_id": "",
        "follow_time": ""
    }]);
    assert_eq!(body["data"], expected);
    assert_eq!(
        body["data"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        expected[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        "in the document's order"
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
    // Deleting it answers as renaming it does: no such group of hers.
    assert_code(&alice.delete_tag(bobs.tagid).await.unwrap(), 22104);
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
