//! Several `sixin serve` processes on one PostgreSQL database and one NATS
//! server, as an operator runs them behind a load balancer: they start
//! together (and migrate once), carry one conversation, and when one is
//! killed with SIGKILL under load, everything it acknowledged is there,
//! once, and its clients carry on through the other.
//!
//! Skipped (and said so) without `SIXIN_TEST_DATABASE_URL` and
//! `SIXIN_TEST_NATS_URL`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sixin_api::admin::CreateUser;
use sixin_api::push::ServerFrame;
use sixin_api::relation::Act;
use sixin_client::Client;
use sixin_server::store::postgres::{TestDatabase, TEST_DATABASE_URL};

mod support;

use support::{runtime, Server, TOKEN};

const TEST_NATS_URL: &str = "SIXIN_TEST_NATS_URL";

fn cluster_urls() -> Option<(String, String)> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    match (var(TEST_DATABASE_URL), var(TEST_NATS_URL)) {
        (Some(db), Some(nats)) => Some((db, nats)),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: the multi-node process test is SKIPPED: it needs {TEST_DATABASE_URL} \
                 and {TEST_NATS_URL} (e.g. nats://127.0.0.1:4222)"
            );
            None
        }
    }
}

/// This test's subjects and resume log on the shared NATS server (other
/// tests' communities use the same mids); the stream is deleted on drop.
struct Subjects {
    nats_url: String,
    prefix: String,
}

impl Subjects {
    fn new(nats_url: &str) -> Subjects {
        Subjects {
            nats_url: nats_url.to_owned(),
            prefix: format!("sixin-test-{}", sixin_server::secrets::random_hex(6)),
        }
    }
}

impl Drop for Subjects {
    fn drop(&mut self) {
        let (url, prefix) = (self.nats_url.clone(), self.prefix.clone());
        let _ = std::thread::spawn(move || {
            runtime().block_on(sixin_server::cluster::log::delete(&url, &prefix))
        })
        .join();
    }
}

