//! The bulk loader (`store::bulk`, behind `sixin bench --preload-…`): a
//! community it writes reads back through the API exactly like the same
//! community made by real follows and sends, times and keys aside.

use std::time::Duration;

use serde_json::Value;
use sixin_api::admin::CreateUser;
use sixin_client::{Client, EnvelopeExt, RelationAct};
use sixin_server::store::bulk::{load_sqlite, Community};

use crate::helpers::{spawn_app, TestApp};

fn community() -> Community {
    Community {
        users: 8,
        uname_prefix: "bulk_".into(),
        star_fans: 3,
        pairs: 2,
        messages_per_pair: 5,
        now_secs: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    }
}

/// The same story through the API, in the loader's order.
async fn made_by_hand(app: &TestApp, c: &Community) {
    for mid in 1..=c.users {
        let created = app
            .admin
            .create_user(&CreateUser {
                mid: Some(mid),
                uname: format!("{}{mid}", c.uname_prefix),
                ..CreateUser::default()
            })
            .await
            .unwrap();
        assert_eq!(created.code, 0, "{created:?}");
    }
    for fan in 2..=c.star_fans + 1 {
        let answer = app
            .login_as(fan)
            .await
            .modify_relation(1, RelationAct::Follow)
            .await
            .unwrap();
        assert_eq!(answer.code, 0);
    }
    for i in 1..=c.pairs {
        let (a, b) = Community::pair(i);
        let (alice, bob) = (app.login_as(a.get()).await, app.login_as(b.get()).await);
        assert_eq!(
            alice
                .modify_relation(b.get(), RelationAct::Follow)
                .await
                .unwrap()
                .code,
            0
        );
        assert_eq!(
            bob.modify_relation(a.get(), RelationAct::Follow)
                .await
                .unwrap()
                .code,
            0
        );
        // The greeting of the mutual follow comes after the follow's answer.
        let mut waited = 0;
        while alice
            .fetch_session_msgs(b.get(), None, None, None)
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .max_seqno
            == 0
        {
            waited += 1;
            assert!(waited < 500, "the mutual greeting arrives");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for n in 1..=c.messages_per_pair {
            let (from, to, client) = if n % 2 == 1 {
                (a, b, &alice)
            } else {
                (b, a, &bob)
            };
            let text = format!("bulk message {n} of {}", from.get());
            let sent = client.send_text(to.get(), &text).await.unwrap();
            assert_eq!(sent.code, 0, "{sent:?}");
        }
    }
}

/// Times and keys differ between two runs of the same story; everything
/// else must not.
fn normalise(value: &mut Value) {
    const VOLATILE: &[&str] = &[
        "mtime",
        "timestamp",
        "session_ts",
        "ack_ts",
        "msg_key",
        "ts",
        "time",
        "ctime",
        "jointime",
        "dm_time",
        "wbi_img",
    ];
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if VOLATILE.contains(&key.as_str()) {
                    *field = Value::Null;
                } else if let (true, Some(cursor)) = (key == "offset", field.as_str()) {
                    // `{mtime}:{mid}`: the mid stays.
                    *field = cursor.rsplit(':').next().unwrap_or_default().into();
                } else {
                    normalise(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

/// What the users of `c` see through the API.
async fn seen(app: &TestApp, c: &Community) -> Vec<(String, Value)> {
    let mut paths = vec![
        (1, "/x/relation/followers?vmid=1&ps=50&pn=1".to_owned()),
        (1, "/x/relation/stat?vmid=1".to_owned()),
        (2, "/x/relation/followers?vmid=1&ps=2&pn=2".to_owned()),
        (1, "/x/relation/fans?vmid=1".to_owned()),
    ];
    for i in 1..=c.pairs {
        let (a, b) = Community::pair(i);
        for (me, other) in [(a.get(), b.get()), (b.get(), a.get())] {
            paths.extend([
                (me, format!("/x/relation/followings?vmid={me}")),
                (me, format!("/x/relation?fid={other}")),
                (me, "/session_svr/v1/session_svr/new_sessions?begin_ts=0&build=0&mobi_app=web".into()),
                (me, "/session_svr/v1/session_svr/single_unread?unread_type=0&show_dustbin=1".into()),
                (me, format!("/session_svr/v1/session_svr/session_detail?talker_id={other}&session_type=1")),
                (me, format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={other}&session_type=1&size=20")),
                (me, format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={other}&session_type=1&size=2&end_seqno=3")),
                (me, "/x/web-interface/nav".into()),
                // The texts are in the search index.
                (me, "/sixin/v1/messages/search?keyword=bulk%20message&size=50".into()),
            ]);
        }
    }
    let mut seen = Vec::new();
    for (mid, path) in paths {
        let client: Client = app.login_as(mid).await;
        let cookie = client.cookies().unwrap().cookie_header();
        let answer = app.get_raw(&path, Some(&cookie)).await;
        assert_eq!(answer["code"], 0, "{path} as {mid}: {answer}");
        // Links name the server's own address.
        let text = answer.to_string().replace(&app.base, "http://server");
        let mut answer: Value = serde_json::from_str(&text).unwrap();
        normalise(&mut answer);
        seen.push((format!("{path} as {mid}"), answer));
    }
    seen
}

#[tokio::test]
async fn a_bulk_loaded_community_reads_like_one_made_through_the_api() {
    let c = community();
    let by_hand = spawn_app().await;
    if by_hand.on_postgres() {
        return; // The bulk loader writes SQLite databases.
    }
    made_by_hand(&by_hand, &c).await;
    let expected = seen(&by_hand, &c).await;

    let loaded = spawn_app().await;
    let story = c.clone();
    let loaded = loaded
        .restart_after(|_, data_dir| async move {
            let mut last = 0;
            let done = load_sqlite(&data_dir, &story, &mut |n| last = n).unwrap();
            assert_eq!(last, story.work());
            assert_eq!(
                (done.users, done.follows, done.messages),
                (8, 3 + 4, story.messages())
            );
        })
        .await;
    let actual = seen(&loaded, &c).await;
    for ((path, want), (_, got)) in expected.iter().zip(&actual) {
        assert_eq!(got, want, "{path}");
    }
    assert_eq!(actual.len(), expected.len());

    // The loaded community goes on like any other: sends, and a retry.
    let (a, b) = Community::pair(1);
    let alice = loaded.login_as(a.get()).await;
    let sent = alice.send_text(b.get(), "after the load").await.unwrap();
    assert_eq!(sent.code, 0, "{sent:?}");
    let history = alice
        .fetch_session_msgs(b.get(), Some(1), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(history.max_seqno, c.messages_per_pair + 2);
    let key = sent.data.unwrap().msg_key;
    let newest = history.messages.unwrap()[0].msg_key;
    assert_eq!(newest, key);
}

#[tokio::test]
async fn bulk_loading_refuses_a_database_with_users() {
    let app = spawn_app().await;
    if app.on_postgres() {
        return;
    }
    app.create_user("someone").await;
    app.restart_after(|_, data_dir| async move {
        let refused = load_sqlite(&data_dir, &community(), &mut |_| {});
        assert!(refused.is_err());
    })
    .await;
}
