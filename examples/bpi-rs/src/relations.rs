//! Every act of `/x/relation/modify` and every follow-group operation, each
//! read back through the counts and the lists.

use bpi_rs::ids::Mid;
use bpi_rs::user::relation::{
    RelationAction, RelationSource, UserGroupCreateParams, UserGroupDeleteParams,
    UserGroupMoveUsersParams, UserGroupUpdateParams, UserGroupUsersParams,
    UserModifyRelationParams,
};
use bpi_rs::user::{UserFollowersParams, UserFollowingsParams, UserRelationStatParams};
use bpi_rs::{BpiClient, BpiError};

use crate::{failed, Outcome};

/// Every act of `/x/relation/modify`, each read back.
pub async fn relations(
    alice: &BpiClient,
    bob: &BpiClient,
    carol: &BpiClient,
    a: u64,
    b: u64,
    c: u64,
) -> Outcome {
    // ANCHOR: follow
    let follow = UserModifyRelationParams::new(b, RelationAction::Follow)
        .map_err(failed("modify params"))?
        .source(RelationSource::Space);
    alice
        .user()
        .modify_relation(follow)
        .await
        .map_err(failed("user.modify_relation"))?;
    // ANCHOR_END: follow
    expect_stat(alice, a, [1, 0, 0, 0]).await?;
    expect_stat(bob, b, [0, 0, 0, 1]).await?;

    // ANCHOR: followers
    let params = UserFollowersParams::new(Mid::new(b).map_err(failed("mid"))?);
    let fans = bob
        .user()
        .followers(params)
        .await
        .map_err(failed("user.followers"))?;
    // ANCHOR_END: followers
    let mids: Vec<u64> = fans.list.iter().map(|f| f.mid.get()).collect();
    ensure!(
        mids == [a] && fans.total == 1 && fans.list[0].attribute == 0,
        "fans of bob: {fans:?}"
    );
    let followings = followings_of(alice, a).await?;
    ensure!(
        followings
            .iter()
            .map(|f| (f.mid.get(), f.attribute))
            .eq([(b, 2)]),
        "followings of alice: {followings:?}"
    );
    println!("act 1 (follow): ok; stat, fans, followings");
    strict_relation_types(alice, bob, a, b).await?;

    act(alice, c, RelationAction::Whisper).await?;
    expect_stat(alice, a, [1, 1, 0, 0]).await?;
    ensure!(
        followings_of(alice, a).await?.len() == 1,
        "a quiet follow is listed in followings"
    );
    act(alice, c, RelationAction::Unwhisper).await?;
    expect_stat(alice, a, [1, 0, 0, 0]).await?;
    println!("acts 3, 4 (quiet follow, undo): ok");

    act(alice, c, RelationAction::Blacklist).await?;
    expect_stat(alice, a, [1, 0, 1, 0]).await?;
    act(alice, c, RelationAction::Unblacklist).await?;
    expect_stat(alice, a, [1, 0, 0, 0]).await?;
    // ANCHOR: refused
    act(carol, a, RelationAction::Blacklist).await?;
    let follow = UserModifyRelationParams::new(c, RelationAction::Follow)
        .map_err(failed("modify params"))?;
    match alice.user().modify_relation(follow).await {
        Err(refusal) if refusal.code() == Some(22003) => println!("refused: {refusal}"),
        other => return Err(format!("following someone who blocks you: {other:?}")),
    }
    // ANCHOR_END: refused
    act(carol, a, RelationAction::Unblacklist).await?;
    println!("acts 5, 6 (block, unblock): ok; 22003 when blocked");

    act(carol, a, RelationAction::Follow).await?;
    expect_stat(alice, a, [1, 0, 0, 1]).await?;
    act(alice, c, RelationAction::KickFan).await?;
    expect_stat(alice, a, [1, 0, 0, 0]).await?;
    expect_stat(carol, c, [0, 0, 0, 0]).await?;
    println!("act 7 (remove a fan): ok");

    act(alice, b, RelationAction::Unfollow).await?;
    expect_stat(alice, a, [0, 0, 0, 0]).await?;
    act(alice, b, RelationAction::Follow).await?;
    println!("act 2 (unfollow): ok");
    Ok(())
}

