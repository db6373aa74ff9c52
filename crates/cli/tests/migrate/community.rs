//! The community the move test fills through HTTP, and what its users
//! see (every answer compared before and after the move).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sixin_api::admin::{CreateGroup, CreateUser, LoginCookies, SystemAccountInput};
use sixin_api::custom::HeartBeatQuery;
use sixin_api::message::request::{
    BlockWordForm, SetMsgDndForm, SetSettingsForm, UpdateInterceptForm,
};
use sixin_api::relation::Act;
use sixin_client::Client;

use crate::support::TOKEN;

/// Links the servers hand out start with this on both sides, so that the
/// two servers' answers can be compared as they are.
pub const PUBLIC_URL: &str = "http://im.example.test";

pub const PNG: &[u8] = include_bytes!("../../../server/assets/noface.png");

/// A user of the community: name, mid, the cookies of their session.
pub struct Member {
    pub name: &'static str,
    pub mid: u64,
    pub cookies: LoginCookies,
}

/// What the community left behind to check after the move.
pub struct Community {
    pub members: Vec<Member>,
    /// Each user's follow groups.
    pub tags: BTreeMap<u64, Vec<i64>>,
    pub image_path: String,
    pub file_path: String,
    pub qr_pending: String,
    pub qr_scanned: String,
    pub qr_confirmed: String,
    pub largest_msg_key: u64,
    /// A fan group and its members.
    pub group: u64,
    pub group_members: Vec<u64>,
}

pub fn client(base: &str, cookies: &LoginCookies) -> Client {
    Client::new(base).with_cookies(cookies.clone())
}

pub async fn ok<T: std::fmt::Debug>(what: &str, envelope: sixin_api::Envelope<T>) -> T {
    assert_eq!(envelope.code, 0, "{what}: {envelope:?}");
    envelope.data.unwrap_or_else(|| panic!("{what}: no data"))
}

pub fn done<T: std::fmt::Debug>(what: &str, envelope: sixin_api::Envelope<T>) {
    assert_eq!(envelope.code, 0, "{what}: {envelope:?}");
}

pub async fn post(client: &Client, path: &str, form: &impl serde::Serialize) -> Value {
    let answer = client
        .post_form::<Value, _>(path, form)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(answer.code, 0, "{path}: {answer:?}");
    answer.data.unwrap_or(Value::Null)
}

