//! Two nodes of one community (one PostgreSQL schema, one NATS server, one
//! data directory): a conversation and a fan group through both, limits
//! that hold across them, events and cache changes that reach the other
//! node. Skipped (and
//! said so) without `SIXIN_TEST_DATABASE_URL` and `SIXIN_TEST_NATS_URL`.
//!
//! "A client on node B sees a message sent through node A" is shown twice:
//! at node B's event bus, and at a push connection to node B.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sixin_client::Client;
use sixin_server::events::{Event, Subscriber};
use tokio::sync::Notify;

use crate::helpers::{assert_code, spawn_two_nodes, TestApp, ADMIN_TOKEN};

/// `client`'s login, talking to `node`.
fn on(node: &TestApp, client: &Client) -> Client {
    node.anonymous()
        .with_cookies(client.cookies().expect("logged in").clone())
}

/// Every message of `client`'s history with `talker`: `(seqno, msg_key)`,
/// oldest first.
async fn whole_history(client: &Client, talker: u64) -> Vec<(u64, u64)> {
    let mut all = Vec::new();
    let mut end = None;
    loop {
        let page = client
            .fetch_session_msgs(talker, Some(200), None, end)
            .await
            .unwrap()
            .data
            .expect("a history page");
        let messages = page.messages.unwrap_or_default();
        all.extend(messages.iter().map(|m| (m.msg_seqno, m.msg_key)));
        if page.has_more == 0 || messages.is_empty() {
            break;
        }
        end = messages.iter().map(|m| m.msg_seqno).min();
    }
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_through_two_nodes_keep_seqnos_gap_free_and_keys_unique() {
    let Some((a, b)) = spawn_two_nodes(|c| c.send_burst = 1000).await else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob_on_b) = {
        let (id, client) = a.user("bob").await;
        (id, on(&b, &client))
    };
    // Friends, so that neither is held back as a stranger.
    let follow = |client: Client, fid: u64| async move {
        assert_code(
            &client
                .modify_relation(fid, sixin_api::relation::Act::Follow)
                .await
                .unwrap(),
            0,
        );
    };
    follow(alice.clone(), bob_id).await;
    follow(bob_on_b.clone(), alice_id).await;

    let alice_on_b = on(&b, &alice);
    let bob_on_a = on(&a, &bob_on_b);
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..40 {
        // Each user alternates between the nodes.
        let (client, to) = match i % 4 {
            0 => (alice.clone(), bob_id),
            1 => (alice_on_b.clone(), bob_id),
            2 => (bob_on_a.clone(), alice_id),
            _ => (bob_on_b.clone(), alice_id),
        };
        sends.spawn(async move {
            let sent = client.send_text(to, &format!("m{i}")).await.unwrap();
            assert_code(&sent, 0);
            sent.data.unwrap().msg_key
        });
    }
    let mut keys = HashSet::new();
    while let Some(key) = sends.join_next().await {
        assert!(keys.insert(key.unwrap()), "every key is new");
    }
    // The mutual-follow greeting is one more message.
    let history = whole_history(&alice_on_b, bob_id).await;
    assert_eq!(
        history.iter().map(|&(s, _)| s).collect::<Vec<_>>(),
        (1..=41).collect::<Vec<u64>>(),
        "gap-free, through either node"
    );
    assert_eq!(whole_history(&bob_on_a, alice_id).await, history);
    let mut by_seqno = history.iter().map(|&(_, k)| k).collect::<Vec<_>>();
    let sorted = {
        let mut s = by_seqno.clone();
        s.sort();
        s
    };
    assert_eq!(by_seqno, sorted, "keys increase with seqnos");
    by_seqno.dedup();
    assert_eq!(by_seqno.len(), 41);
    assert!(keys.iter().all(|k| by_seqno.contains(k)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alternating_nodes_does_not_double_a_rate_limit() {
    let Some((a, b)) = spawn_two_nodes(|c| {
        c.send_burst = 4;
        c.send_burst_secs = 3600;
    })
    .await
    else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob, bob_client) = a.user("bob").await;
    // Bob follows Alice: the stranger rule does not hold her back.
    assert_code(
        &bob_client
            .modify_relation(alice_id, sixin_api::relation::Act::Follow)
            .await
            .unwrap(),
        0,
    );
    let alice_on_b = on(&b, &alice);
    let mut codes = Vec::new();
    for i in 0..8 {
        let client = if i % 2 == 0 { &alice } else { &alice_on_b };
        let sent = client.send_text(bob, &format!("m{i}")).await.unwrap();
        codes.push(sent.code);
    }
    assert_eq!(
        codes,
        [0, 0, 0, 0, 21020, 21020, 21020, 21020],
        "one burst of 4"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_to_a_group_through_two_nodes_keep_its_seqnos_gap_free() {
    let Some((a, b)) = spawn_two_nodes(|c| c.send_burst = 1000).await else {
        return;
    };
    let mut members = Vec::new();
    for name in ["alice", "bob", "carol"] {
        members.push(a.user(name).await);
    }
    let (reader, reader_client) = a.user("dave").await;
    let mids: Vec<u64> = members.iter().map(|(m, _)| *m).collect();
    let group = crate::groups::group_of(&a, mids[0], "两个节点", &[mids[1], mids[2], reader]).await;
    let first = whole_group_history(&reader_client, group).await;
    let group_unread = |client: Client| async move {
        client
            .my_group_unread()
            .await
            .unwrap()
            .data
            .expect("my_group_unread")
            .unread_count
    };
    let unread_before = group_unread(reader_client.clone()).await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..36 {
        // Every member alternates between the nodes.
        let (_, client) = &members[i % 3];
        let client = if i % 2 == 0 {
            client.clone()
        } else {
            on(&b, client)
        };
        sends.spawn(async move {
            let sent = client
                .send_group_text(group, &format!("m{i}"), &[])
                .await
                .unwrap();
            assert_code(&sent, 0);
            sent.data.unwrap().msg_key
        });
    }
    let mut keys = HashSet::new();
    while let Some(key) = sends.join_next().await {
        assert!(keys.insert(key.unwrap()), "every key is new");
    }
    let history = whole_group_history(&on(&b, &reader_client), group).await;
    let newest = first.last().map_or(0, |&(s, _)| s);
    assert_eq!(
        history.iter().map(|&(s, _)| s).collect::<Vec<_>>(),
        (1..=newest + 36).collect::<Vec<u64>>(),
        "gap-free, through either node"
    );
    assert!(keys
        .iter()
        .all(|k| history.iter().any(|&(_, key)| key == *k)));
    assert_eq!(
        group_unread(on(&b, &reader_client)).await,
        unread_before + 36,
        "no unread message lost"
    );
}

/// Every message of a fan group's history as `client` sees it: `(seqno,
/// msg_key)`, oldest first.
async fn whole_group_history(client: &Client, group: u64) -> Vec<(u64, u64)> {
    let mut all = Vec::new();
    let mut end = None;
    loop {
        let page = client
            .fetch_group_msgs(group, Some(200), None, end)
            .await
            .unwrap()
            .data
            .expect("a history page");
        let messages = page.messages.unwrap_or_default();
        all.extend(messages.iter().map(|m| (m.msg_seqno, m.msg_key)));
        if page.has_more == 0 || messages.is_empty() {
            break;
        }
        end = messages.iter().map(|m| m.msg_seqno).min();
    }
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_and_one_to_one_sends_share_one_rate_limit_across_nodes() {
    let Some((a, b)) = spawn_two_nodes(|c| {
        c.send_burst = 4;
        c.send_burst_secs = 3600;
    })
    .await
    else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob, bob_client) = a.user("bob").await;
    assert_code(
        &bob_client
            .modify_relation(alice_id, sixin_api::relation::Act::Follow)
            .await
            .unwrap(),
        0,
    );
    let group = crate::groups::group_of(&a, bob, "限速", &[alice_id]).await;
    let alice_on_b = on(&b, &alice);
    let mut codes = Vec::new();
    for i in 0..6 {
        let sent = match i % 3 {
            0 => alice.send_text(bob, &format!("m{i}")).await.unwrap(),
            1 => alice_on_b
                .send_group_text(group, &format!("m{i}"), &[])
                .await
                .unwrap(),
            _ => alice
                .send_group_text(group, &format!("m{i}"), &[])
                .await
                .unwrap(),
        };
        codes.push(sent.code);
    }
    assert_eq!(codes, [0, 0, 0, 0, 21020, 21020], "one burst of 4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alternating_nodes_does_not_double_a_login_throttle() {
    let Some((a, b)) = spawn_two_nodes(|c| {
        c.guard.login_failures = 3;
        c.guard.login_failures_per_address = 100;
    })
    .await
    else {
        return;
    };
    a.admin
        .create_user(&sixin_api::admin::CreateUser {
            uname: "alice".into(),
            password: Some("correct horse".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let login = |node: &TestApp, password: &str| {
        node.http
            .post(format!("{}/x/passport-login/web/login", node.base))
            .form(&[("username", "alice"), ("password", password)])
            .send()
    };
    let mut codes = Vec::new();
    for i in 0..5 {
        let node = if i % 2 == 0 { &a } else { &b };
        let answer: serde_json::Value = login(node, &format!("guess {i}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        codes.push(answer["code"].as_i64().unwrap());
    }
    // Three free failures, a fourth that shuts the account: then -625 on
    // either node, the right password too.
    assert_eq!(codes, [-629, -629, -629, -629, -625], "one count for both");
    let right: serde_json::Value = login(&b, "correct horse")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(right["code"], -625);

    // Wrong admin tokens from one address, alternating: one count too.
    let mut codes = Vec::new();
    for i in 0..12 {
        let node = if i % 2 == 0 { &a } else { &b };
        let answer: serde_json::Value = node
            .http
            .get(format!("{}/admin/v1/users", node.base))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        codes.push(answer["code"].as_i64().unwrap());
    }
    assert_eq!(&codes[..11], [-403; 11], "ten free, the eleventh shuts");
    assert_eq!(codes[11], -799);
}

/// Records the events a node's bus hears from the other nodes.
#[derive(Default)]
struct Heard {
    events: Mutex<Vec<(Instant, Event)>>,
    arrived: Notify,
}

#[async_trait]
impl Subscriber for Heard {
    async fn on_event(&self, event: &Event) {
        self.events
            .lock()
            .unwrap()
            .push((Instant::now(), event.clone()));
        self.arrived.notify_waiters();
    }

    fn hears_other_nodes(&self) -> bool {
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_through_one_node_reaches_the_other_within_100_ms() {
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let heard = Arc::new(Heard::default());
    let subscriber: Arc<dyn Subscriber> = heard.clone();
    b.services.events.subscribe(&subscriber);
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    assert_code(&bob.send_text(alice_id, "hi").await.unwrap(), 0);

    let mut worst = Duration::ZERO;
    for i in 0..20 {
        let arrived = heard.arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        let sent = alice.send_text(bob_id, &format!("m{i}")).await.unwrap();
        let answered = Instant::now();
        assert_code(&sent, 0);
        let key = sent.data.unwrap().msg_key;
        let deadline = answered + Duration::from_millis(100);
        let seen_at = loop {
            let found = heard
                .events
                .lock()
                .unwrap()
                .iter()
                .find_map(|(at, e)| match e {
                    Event::MessageStored { message, .. } if message.msg_key.get() == key => {
                        Some(*at)
                    }
                    _ => None,
                });
            if let Some(at) = found {
                break at;
            }
            let wait = tokio::time::timeout_at(deadline.into(), arrived.as_mut()).await;
            assert!(
                wait.is_ok(),
                "message {i} not heard on node B within 100 ms"
            );
            arrived.set(heard.arrived.notified());
            arrived.as_mut().enable();
        };
        worst = worst.max(seen_at.saturating_duration_since(answered));
    }
    assert!(worst < Duration::from_millis(100), "{worst:?}");
    eprintln!("slowest message from node A to node B's bus: {worst:?} after A answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emoji_added_through_one_node_is_used_by_the_other() {
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    assert_code(&bob.send_text(alice_id, "hi").await.unwrap(), 0);
    let alice_on_b = on(&b, &alice);
    let emoji = |client: Client, text: &'static str| async move {
        let sent = client.send_text(bob_id, text).await.unwrap();
        assert_code(&sent, 0);
        sent.data.unwrap().e_infos.unwrap_or_default().len()
    };
    // Node B loads its catalogue: no [新表情] yet.
    assert_eq!(emoji(alice_on_b.clone(), "[新表情]").await, 0);
    let added = a
        .http
        .post(format!("{}/admin/v1/emotes", a.base))
        .bearer_auth(ADMIN_TOKEN)
        .json(&serde_json::json!({"text": "[新表情]", "uri": "/bfs/emote/new.png"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(2);
    while emoji(alice_on_b.clone(), "[新表情]").await == 0 {
        assert!(Instant::now() < deadline, "node B never used the new emoji");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_login_started_on_one_node_is_confirmed_and_redeemed_on_the_other() {
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let (_, alice) = a.user("alice").await;
    let key = a
        .anonymous()
        .qr_generate()
        .await
        .unwrap()
        .data
        .unwrap()
        .qrcode_key;
    let poll = |node: &TestApp| {
        let url = format!(
            "{}/x/passport-login/web/qrcode/poll?qrcode_key={key}",
            node.base
        );
        let http = node.http.clone();
        async move {
            let answer: serde_json::Value =
                http.get(url).send().await.unwrap().json().await.unwrap();
            answer["data"]["code"].as_i64().unwrap()
        }
    };
    assert_eq!(
        poll(&b).await,
        86101,
        "not scanned, seen from the other node"
    );
    let alice_on_b = on(&b, &alice);
    assert_code(&alice_on_b.qr_scan(&key).await.unwrap(), 0);
    assert_eq!(poll(&a).await, 86090, "scanned through B, seen on A");
    assert_code(&alice.qr_confirm(&key).await.unwrap(), 0);
    assert_eq!(poll(&b).await, 0, "redeemed on B");
    assert_eq!(poll(&a).await, 86038, "once, whichever node is asked next");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_uploaded_through_one_node_is_served_and_sent_by_the_other() {
    // Behind a load balancer every node has the community's address.
    let Some((a, b)) = spawn_two_nodes(|c| c.public_url = Some("http://im.example".into())).await
    else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    assert_code(&bob.send_text(alice_id, "hi").await.unwrap(), 0);
    let png = include_bytes!("../../assets/noface.png").to_vec();
    let uploaded = alice.upload_image(png.clone(), "face.png").await.unwrap();
    assert_code(&uploaded, 0);
    let image = uploaded.data.unwrap();
    let path = image
        .image_url
        .strip_prefix("http://im.example")
        .expect("the community's address");
    let served = b
        .http
        .get(format!("{}{path}", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200, "node B serves what node A stored");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    let content = serde_json::json!({"url": image.image_url, "height": 96, "width": 96,
        "imageType": "png", "original": 1, "size": image.img_size})
    .to_string();
    let alice_on_b = on(&b, &alice);
    let sent = alice_on_b
        .send_msg(&alice_on_b.message_to(bob_id, 2, content))
        .await
        .unwrap();
    assert_code(&sent, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_pushed_by_one_node_sees_messages_sent_through_the_other_within_100_ms() {
    use sixin_api::push::ServerFrame;
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let (alice_id, alice) = a.user("alice").await;
    let (bob_id, bob) = a.user("bob").await;
    assert_code(&bob.send_text(alice_id, "hi").await.unwrap(), 0);
    let mut bob_on_b = on(&b, &bob).events(None).await.expect("push on node B");
    let hello = bob_on_b.next().await.unwrap().unwrap();
    assert!(matches!(hello, ServerFrame::Hello { .. }), "{hello:?}");

    let mut worst = Duration::ZERO;
    for i in 0..20 {
        let sent = alice.send_text(bob_id, &format!("m{i}")).await.unwrap();
        let answered = Instant::now();
        assert_code(&sent, 0);
        let key = sent.data.unwrap().msg_key;
        let deadline = answered + Duration::from_millis(100);
        loop {
            let frame = tokio::time::timeout_at(deadline.into(), bob_on_b.next())
                .await
                .unwrap_or_else(|_| panic!("message {i} not pushed by node B within 100 ms"))
                .expect("open")
                .expect("a frame");
            // Bob's own "hi" may still be on its way from node A.
            match frame {
                ServerFrame::Message {
                    talker_id, message, ..
                } if message.msg_key == key => {
                    assert_eq!(talker_id, alice_id);
                    break;
                }
                ServerFrame::Message { message, .. } if message.sender_uid == bob_id => {}
                other => panic!("expected message {i}, got {other:?}"),
            }
        }
        worst = worst.max(answered.elapsed());
    }
    eprintln!("slowest push from node A's send to a client of node B: {worst:?} after A answered");
}