/// bpi-rs also has stricter models of the same answers, which its methods do
/// not return (`user::relation::*`, `user::status_number`): the answers must
/// decode into those too, through bpi-rs's own request and envelope code.
async fn strict_relation_types(alice: &BpiClient, bob: &BpiClient, a: u64, b: u64) -> Outcome {
    use bpi_rs::user::relation::{followers, following, following_group};
    use bpi_rs::user::status_number::RelationStatResponseData;
    use bpi_rs::BilibiliRequest;

    const API: &str = "https://api.bilibili.com/x/relation";
    let fans: followers::FansListResponseData = bob
        .get(&format!("{API}/fans"))
        .query(&[("vmid", b)])
        .send_bpi_payload("fans (strict)")
        .await
        .map_err(failed("fans as FansListResponseData"))?;
    ensure!(
        fans.list.len() == 1 && fans.list[0].mid == a && fans.offset.contains(':'),
        "fans (strict): {fans:?}"
    );
    let followings: following::FollowingListResponseData = alice
        .get(&format!("{API}/followings"))
        .query(&[("vmid", a)])
        .send_bpi_payload("followings (strict)")
        .await
        .map_err(failed("followings as FollowingListResponseData"))?;
    ensure!(
        followings.list.len() == 1 && followings.list[0].mid == b && followings.list[0].mtime > 0,
        "followings (strict): {followings:?}"
    );
    let tags: Vec<following_group::FollowTag> = alice
        .get(&format!("{API}/tags"))
        .send_bpi_payload("tags (strict)")
        .await
        .map_err(failed("tags as Vec<FollowTag>"))?;
    ensure!(
        tags.iter()
            .map(|t| (t.tagid, t.count))
            .eq([(-10, 0), (0, 1)]),
        "tags (strict): {tags:?}"
    );
    let stat: RelationStatResponseData = alice
        .get(&format!("{API}/stat"))
        .query(&[("vmid", a)])
        .send_bpi_payload("stat (strict)")
        .await
        .map_err(failed("stat as RelationStatResponseData"))?;
    ensure!(
        (stat.mid, stat.following) == (a, 1),
        "stat (strict): {stat:?}"
    );
    println!("strict models (fans, followings, tags, stat): ok");
    Ok(())
}

async fn act(client: &BpiClient, fid: u64, action: RelationAction) -> Outcome {
    let params = UserModifyRelationParams::new(fid, action).map_err(failed("modify params"))?;
    client
        .user()
        .modify_relation(params)
        .await
        .map_err(failed("user.modify_relation"))?;
    Ok(())
}

/// `/x/relation/stat` of `mid` as themselves: following, whisper, black, follower.
async fn expect_stat(client: &BpiClient, mid: u64, expected: [u64; 4]) -> Outcome {
    let params = UserRelationStatParams::new(Mid::new(mid).map_err(failed("mid"))?);
    let stat = client
        .user()
        .relation_stat(params)
        .await
        .map_err(failed("user.relation_stat"))?;
    let seen = [stat.following, stat.whisper, stat.black, stat.follower];
    ensure!(
        stat.mid.get() == mid && seen == expected,
        "stat of {mid}: [following, whisper, black, follower] = {seen:?}, expected {expected:?}"
    );
    Ok(())
}

async fn followings_of(client: &BpiClient, mid: u64) -> Outcome<Vec<bpi_rs::user::UserFollowing>> {
    let params = UserFollowingsParams::new(Mid::new(mid).map_err(failed("mid"))?);
    let page = client
        .user()
        .followings(params)
        .await
        .map_err(failed("user.followings"))?;
    ensure!(
        page.total == page.list.len() as u64,
        "followings of {mid}: total {} for {} entries",
        page.total,
        page.list.len()
    );
    Ok(page.list)
}

