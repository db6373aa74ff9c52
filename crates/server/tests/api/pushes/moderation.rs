//! Withdrawing a message (`msg_status` 2): gone from both sides' history,
//! no longer unread, and in its place the documents' system recall (type
//! 8, received as type 5 with `sys_cancel` true, its content the
//! withdrawn `msg_key`), the newest message of the user session, pushed
//! at once to both sides' connected clients.

use serde_json::Value;
use sixin_client::EnvelopeExt;

use super::{message, pushed};
use crate::helpers::{acquainted, cookie_of, history_with, spawn_app, TestApp};
use crate::push::{connect, message_from, next, quiet};

/// The raw messages `client` sees with `talker`, newest first.
async fn raw_history(app: &TestApp, client: &sixin_client::Client, talker: u64) -> Vec<Value> {
    let path =
        format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={talker}&session_type=1");
    let body = app.get_raw(&path, Some(&cookie_of(client))).await;
    assert_eq!(body["code"], 0, "{body}");
    let mut messages = body["data"]["messages"].as_array().unwrap().clone();
    messages.sort_by_key(|m| std::cmp::Reverse(m["msg_seqno"].as_u64()));
    messages
}

/// The raw `last_msg` of `client`'s session with `talker`, alone and in
/// both session lists (the same each time).
async fn raw_last(app: &TestApp, client: &sixin_client::Client, talker: u64) -> Value {
    let cookie = cookie_of(client);
    let detail = app
        .get_raw(
            &format!(
                "/session_svr/v1/session_svr/session_detail?talker_id={talker}&session_type=1"
            ),
            Some(&cookie),
        )
        .await;
    let last = detail["data"]["last_msg"].clone();
    for list in [
        "/session_svr/v1/session_svr/get_sessions?session_type=4",
        "/session_svr/v1/session_svr/new_sessions?begin_ts=0",
    ] {
        let body = app.get_raw(list, Some(&cookie)).await;
        let session = body["data"]["session_list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["talker_id"] == talker && s["session_type"] == 1)
            .unwrap_or_else(|| panic!("{list}: {body}"))
            .clone();
        assert_eq!(session["last_msg"], last, "{list}");
    }
    last
}

/// `sys_cancel` is on `m` exactly when it is the system recall of `key`
/// sent in `sender`'s name to `receiver`, and then `true` (never `false`).
fn assert_system_recall(m: &Value, key: u64, sender: u64, receiver: u64) {
    assert_eq!(m["msg_type"], 5, "{m}");
    assert_eq!(m["sys_cancel"], Value::Bool(true), "{m}");
    assert_eq!(m["content"], key.to_string(), "{m}");
    assert_eq!(
        (&m["sender_uid"], &m["receiver_id"], &m["receiver_type"]),
        (
            &Value::from(sender),
            &Value::from(receiver),
            &Value::from(1)
        ),
        "{m}"
    );
    assert_eq!((&m["msg_status"], &m["msg_source"]), (&0.into(), &0.into()));
}

#[tokio::test]
async fn a_withdrawn_message_leaves_a_system_recall_for_both_sides() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    assert_eq!(alice.send_text(b, "still here").await.unwrap().code, 0);
    let mine = alice
        .send_text(b, "mine")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(alice.recall(b, mine.msg_key).await.unwrap().code, 0);
    let mine_key = mine.msg_key.to_string();
    let bad = alice
        .send_text(b, "违规内容")
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .msg_key;
    let unread = |client: &sixin_client::Client, talker: u64| {
        let client = client.clone();
        async move {
            let detail = client.session_detail(talker).await.unwrap();
            detail.into_data().unwrap().unread_count
        }
    };
    assert_eq!(unread(&bob, a).await, 2);
    let before: Vec<usize> = vec![
        raw_history(&app, &alice, b).await.len(),
        raw_history(&app, &bob, a).await.len(),
    ];
    let withdrawn = app.admin.withdraw(bad).await.unwrap().into_data().unwrap();
    assert_eq!((withdrawn.msg_key, withdrawn.msg_status), (bad, 2));
    let mut recall_key = 0;
    for ((client, talker), seen) in [(&alice, b), (&bob, a)].into_iter().zip(before) {
        let history = raw_history(&app, client, talker).await;
        assert!(history.iter().all(|m| m["msg_key"] != bad), "hidden");
        // One gone, one come: the system recall, newest.
        assert_eq!(history.len(), seen);
        assert_system_recall(&history[0], bad, a, b);
        for m in &history[1..] {
            assert!(m.get("sys_cancel").is_none(), "absent elsewhere: {m}");
        }
        let user_recall = history
            .iter()
            .find(|m| m["content"].as_str() == Some(mine_key.as_str()))
            .expect("alice's own recall");
        assert_eq!(user_recall["msg_type"], 5);
        assert!(user_recall.get("sys_cancel").is_none(), "not a system one");
        assert_eq!(raw_last(&app, client, talker).await, history[0]);
        let detail = client.session_detail(talker).await.unwrap().into_data();
        let detail = detail.unwrap();
        assert_eq!(detail.max_seqno, history[0]["msg_seqno"].as_u64().unwrap());
        recall_key = history[0]["msg_key"].as_u64().unwrap();
    }
    // Nobody's unread: bob's count loses the withdrawn message, alice's
    // stays 0; a read of everything clears bob's.
    assert_eq!((unread(&bob, a).await, unread(&alice, b).await), (1, 0));
    let single = bob.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!(single.follow_unread + single.unfollow_unread, 1);

    // Again: nothing more happens.
    assert_eq!(app.admin.withdraw(bad).await.unwrap().code, 0);
    assert_eq!(unread(&bob, a).await, 1);
    assert_eq!(raw_history(&app, &bob, a).await[0]["msg_key"], recall_key);
    let again = app.admin.withdraw(recall_key).await.unwrap();
    assert_eq!(again.code, -400, "a system recall is not withdrawn");
    assert!(again.message.contains("sys_cancel"), "{}", again.message);
    assert_eq!(app.admin.withdraw(12345).await.unwrap().code, -404);
    let recall = alice.recall(b, bad).await.unwrap();
    assert_eq!(recall.code, 10005, "a withdrawn message cannot be recalled");
    let recall = alice.recall(b, recall_key).await.unwrap();
    assert_eq!(recall.code, 10005, "nor a system recall");
}