/// Fills a community through the HTTP API of the server at `base`.
pub async fn fill(base: &str) -> Community {
    let admin = Client::new(base).with_admin_token(TOKEN);
    let mut members = Vec::new();
    for (name, password, system) in [
        ("alice", Some("alice's password"), None),
        ("鲍勃", None, None),
        ("carol", None, None),
        (
            "shop",
            None,
            Some(SystemAccountInput {
                system_msg_type: 8,
                name: "客服小店".into(),
                pic_url: None,
            }),
        ),
    ] {
        let created = ok(
            "create user",
            admin
                .create_user(&CreateUser {
                    uname: name.into(),
                    password: password.map(str::to_owned),
                    sign: Some(format!("{name} 的签名")),
                    system,
                    ..CreateUser::default()
                })
                .await
                .unwrap(),
        )
        .await;
        let cookies = ok("session", admin.create_session(created.mid).await.unwrap()).await;
        members.push(Member {
            name,
            mid: created.mid,
            cookies,
        });
    }
    let (a, b, c, s) = (
        members[0].mid,
        members[1].mid,
        members[2].mid,
        members[3].mid,
    );
    let alice = client(base, &members[0].cookies);
    let bob = client(base, &members[1].cookies);
    let carol = client(base, &members[2].cookies);
    let shop = client(base, &members[3].cookies);
    // A second session of alice's, by password.
    let (logged_in, _) = Client::new(base)
        .login("alice", "alice's password")
        .await
        .unwrap();
    assert_eq!(logged_in.code, 0);

    // Relations: a mutual follow, a quiet follow, a block, groups.
    done(
        "follow",
        alice.modify_relation(b, Act::Follow).await.unwrap(),
    );
    done(
        "follow back",
        bob.modify_relation(a, Act::Follow).await.unwrap(),
    );
    done(
        "quiet",
        carol.modify_relation(a, Act::QuietFollow).await.unwrap(),
    );
    done("block", bob.modify_relation(c, Act::Block).await.unwrap());
    done(
        "follow shop",
        alice.modify_relation(s, Act::Follow).await.unwrap(),
    );
    let friends = ok("tag", alice.create_tag("朋友").await.unwrap())
        .await
        .tagid;
    let shops = ok("tag", alice.create_tag("shops").await.unwrap())
        .await
        .tagid;
    // The newest group deleted: new ones must not take its id again.
    let gone = ok("tag", alice.create_tag("gone").await.unwrap())
        .await
        .tagid;
    done("del tag", alice.delete_tag(gone).await.unwrap());
    done(
        "add to tags",
        alice
            .add_users_to_tags(&[b], &[friends, -10])
            .await
            .unwrap(),
    );
    done(
        "add to tags",
        alice.add_users_to_tags(&[s], &[shops]).await.unwrap(),
    );
    let mut tags = BTreeMap::new();
    tags.insert(a, vec![0, -10, friends, shops]);

    // Messages both ways, an emoji, a recall, an image, a stranger's.
    let mut largest_msg_key = 0;
    for (from, to, text) in [
        (&alice, b, "你好 [tv_doge]"),
        (&bob, a, "hi alice"),
        (&alice, b, "to be recalled"),
        (&bob, a, "转账 please"),
        (&carol, a, "a stranger's hello"),
        (&alice, s, "where is my parcel"),
        (&shop, a, "on its way"),
    ] {
        let sent = ok("send", from.send_text(to, text).await.unwrap()).await;
        largest_msg_key = largest_msg_key.max(sent.msg_key);
    }
    let history = ok(
        "history",
        alice
            .fetch_session_msgs(b, Some(50), None, None)
            .await
            .unwrap(),
    )
    .await;
    let recalled = history
        .messages
        .unwrap()
        .into_iter()
        .find(|m| m.content.contains("to be recalled"))
        .unwrap()
        .msg_key;
    let recall = ok("recall", alice.recall(b, recalled).await.unwrap()).await;
    largest_msg_key = largest_msg_key.max(recall.msg_key);
    let image = ok(
        "upload",
        alice.upload_image(PNG.to_vec(), "face.png").await.unwrap(),
    )
    .await;
    let content = json!({"url": image.image_url, "height": 96, "width": 96, "imageType": "png", "original": 1, "size": image.img_size}).to_string();
    let sent = ok(
        "image",
        alice
            .send_msg(&alice.message_to(b, 2, content))
            .await
            .unwrap(),
    )
    .await;
    largest_msg_key = largest_msg_key.max(sent.msg_key);
    let image_path = image.image_url.trim_start_matches(PUBLIC_URL).to_owned();

    // A fan group with a message mentioning its owner, read by the sender.
    let group = ok(
        "group",
        admin
            .create_group(&CreateGroup {
                owner: a,
                name: "粉丝团".into(),
                group_type: 2,
                ..CreateGroup::default()
            })
            .await
            .unwrap(),
    )
    .await
    .group_id;
    done(
        "members",
        admin.add_group_members(group, &[b, c]).await.unwrap(),
    );
    for (from, text, at) in [
        (&bob, "大家好 @alice", vec![a]),
        (&carol, "hello group", vec![]),
    ] {
        let sent = ok(
            "group send",
            from.send_group_text(group, text, &at).await.unwrap(),
        )
        .await;
        largest_msg_key = largest_msg_key.max(sent.msg_key);
    }

    // A customer-service file and a heartbeat.
    let file = ok(
        "file",
        shop.upload_file(
            reqwest::multipart::Part::bytes(b"invoice 42".to_vec()).file_name("invoice.txt"),
            "invoice.txt",
            s,
        )
        .await
        .unwrap(),
    )
    .await;
    let file_path = file.url.trim_start_matches(PUBLIC_URL).to_owned();
    done(
        "heartbeat",
        alice
            .heart_beat(&HeartBeatQuery {
                shop_id: Some(7),
                shop_father_id: Some(3),
                build: Some(0),
                mobi_app: Some("web".into()),
            })
            .await
            .unwrap(),
    );

    // Sessions: read, pinned, intercepted, removed, do not disturb.
    done("ack", bob.update_ack(a, 1).await.unwrap());
    done("top", alice.set_top(b, true).await.unwrap());
    done("remove", alice.remove_session(c).await.unwrap());
    post(
        &alice,
        "/session_svr/v1/session_svr/update_intercept",
        &UpdateInterceptForm {
            talker_id: s,
            status: 0,
        },
    )
    .await;
    post(
        &bob,
        "/link_setting/v1/link_setting/set_msg_dnd",
        &SetMsgDndForm {
            setting: 1,
            dnd_uid: Some(a),
            dnd_group_id: None,
        },
    )
    .await;
    // Settings and block words.
    post(
        &carol,
        "/link_setting/v1/link_setting/set",
        &SetSettingsForm([("receive_unfollow_msg".to_owned(), "0".to_owned())].into()),
    )
    .await;
    for word in ["Spam", "广告"] {
        post(
            &bob,
            "/x/im/link_setting/add_block_word",
            &BlockWordForm {
                content: word.into(),
                ..BlockWordForm::default()
            },
        )
        .await;
    }

    // QR logins: one waiting, one scanned, one confirmed and not yet redeemed.
    let anonymous = Client::new(base);
    let mut keys = Vec::new();
    for _ in 0..3 {
        keys.push(
            ok("qr", anonymous.qr_generate().await.unwrap())
                .await
                .qrcode_key,
        );
    }
    done("scan", carol.qr_scan(&keys[1]).await.unwrap());
    done("approve", carol.approve_qr_login(&keys[2]).await.unwrap());

    Community {
        members,
        tags,
        image_path,
        file_path,
        qr_pending: keys[0].clone(),
        qr_scanned: keys[1].clone(),
        qr_confirmed: keys[2].clone(),
        largest_msg_key,
        group,
        group_members: vec![a, b, c],
    }
}

