//! Login and csrf on the relation family: every POST needs both, own-only
//! queries need a login, and POST parameters (csrf too) may come in the
//! query string.

use serde_json::json;
use sixin_api::relation::request::{
    BatchModifyForm, CreateTagForm, DeleteTagForm, ModifyForm, MoveUsersForm, TagUsersForm,
    UpdateTagForm,
};
use sixin_client::EnvelopeExt;
use sixin_client::RelationAct::{self, Block, Follow, Unfollow};

use crate::helpers::{act, cookie_of, encode, spawn_app, three};

#[tokio::test]
async fn every_post_without_csrf_is_minus_111_without_cookies_minus_101_and_changes_nothing() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), _) = three(&app).await;
    act(&alice, bob_id, Follow).await;
    let tag = alice.create_tag("keep").await.unwrap().into_data().unwrap();
    let modify = |act: RelationAct| ModifyForm {
        fid: bob_id,
        act: act.code(),
        re_src: Some("11".into()),
    };
    let to_tag = TagUsersForm {
        fids: vec![bob_id].into(),
        tagids: vec![tag.tagid].into(),
    };
    let posts = [
        ("/x/relation/modify", encode(&modify(Unfollow))),
        ("/x/relation/modify", encode(&modify(Block))),
        (
            "/x/relation/tag/create",
            encode(&CreateTagForm { tag: "new".into() }),
        ),
        (
            "/x/relation/tag/update",
            encode(&UpdateTagForm {
                tagid: tag.tagid,
                name: "renamed".into(),
            }),
        ),
        (
            "/x/relation/tag/del",
            encode(&DeleteTagForm { tagid: tag.tagid }),
        ),
        ("/x/relation/tags/addUsers", encode(&to_tag)),
        ("/x/relation/tags/copyUsers", encode(&to_tag)),
        (
            "/x/relation/tags/moveUsers",
            encode(&MoveUsersForm {
                before_tagids: vec![0].into(),
                after_tagids: vec![tag.tagid].into(),
                fids: vec![bob_id].into(),
            }),
        ),
        (
            "/x/relation/batch/modify",
            encode(&BatchModifyForm {
                fids: vec![bob_id].into(),
                act: Block.code(),
                re_src: None,
            }),
        ),
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
