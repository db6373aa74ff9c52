//! Golden transcript: every relation endpoint, successes and errors.

use super::{As, Recorder};
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn relations_transcript() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    let (d, _dave) = app.user("dave").await;
    let (a, b, c, d) = (a.to_string(), b.to_string(), c.to_string(), d.to_string());
    let mut rec = Recorder::new(&app, "relations");
    let modify = "/x/relation/modify";

    rec.note("modify: every act and its refusals");
    rec.post(
        modify,
        As::User(&alice),
        &[("fid", &b), ("act", "1"), ("re_src", "11")],
    )
    .await;
    rec.post(modify, As::User(&alice), &[("fid", &b), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &a), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", "999"), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &b), ("act", "9")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", "0"), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("act", "1")]).await;
    rec.post(modify, As::UserNoCsrf(&alice), &[("fid", &b), ("act", "1")])
        .await;
    rec.post(modify, As::Nobody, &[("fid", &b), ("act", "1")])
        .await;
    rec.post(modify, As::User(&bob), &[("fid", &a), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &c), ("act", "3")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &c), ("act", "3")])
        .await;
    rec.post(modify, As::User(&carol), &[("fid", &a), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "5")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "5")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "6")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "6")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "2")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &d), ("act", "4")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &c), ("act", "7")])
        .await;
    rec.post(&format!("{modify}?fid={d}&act=1"), As::User(&alice), &[])
        .await;

    rec.note("batch modify");
    let batch = "/x/relation/batch/modify";
    rec.post(
        batch,
        As::User(&carol),
        &[("fids", &format!("{a},{b},{c},999")), ("act", "1")],
    )
    .await;
    rec.post(batch, As::User(&carol), &[("fid", &d), ("act", "5")])
        .await;
    rec.post(batch, As::User(&carol), &[("fids", &d), ("act", "2")])
        .await;
    rec.post(batch, As::User(&carol), &[("fids", "x"), ("act", "1")])
        .await;

    rec.note("relations of one and of many");
    rec.get(&format!("/x/relation?fid={b}"), As::User(&alice))
        .await;
    rec.get(&format!("/x/relation?fid={c}"), As::User(&alice))
        .await;
    rec.get(&format!("/x/relation?fid={d}"), As::User(&carol))
        .await;
    rec.get(&format!("/x/relation?fid={b}"), As::Nobody).await;
    rec.get("/x/relation", As::User(&alice)).await;
    rec.get(
        &format!("/x/relation/relations?fids={b},{c},{d},{b}"),
        As::User(&alice),
    )
    .await;
    rec.get(&format!("/x/relation/relations?fid={c}"), As::User(&carol))
        .await;
    for path in [
        "/x/space/wbi/acc/relation",
        "/x/space/acc/relation",
        "/x/web-interface/relation",
    ] {
        rec.get(&format!("{path}?mid={b}"), As::User(&alice)).await;
    }
    rec.get(
        &format!("/x/space/wbi/acc/relation?mid={a}"),
        As::User(&carol),
    )
    .await;
    rec.get(&format!("/x/space/wbi/acc/relation?mid={b}"), As::Nobody)
        .await;

    rec.note("lists");
    for who in [As::User(&alice), As::User(&bob), As::Nobody] {
        rec.get(&format!("/x/relation/followings?vmid={a}"), who)
            .await;
        rec.get(&format!("/x/relation/followers?vmid={a}"), who)
            .await;
    }
    rec.get(
        &format!("/x/relation/followings?vmid={a}&ps=1&pn=2"),
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings?vmid={a}&pn=6"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings?vmid={a}&pn=6"),
        As::User(&alice),
    )
    .await;
    rec.get("/x/relation/followings", As::User(&alice)).await;
    rec.get("/x/relation/followings?vmid=abc", As::User(&alice))
        .await;
    rec.get(
        &format!("/x/relation/same/followings?vmid={c}"),
        As::User(&alice),
    )
    .await;
    rec.get(&format!("/x/relation/same/followings?vmid={c}"), As::Nobody)
        .await;
    rec.get("/x/relation/whispers", As::User(&alice)).await;
    rec.get("/x/relation/whispers?ps=1&pn=1", As::User(&carol))
        .await;
    rec.get("/x/relation/friends", As::User(&alice)).await;
    rec.get("/x/relation/blacks", As::User(&carol)).await;
    rec.get("/x/relation/blacks", As::Nobody).await;
    rec.get(&format!("/x/relation/stat?vmid={a}"), As::User(&alice))
        .await;
    rec.get(&format!("/x/relation/stat?vmid={a}"), As::Nobody)
        .await;
    rec.get("/x/relation/stat", As::Nobody).await;

    rec.note("groups");
    rec.get("/x/relation/tags", As::User(&alice)).await;
    let created = rec
        .post(
            "/x/relation/tag/create",
            As::User(&alice),
            &[("tag", "同学")],
        )
        .await;
    let tagid = created["data"]["tagid"].as_i64().unwrap().to_string();
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", "同学")],
    )
    .await;
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", "特别关注")],
    )
    .await;
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", &"长".repeat(17))],
    )
    .await;
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", "a\tb")],
    )
    .await;
    rec.post("/x/relation/tag/create", As::User(&alice), &[("tag", "  ")])
        .await;
    let other = rec
        .post(
            "/x/relation/tag/create",
            As::User(&alice),
            &[("tag", "朋友")],
        )
        .await;
    let other = other["data"]["tagid"].as_i64().unwrap().to_string();
    rec.post(
        "/x/relation/tag/update",
        As::User(&alice),
        &[("tagid", &tagid), ("name", "老同学")],
    )
    .await;
    rec.post(
        "/x/relation/tag/update",
        As::User(&alice),
        &[("tagid", &tagid), ("name", "朋友")],
    )
    .await;
    rec.post(
        "/x/relation/tag/update",
        As::User(&bob),
        &[("tagid", &tagid), ("name", "x")],
    )
    .await;
    rec.post(
        "/x/relation/tags/addUsers",
        As::User(&alice),
        &[("fids", &b), ("tagids", &format!("-10,{tagid}"))],
    )
    .await;
    rec.post(
        "/x/relation/tags/addUsers",
        As::User(&alice),
        &[("fids", &c), ("tagids", &tagid)],
    )
    .await;
    rec.post(
        "/x/relation/tags/addUsers",
        As::User(&alice),
        &[("fids", &b), ("tagids", "424242")],
    )
    .await;
    rec.get("/x/relation/tags", As::User(&alice)).await;
    rec.get(&format!("/x/relation/tag?tagid={tagid}"), As::User(&alice))
        .await;
    rec.get("/x/relation/tag?tagid=-10", As::User(&alice)).await;
    rec.get("/x/relation/tag?tagid=0", As::User(&alice)).await;
    rec.get("/x/relation/tag?tagid=-20", As::User(&alice)).await;
    rec.get("/x/relation/tag?tagid=424242", As::User(&alice))
        .await;
    rec.get(&format!("/x/relation/tag/user?fid={b}"), As::User(&alice))
        .await;
    rec.get(&format!("/x/relation/tag/user?fid={d}"), As::User(&alice))
        .await;
    rec.get("/x/relation/tag/special", As::User(&alice)).await;
    rec.post(
        "/x/relation/tags/copyUsers",
        As::User(&alice),
        &[("fids", &b), ("tagids", &other)],
    )
    .await;
    rec.get(
        &format!("/x/relation/followings?vmid={a}"),
        As::User(&alice),
    )
    .await;
    rec.post(
        "/x/relation/tags/moveUsers",
        As::User(&alice),
        &[("fids", &b), ("beforeTagids", &tagid), ("afterTagids", "0")],
    )
    .await;
    rec.get(&format!("/x/relation?fid={b}"), As::User(&alice))
        .await;
    rec.post(
        "/x/relation/tags/addUsers",
        As::User(&alice),
        &[("fids", &b), ("tagids", "0")],
    )
    .await;
    rec.get(&format!("/x/relation?fid={b}"), As::User(&alice))
        .await;
    rec.post(
        "/x/relation/tag/del",
        As::User(&alice),
        &[("tagid", &tagid)],
    )
    .await;
    rec.post("/x/relation/tag/del", As::User(&bob), &[("tagid", &other)])
        .await;
    rec.post("/x/relation/tag/del", As::User(&alice), &[("tagid", "x")])
        .await;
    rec.get("/x/relation/tags", As::User(&alice)).await;
    rec.get("/x/relation/tags", As::Nobody).await;

    rec.note("fans, new followers, searching followings");
    rec.get(&format!("/x/relation/fans?vmid={a}"), As::User(&alice))
        .await;
    let page = rec
        .get(&format!("/x/relation/fans?vmid={a}&ps=1"), As::User(&bob))
        .await;
    let offset = page["data"]["offset"].as_str().unwrap().to_owned();
    rec.get(
        &format!("/x/relation/fans?vmid={a}&ps=1&pn=7&offset={offset}"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/x/relation/fans?vmid={a}&offset=rcmd&from=main"),
        As::User(&bob),
    )
    .await;
    rec.get(&format!("/x/relation/fans?vmid={a}&pn=3"), As::User(&bob))
        .await;
    rec.get(&format!("/x/relation/fans?vmid={a}"), As::Nobody)
        .await;
    rec.get("/x/relation/fans?vmid=abc", As::User(&alice)).await;
    rec.get("/x/relation/followers/unread/count", As::User(&bob))
        .await;
    rec.get("/x/relation/followers/unread/count", As::User(&bob))
        .await;
    rec.get("/x/relation/followers/unread/count", As::Nobody)
        .await;
    rec.get(
        &format!("/x/relation/followings/search?vmid={a}&name=B"),
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings/search?vmid={a}"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings/search?vmid={a}&name=zzz"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings/search?vmid={a}&pn=6"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/x/relation/followings/search?vmid={a}"),
        As::Nobody,
    )
    .await;
    rec.get("/x/relation/followings/search", As::User(&alice))
        .await;
    rec.finish();
}

#[tokio::test]
async fn relation_limits_transcript() {
    let app = spawn_app_with(|c| {
        c.max_followings = 1;
        c.max_blacklist = 1;
        c.max_tags = 1;
    })
    .await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let (c, _) = app.user("carol").await;
    let (b, c) = (b.to_string(), c.to_string());
    let mut rec = Recorder::new(&app, "relation_limits");
    let modify = "/x/relation/modify";
    rec.post(modify, As::User(&alice), &[("fid", &b), ("act", "3")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &c), ("act", "1")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &b), ("act", "5")])
        .await;
    rec.post(modify, As::User(&alice), &[("fid", &c), ("act", "5")])
        .await;
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", "one")],
    )
    .await;
    rec.post(
        "/x/relation/tag/create",
        As::User(&alice),
        &[("tag", "two")],
    )
    .await;
    rec.finish();
}