pub async fn get(base: &str, path: &str, cookie: Option<&LoginCookies>) -> Value {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(cookies) = cookie {
        request = request.header("Cookie", cookies.cookie_header());
    }
    if path.starts_with("/admin/") {
        request = request.bearer_auth(TOKEN);
    }
    let response = request.send().await.unwrap();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {text}"))
}

/// What every user sees, and the admin: answers by request.
pub async fn views(base: &str, community: &Community) -> BTreeMap<String, Value> {
    let mut views = BTreeMap::new();
    for admin_path in [
        "/admin/v1/system-accounts".to_owned(),
        "/admin/v1/emotes".to_owned(),
        "/admin/v1/keyword-rules".to_owned(),
        "/admin/v1/presence?within_secs=86400".to_owned(),
        format!("/admin/v1/groups/{}", community.group),
    ]
    .into_iter()
    .chain(
        community
            .members
            .iter()
            .map(|m| format!("/admin/v1/users/{}", m.mid)),
    ) {
        views.insert(admin_path.clone(), get(base, &admin_path, None).await);
    }
    for member in &community.members {
        let u = member.mid;
        let mut paths = vec![
            "/x/web-interface/nav".to_owned(),
            "/x/space/myinfo".to_owned(),
            "/session_svr/v1/session_svr/get_sessions?session_type=1&size=50".to_owned(),
            "/session_svr/v1/session_svr/get_sessions?session_type=4&size=50".to_owned(),
            "/session_svr/v1/session_svr/new_sessions?begin_ts=0&size=50".to_owned(),
            "/session_svr/v1/session_svr/single_unread?unread_type=0&show_dustbin=1".to_owned(),
            format!("/x/relation/followings?vmid={u}&ps=50"),
            format!("/x/relation/followers?vmid={u}&ps=50"),
            format!("/x/relation/fans?vmid={u}&ps=50"),
            "/x/relation/followers/unread/count".to_owned(),
            "/x/relation/blacks?ps=50".to_owned(),
            "/x/relation/whispers".to_owned(),
            "/x/relation/friends".to_owned(),
            "/x/relation/tags".to_owned(),
            "/x/relation/tag/special".to_owned(),
            format!("/x/relation/stat?vmid={u}"),
            "/link_setting/v1/link_setting/get?msg_notify=1&show_unfollowed_msg=1".to_owned(),
            "/x/im/link_setting/get_block_words?build=0&mobi_app=web".to_owned(),
            format!("/link_setting/v1/link_setting/is_limit?uid={u}"),
        ];
        if community.group_members.contains(&u) {
            let g = community.group;
            paths.push(format!(
                "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={g}&session_type=2&size=100"
            ));
            paths.push(format!(
                "/session_svr/v1/session_svr/session_detail?talker_id={g}&session_type=2"
            ));
            paths.push(
                "/session_svr/v1/session_svr/my_group_unread?build=0&mobi_app=web".to_owned(),
            );
        }
        for tag in community.tags.get(&u).into_iter().flatten() {
            paths.push(format!("/x/relation/tag?tagid={tag}&ps=50"));
        }
        for talker in community.members.iter().filter(|t| t.mid != u) {
            let t = talker.mid;
            paths.push(format!(
                "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={t}&session_type=1&size=100"
            ));
            paths.push(format!(
                "/session_svr/v1/session_svr/session_detail?talker_id={t}&session_type=1"
            ));
            paths.push(format!("/x/relation?fid={t}"));
            paths.push(format!(
                "/link_setting/v1/link_setting/get_msg_dnd?uids={t}"
            ));
            paths.push(format!(
                "/link_setting/v1/link_setting/get_session_ss?talker_uid={t}"
            ));
        }
        for path in paths {
            let answer = get(base, &path, Some(&member.cookies)).await;
            views.insert(format!("{} {path}", member.name), answer);
        }
    }
    views
}