#[tokio::test]
async fn a_withdrawn_push_no_longer_counts_as_a_push() {
    let app = spawn_app().await;
    let (s, _) = app.user("sender").await;
    let (r, reader) = app.user("reader").await;
    let job = pushed(&app, &message(s, &[r], 11, r#"{"rid":1}"#)).await;
    let session = reader.session_detail(s).await.unwrap().into_data().unwrap();
    assert_eq!((session.unread_count, session.new_push_msg), (1, 1));
    let key = job.msg_key.unwrap();
    app.admin.withdraw(key).await.unwrap();
    let unread = reader.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!((unread.unfollow_push_msg, unread.unfollow_unread), (0, 0));
    let detail = reader.session_detail(s).await.unwrap();
    let session = detail.into_data().unwrap();
    assert_eq!((session.unread_count, session.new_push_msg), (0, 0));
    // What is left to show is the system recall, in the sender's name (a
    // delivery gives its sender no session).
    let history = raw_history(&app, &reader, s).await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_system_recall(&history[0], key, s, r);
    assert_eq!(raw_last(&app, &reader, s).await, history[0]);
    let history = history_with(&reader, s).await.messages.unwrap();
    assert_eq!(history[0].sys_cancel, Some(true), "the typed client too");
}

#[tokio::test]
async fn a_withdrawn_group_message_leaves_no_system_recall() {
    // The documents give the system recall meaning in user sessions only.
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let group = crate::groups::group_of(&app, a, "g", &[b]).await;
    let sent = alice.send_group_text(group, "违规内容", &[]).await.unwrap();
    let key = sent.into_data().unwrap().msg_key;
    let seen = |client: &sixin_client::Client| {
        let client = client.clone();
        async move {
            let history = client.fetch_group_msgs(group, None, None, None).await;
            history
                .unwrap()
                .into_data()
                .unwrap()
                .messages
                .unwrap_or_default()
        }
    };
    let before = seen(&bob).await.len();
    assert_eq!(app.admin.withdraw(key).await.unwrap().code, 0);
    for client in [&alice, &bob] {
        let history = seen(client).await;
        assert!(history.iter().all(|m| m.msg_key != key));
        assert!(history.iter().all(|m| m.sys_cancel.is_none()));
        assert!(history.iter().all(|m| m.msg_type != 5));
    }
    assert_eq!(seen(&bob).await.len(), before - 1);
}

#[tokio::test]
async fn both_sides_connected_hear_the_system_recall_at_once() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut to_alice, _) = connect(&alice).await;
    let (mut to_bob, _) = connect(&bob).await;
    let bad = alice
        .send_text(b, "违规内容")
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .msg_key;
    message_from(&next(&mut to_alice).await, b);
    message_from(&next(&mut to_bob).await, a);

    assert_eq!(app.admin.withdraw(bad).await.unwrap().code, 0);
    // Each side hears the system recall as its history now shows it,
    // without fetching.
    for (events, client, me, talker) in [(&mut to_bob, &bob, b, a), (&mut to_alice, &alice, a, b)] {
        let pushed = message_from(&next(events).await, talker);
        assert_system_recall(&pushed, bad, a, b);
        let history = raw_history(&app, client, talker).await;
        assert_eq!(pushed, history[0], "as {me}'s history shows it");
        quiet(events).await;
    }
}
