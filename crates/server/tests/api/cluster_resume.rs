//! Push clients resuming on another node of the community: ids number the
//! events of the shared resume log (a JetStream stream), so the same event
//! has the same id on every node, and a client whose connection to node A
//! ended resumes on node B with exactly what it missed. Skipped (and said
//! so) without `SIXIN_TEST_DATABASE_URL` and `SIXIN_TEST_NATS_URL`.
//! (A node killed with SIGKILL: `crates/cli/tests/nodes.rs`.)

use std::time::Duration;

use sixin_api::push::ServerFrame;
use sixin_client::push::Events;
use sixin_client::Client;

use crate::helpers::{assert_code, spawn_two_nodes, TestApp};

/// `client`'s login, talking to `node`.
fn on(node: &TestApp, client: &Client) -> Client {
    node.anonymous()
        .with_cookies(client.cookies().expect("logged in").clone())
}

/// `client` follows `fid` (so that `fid` may send to them freely).
async fn follow(client: &Client, fid: u64) {
    let act = sixin_api::relation::Act::Follow;
    assert_code(&client.modify_relation(fid, act).await.unwrap(), 0);
}

/// Opens `client`'s push connection after `last`, and its `hello`.
async fn connect(client: &Client, last: Option<&str>) -> (Events, String, bool) {
    let mut events = client.events(last).await.expect("push connection");
    match events.next().await.expect("open").expect("a frame") {
        ServerFrame::Hello { id, resumed } => (events, id, resumed),
        other => panic!("hello first, not {other:?}"),
    }
}

/// Every frame with an id up to and including the message whose text is
/// `sentinel`.
async fn until(events: &mut Events, sentinel: &str) -> Vec<ServerFrame> {
    let text = format!("{{\"content\":\"{sentinel}\"}}");
    let mut frames = Vec::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap_or_else(|_| panic!("{sentinel} not pushed within 10 s; got {frames:?}"))
            .expect("open")
            .expect("a frame");
        if frame.id().is_none() {
            continue;
        }
        let done =
            matches!(&frame, ServerFrame::Message { message, .. } if message.content == text);
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_lost_node_a_resumes_on_node_b_with_what_a_connection_that_stayed_saw() {
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    let (carol_id, _) = a.user("carol").await;
    follow(&bob, alice_id).await;
    let group = crate::groups::group_of(&a, alice_id, "两个节点", &[bob_id, carol_id]).await;
    let alice_on_b = on(&b, &alice);
    let bob_on_b = on(&b, &bob);
    // Bob's desk stays connected to node A throughout; his phone's
    // connection to node A ends halfway.
    let (mut desk, _, _) = connect(&bob, None).await;
    let (mut phone, _, _) = connect(&bob, None).await;
    assert_code(&alice_on_b.send_text(bob_id, "s1").await.unwrap(), 0);
    let seen = until(&mut phone, "s1").await;
    until(&mut desk, "s1").await;
    let last = seen.last().unwrap().id().unwrap().to_owned();
    drop(phone);

    // Events of every kind, through both nodes: messages, a fan group's
    // message, a recall (one event, two frames), a session read, a
    // relation change.
    assert_code(&alice.send_text(bob_id, "m1").await.unwrap(), 0);
    assert_code(
        &alice_on_b.send_group_text(group, "g1", &[]).await.unwrap(),
        0,
    );
    let mine = bob_on_b.send_text(alice_id, "oops").await.unwrap();
    assert_code(&mine, 0);
    let key = mine.data.unwrap().msg_key;
    assert_code(&bob.recall(alice_id, key).await.unwrap(), 0);
    assert_code(
        &alice_on_b
            .modify_relation(bob_id, sixin_api::relation::Act::Follow)
            .await
            .unwrap(),
        0,
    );
    assert_code(&alice.send_text(bob_id, "s2").await.unwrap(), 0);
    let stayed = until(&mut desk, "s2").await;
    assert!(stayed.len() >= 6, "{stayed:?}");

    let (mut phone, position, resumed) = connect(&bob_on_b, Some(&last)).await;
    assert!(resumed, "resumed on node B after {last}");
    assert_eq!(position, last);
    assert_eq!(
        until(&mut phone, "s2").await,
        stayed,
        "exactly what the connection that stayed saw, with the same ids"
    );
    // Then on, live, once.
    assert_code(&alice.send_text(bob_id, "s3").await.unwrap(), 0);
    let next = until(&mut phone, "s3").await;
    assert_eq!(next, until(&mut desk, "s3").await);
    assert_eq!(next.len(), 1, "{next:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_resume_log_no_longer_holds_is_a_re_sync() {
    let Some((a, b)) = spawn_two_nodes(|c| c.resume_log.max_age_secs = 1).await else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    follow(&bob, alice_id).await;
    let (mut phone, _, _) = connect(&bob, None).await;
    assert_code(&alice.send_text(bob_id, "s1").await.unwrap(), 0);
    let last = until(&mut phone, "s1")
        .await
        .last()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    drop(phone);
    assert_code(&alice.send_text(bob_id, "m1").await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (mut phone, position, resumed) = connect(&on(&b, &bob), Some(&last)).await;
    assert!(!resumed, "m1 expired from the log: re-sync");
    assert_ne!(position, last);
    // Live events still come.
    assert_code(&alice.send_text(bob_id, "s2").await.unwrap(), 0);
    let frames = until(&mut phone, "s2").await;
    assert_eq!(frames.len(), 1, "{frames:?}");
}