/// Starts `n` nodes at once on one database, NATS and data directory.
fn start_nodes(n: usize, dir: &Path, database_url: &str, nats: &Subjects) -> Vec<Server> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (dir, db) = (dir.to_owned(), database_url.to_owned());
            let (url, prefix) = (nats.nats_url.clone(), nats.prefix.clone());
            std::thread::spawn(move || {
                Server::start_with(
                    &dir,
                    &[
                        "--database-url",
                        &db,
                        "--nats-url",
                        &url,
                        "--nats-subject-prefix",
                        &prefix,
                        "--send-burst",
                        "100000",
                    ],
                )
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a node started"))
        .collect()
}

/// A user created through `node`, logged in there.
async fn user(node: &str, uname: &str) -> (u64, Client) {
    let admin = Client::new(node).with_admin_token(TOKEN);
    let mid = admin
        .create_user(&CreateUser {
            uname: uname.into(),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .data
        .expect("user created")
        .mid;
    let cookies = admin
        .create_session(mid)
        .await
        .unwrap()
        .data
        .expect("a session");
    (mid, Client::new(node).with_cookies(cookies))
}

/// Every `(seqno, msg_key)` of `client`'s history with `talker`, oldest first.
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

#[test]
fn a_node_killed_under_load_loses_nothing_it_acknowledged() {
    let Some((database_url, nats_url)) = cluster_urls() else {
        return;
    };
    let rt = runtime();
    let db = rt.block_on(TestDatabase::create(&database_url)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let subjects = Subjects::new(&nats_url);
    // Both start at once on an empty schema: one migrates, the other waits.
    let mut nodes = start_nodes(2, dir.path(), &db.url(), &subjects);
    let b = nodes.pop().unwrap();
    let a = nodes.pop().unwrap();
    let (a_base, b_base) = (a.base.clone(), b.base.clone());

    let acknowledged: Vec<u64> = rt.block_on(async {
        let (alice_id, alice) = user(&a_base, "alice").await;
        let (bob_id, bob) = user(&b_base, "bob").await;
        let on =
            |base: &str, c: &Client| Client::new(base).with_cookies(c.cookies().unwrap().clone());
        assert_eq!(
            alice
                .modify_relation(bob_id, Act::Follow)
                .await
                .unwrap()
                .code,
            0
        );
        assert_eq!(
            bob.modify_relation(alice_id, Act::Follow)
                .await
                .unwrap()
                .code,
            0
        );

        // Four senders: each user through each node; a sender whose node
        // is gone reconnects to the other.
        let senders = [
            (on(&a_base, &alice), on(&b_base, &alice), bob_id),
            (on(&b_base, &alice), on(&a_base, &alice), bob_id),
            (on(&a_base, &bob), on(&b_base, &bob), alice_id),
            (on(&b_base, &bob), on(&a_base, &bob), alice_id),
        ];
        let a_dead = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, (first, fallback, to)) in senders.into_iter().enumerate() {
            let (a_dead, sent) = (a_dead.clone(), sent.clone());
            let on_a = i % 2 == 0;
            tasks.spawn(async move {
                let mut keys = Vec::new();
                let mut client = first;
                let mut switched = false;
                for n in 0..60 {
                    match client.send_text(to, &format!("s{i} m{n}")).await {
                        Ok(answer) if answer.code == 0 => {
                            keys.push(answer.data.unwrap().msg_key);
                            sent.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(answer) => panic!("refused: {answer:?}"),
                        // The node died under this request: unknown whether
                        // it was stored; carry on through the other node.
                        Err(err) if !switched => {
                            assert!(on_a && a_dead.load(Ordering::Relaxed), "{err}");
                            client = fallback.clone();
                            switched = true;
                        }
                        Err(err) => panic!("the surviving node failed: {err}"),
                    }
                }
                (keys, switched)
            });
        }
        // Kill node A with SIGKILL once the load is under way.
        while sent.load(Ordering::Relaxed) < 60 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        a_dead.store(true, Ordering::Relaxed);
        let killed = tokio::task::spawn_blocking(move || a.kill9());
        let mut acknowledged = Vec::new();
        let mut reconnected = 0;
        while let Some(done) = tasks.join_next().await {
            let (keys, switched) = done.unwrap();
            acknowledged.extend(keys);
            reconnected += usize::from(switched);
        }
        killed.await.unwrap();
        assert_eq!(reconnected, 2, "both senders on node A lost it mid-load");

        // Through the surviving node: every acknowledged message, once.
        let history = whole_history(&on(&b_base, &alice), bob_id).await;
        let seqnos: Vec<u64> = history.iter().map(|&(s, _)| s).collect();
        assert_eq!(
            seqnos,
            (1..=history.len() as u64).collect::<Vec<_>>(),
            "gap-free"
        );
        let stored: Vec<u64> = history.iter().map(|&(_, k)| k).collect();
        let unique: HashSet<u64> = stored.iter().copied().collect();
        assert_eq!(unique.len(), stored.len(), "no message stored twice");
        for key in &acknowledged {
            assert!(unique.contains(key), "acknowledged message {key} is stored");
        }
        let mut increasing = stored.clone();
        increasing.sort();
        assert_eq!(stored, increasing, "keys increase with seqnos");
        // At most the requests in flight when A died are stored unanswered;
        // the greeting of the mutual follow is one more.
        assert!(stored.len() > acknowledged.len(), "the greeting too");
        assert!(stored.len() <= acknowledged.len() + 1 + 4);
        acknowledged
    });
    assert!(acknowledged.len() >= 200, "{}", acknowledged.len());
    drop(b);
}

/// The `id`, talker and text of every `message` frame until `count` of them
/// came, failing after 10 s; other frames (relations, reads) are skipped.
async fn messages(events: &mut sixin_client::push::Events, count: usize) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    while seen.len() < count {
        let frame = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap_or_else(|_| panic!("only {seen:?} pushed within 10 s"))
            .expect("the connection stays open")
            .unwrap();
        if let ServerFrame::Message { id, message, .. } = frame {
            seen.push((id, message.content));
        }
    }
    seen
}

#[test]
fn a_push_client_resumes_on_the_other_node_after_its_node_is_killed() {
    let Some((database_url, nats_url)) = cluster_urls() else {
        return;
    };
    let rt = runtime();
    let db = rt.block_on(TestDatabase::create(&database_url)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let subjects = Subjects::new(&nats_url);
    let mut nodes = start_nodes(2, dir.path(), &db.url(), &subjects);
    let b = nodes.pop().unwrap();
    let a = nodes.pop().unwrap();
    let (a_base, b_base) = (a.base.clone(), b.base.clone());
    let text = |n: usize| format!("{{\"content\":\"m{n}\"}}");

    let (alice_id, bob_id, last_seen) = rt.block_on(async {
        let (alice_id, alice_on_a) = user(&a_base, "alice").await;
        let (bob_id, bob_on_a) = user(&a_base, "bob").await;
        let alice_on_b = Client::new(&b_base).with_cookies(alice_on_a.cookies().unwrap().clone());
        assert_eq!(
            bob_on_a
                .modify_relation(alice_id, Act::Follow)
                .await
                .unwrap()
                .code,
            0
        );
        let mut events = bob_on_a.events(None).await.expect("push on node A");
        assert!(matches!(
            events.next().await.unwrap().unwrap(),
            ServerFrame::Hello { resumed: false, .. }
        ));
        // Sent through both nodes; Bob's connection on node A gets them all.
        for n in 1..=4 {
            let through = if n % 2 == 0 { &alice_on_a } else { &alice_on_b };
            let sent = through.send_text(bob_id, &format!("m{n}")).await.unwrap();
            assert_eq!(sent.code, 0, "{sent:?}");
        }
        let seen = messages(&mut events, 4).await;
        assert_eq!(
            seen.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
            (1..=4).map(text).collect::<Vec<_>>()
        );
        // Bob has looked at m1..m3 only; m4 is on his screen's way when
        // node A dies.
        (alice_id, bob_id, seen[2].0.clone())
    });
    a.kill9();
    rt.block_on(async move {
        let admin = Client::new(&b_base).with_admin_token(TOKEN);
        let login = |mid: u64| {
            let admin = admin.clone();
            async move { admin.create_session(mid).await.unwrap().data.unwrap() }
        };
        let alice = Client::new(&b_base).with_cookies(login(alice_id).await);
        let bob = Client::new(&b_base).with_cookies(login(bob_id).await);
        for n in 5..=6 {
            assert_eq!(
                alice
                    .send_text(bob_id, &format!("m{n}"))
                    .await
                    .unwrap()
                    .code,
                0
            );
        }
        let mut events = bob.events(Some(&last_seen)).await.expect("push on node B");
        match events.next().await.unwrap().unwrap() {
            ServerFrame::Hello { id, resumed } => {
                assert!(resumed, "resumed on node B from {last_seen}");
                assert_eq!(id, last_seen);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(alice.send_text(bob_id, "m7").await.unwrap().code, 0);
        let missed = messages(&mut events, 4).await;
        assert_eq!(
            missed.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
            (4..=7).map(text).collect::<Vec<_>>(),
            "exactly what was missed, in order, then what came next"
        );
        let ids: Vec<&String> = missed.iter().map(|(id, _)| id).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "no id twice");
        assert!(
            tokio::time::timeout(Duration::from_millis(500), messages(&mut events, 1))
                .await
                .is_err(),
            "nothing twice"
        );
    });
    drop(b);
}
