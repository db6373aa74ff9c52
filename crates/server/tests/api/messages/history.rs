//! History: what a conversation holds, newest first, and paging through it
//! backwards, forwards and by polling.

use serde_json::{json, Value};
use sixin_api::message::EMPTY_MIN_SEQNO;
use sixin_client::EnvelopeExt;

use crate::helpers::{acquainted, cookie_of, history_with, spawn_app, spawn_app_with};

#[tokio::test]
async fn two_users_converse_while_a_third_is_refused() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (_, carol) = app.user("carol").await;
    for i in 0..3 {
        assert_eq!(alice.send_text(b, &format!("a{i}")).await.unwrap().code, 0);
        assert_eq!(bob.send_text(a, &format!("b{i}")).await.unwrap().code, 0);
    }
    assert_eq!(carol.send_text(b, "let me in").await.unwrap().code, 0);
    assert_eq!(carol.send_text(b, "please").await.unwrap().code, 21047);

    let history = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 8);
    let seqnos: Vec<u64> = messages.iter().map(|m| m.msg_seqno).collect();
    assert!(
        seqnos.windows(2).all(|w| w[0] > w[1]),
        "newest first, strictly: {seqnos:?}"
    );
    assert_eq!(history.max_seqno, seqnos[0]);
    assert_eq!(history.min_seqno, *seqnos.last().unwrap());
    let texts: Vec<String> = messages
        .iter()
        .rev()
        .map(|m| {
            serde_json::from_str::<Value>(&m.content).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        texts,
        ["hi bob", "hi alice", "a0", "b0", "a1", "b1", "a2", "b2"]
    );
    let m = &messages[0];
    assert_eq!(m.sender_uid, b, "bob sent the newest");
    assert_eq!(m.receiver_id, a);
    assert_eq!(m.receiver_type, 1);
    assert_eq!(m.msg_source, 7);
    assert_eq!(m.at_uids, Some(vec![0]));
    assert_eq!(m.notify_code, "");
    assert_eq!(m.msg_status, 0);

    // Bob's session list: carol (newest) then alice.
    let list = bob
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let sessions = list.session_list.unwrap();
    let talkers: Vec<u64> = sessions.iter().map(|s| s.talker_id).collect();
    assert_eq!(talkers, vec![carol.mid(), a]);
}

#[tokio::test]
async fn history_is_empty_as_documented_before_any_message() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            &format!(
                "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1&size=20"
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "messages": null, "has_more": 0, "min_seqno": 18446744073709551615u64, "max_seqno": 0
        }})
    );
    assert_eq!(EMPTY_MIN_SEQNO, 18446744073709551615);
}

#[tokio::test]
async fn paging_back_and_forth_returns_every_message_exactly_once() {
    let app = spawn_app_with(|c| c.send_burst = 1000).await;
    let (a, alice, b, bob) = acquainted(&app).await;
    for i in 0..45 {
        assert_eq!(alice.send_text(b, &format!("m{i}")).await.unwrap().code, 0);
    }
    // Backwards from the newest, 10 at a time.
    let mut seen = Vec::new();
    let mut end = None;
    loop {
        let page = bob
            .fetch_session_msgs(a, Some(10), None, end)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        let msgs = page.messages.unwrap_or_default();
        seen.extend(msgs.iter().map(|m| m.msg_seqno));
        if page.has_more == 0 {
            break;
        }
        assert_eq!(msgs.len(), 10);
        end = Some(page.min_seqno);
    }
    assert_eq!(seen.len(), 47);
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 47, "no message twice");

    // Forwards: everything after a seqno, exclusive.
    let pivot = sorted[20];
    let page = bob
        .fetch_session_msgs(a, Some(200), Some(pivot), None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let newer: Vec<u64> = page.messages.unwrap().iter().map(|m| m.msg_seqno).collect();
    assert_eq!(newer.len(), 26);
    assert!(newer.iter().all(|s| *s > pivot));
    // Both bounds exclusive.
    let page = bob
        .fetch_session_msgs(a, None, Some(sorted[10]), Some(sorted[14]))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let between: Vec<u64> = page.messages.unwrap().iter().map(|m| m.msg_seqno).collect();
    assert_eq!(between, vec![sorted[13], sorted[12], sorted[11]]);
    // size is capped at 200 and defaults to 20.
    let page = bob
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(page.messages.unwrap().len(), 20);
    assert_eq!(page.has_more, 1);
}

#[tokio::test]
async fn polling_after_a_seqno_never_skips_a_message() {
    let app = spawn_app_with(|c| c.send_burst = 1000).await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let start = history_with(&bob, a).await.max_seqno;
    for i in 0..25 {
        alice.send_text(b, &format!("p{i}")).await.unwrap();
    }
    // A client polling with the last seqno it saw, 10 at a time.
    let mut cursor = start;
    let mut received = Vec::new();
    loop {
        let page = bob
            .fetch_session_msgs(a, Some(10), Some(cursor), None)
            .await
            .unwrap()
            .data
            .unwrap();
        let Some(messages) = page.messages else { break };
        let seqnos: Vec<u64> = messages.iter().map(|m| m.msg_seqno).collect();
        assert!(
            seqnos.windows(2).all(|w| w[0] > w[1]),
            "newest first within a page"
        );
        assert_eq!(page.max_seqno, seqnos[0]);
        received.extend(seqnos.iter().rev().copied());
        cursor = page.max_seqno;
        if page.has_more == 0 {
            break;
        }
    }
    assert_eq!(received.len(), 25);
    assert!(
        received.windows(2).all(|w| w[0] < w[1]),
        "every message once, in order"
    );
    // 0 means "no bound": the newest page.
    let newest = bob
        .fetch_session_msgs(a, Some(5), Some(0), Some(0))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(newest.max_seqno, *received.last().unwrap());
}