/// Every follow-group operation, on alice's follow of bob.
pub async fn groups(alice: &BpiClient, a: u64, b: u64) -> Outcome {
    let tags = alice
        .user()
        .follow_tags()
        .await
        .map_err(failed("user.follow_tags"))?;
    let built_in: Vec<(i64, &str)> = tags.iter().map(|t| (t.id, t.name.as_str())).collect();
    ensure!(
        built_in == [(-10, "特别关注"), (0, "默认分组")],
        "tags: {tags:?}"
    );

    // ANCHOR: groups
    let user = alice.user();
    let friends = user
        .create_group_tag(UserGroupCreateParams::new("朋友").map_err(failed("group params"))?)
        .await
        .map_err(failed("user.group.create"))?
        .tagid;
    let rename = UserGroupUpdateParams::new(friends, "好友").map_err(failed("group params"))?;
    user.update_group_tag(rename)
        .await
        .map_err(failed("user.group.update"))?;
    let add = UserGroupUsersParams::new(&[b], &[friends]).map_err(failed("group params"))?;
    user.add_group_users_to_tags(add)
        .await
        .map_err(failed("user.group.users.add"))?;
    // ANCHOR_END: groups
    let colleagues = create_group(alice, "同事").await?;
    let classmates = create_group(alice, "同学").await?;
    expect_tags(alice, a, b, &[friends]).await?;
    let names = alice
        .user()
        .follow_tags()
        .await
        .map_err(failed("user.follow_tags"))?;
    ensure!(
        names
            .iter()
            .any(|t| t.id == friends && t.name == "好友" && t.count == 1),
        "tags after renaming and adding: {names:?}"
    );
    println!("tag/create, tag/update, tags/addUsers: ok");

    let copy = UserGroupUsersParams::new(&[b], &[colleagues]).map_err(failed("group params"))?;
    user_call(
        alice.user().copy_group_users_to_tags(copy).await,
        "user.group.users.copy",
    )?;
    expect_tags(alice, a, b, &[friends, colleagues]).await?;
    let moving = UserGroupMoveUsersParams::new(&[b], &[friends], &[classmates])
        .map_err(failed("group params"))?;
    user_call(
        alice.user().move_group_users_to_tags(moving).await,
        "user.group.users.move",
    )?;
    expect_tags(alice, a, b, &[colleagues, classmates]).await?;
    println!("tags/copyUsers, tags/moveUsers: ok");

    let back = UserGroupUsersParams::remove_from_all(&[b]).map_err(failed("group params"))?;
    user_call(
        alice.user().remove_group_users(back).await,
        "user.group.users.remove",
    )?;
    expect_tags(alice, a, b, &[]).await?;
    for tag in [friends, colleagues, classmates] {
        let delete = UserGroupDeleteParams::new(tag).map_err(failed("group params"))?;
        user_call(
            alice.user().delete_group_tag(delete).await,
            "user.group.delete",
        )?;
    }
    let left = alice
        .user()
        .follow_tags()
        .await
        .map_err(failed("user.follow_tags"))?;
    ensure!(
        left.iter().map(|t| t.id).eq([-10, 0]) && left[1].count == 1,
        "tags after deleting: {left:?}"
    );
    println!("tags/addUsers 0 (back to the default group), tag/del: ok");
    Ok(())
}

async fn create_group(client: &BpiClient, name: &str) -> Outcome<i64> {
    let params = UserGroupCreateParams::new(name).map_err(failed("group params"))?;
    let created = client
        .user()
        .create_group_tag(params)
        .await
        .map_err(failed("user.group.create"))?;
    ensure!(
        created.tagid > 0,
        "tag/create {name}: tagid {}",
        created.tagid
    );
    Ok(created.tagid)
}

fn user_call<T>(result: Result<T, BpiError>, call: &'static str) -> Outcome {
    result.map(drop).map_err(failed(call))
}

/// The groups alice's follow of `b` is in, as her followings list shows them
/// (`null` for the default group).
async fn expect_tags(alice: &BpiClient, a: u64, b: u64, expected: &[i64]) -> Outcome {
    let followings = followings_of(alice, a).await?;
    let entry = followings
        .iter()
        .find(|f| f.mid.get() == b)
        .ok_or(format!("{b} not in the followings of {a}"))?;
    let mut seen: Vec<i64> = entry.tag.iter().flatten().map(|&t| t as i64).collect();
    let mut expected = expected.to_vec();
    seen.sort_unstable();
    expected.sort_unstable();
    ensure!(
        seen == expected && (expected.is_empty() == entry.tag.is_none()),
        "groups of {b}: tag {:?}, expected {expected:?}",
        entry.tag
    );
    Ok(())
}
