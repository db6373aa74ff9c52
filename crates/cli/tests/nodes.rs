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

/// Starts `n` nodes at once on one database, NATS and data directory.
fn start_nodes(n: usize, dir: &Path, database_url: &str, nats_url: &str) -> Vec<Server> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (dir, db, nats) = (dir.to_owned(), database_url.to_owned(), nats_url.to_owned());
            std::thread::spawn(move || {
                Server::start_with(
                    &dir,
                    &[
                        "--database-url",
                        &db,
                        "--nats-url",
                        &nats,
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
    // Both start at once on an empty schema: one migrates, the other waits.
    let mut nodes = start_nodes(2, dir.path(), &db.url(), &nats_url);
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
