//! Remembered sessions with several nodes (PostgreSQL): a session ended
//! through node A is refused by node B, which had just used it, within
//! `REMOTE_TRUST` when the nodes talk over NATS, and on the very next
//! request when they do not (node B then remembers nothing). Skipped (and
//! said so) without `SIXIN_TEST_DATABASE_URL` (and `SIXIN_TEST_NATS_URL`).

use std::time::{Duration, Instant};

use sixin_client::Client;
use sixin_server::service::accounts::REMOTE_TRUST;

use super::remembered::{accepted, user_with_two_sessions, ENDINGS};
use crate::helpers::{spawn_two_nodes, spawn_two_nodes_without_nats, TestApp};

/// `client`'s login, talking to `node`.
fn on(node: &TestApp, client: &Client) -> Client {
    node.anonymous()
        .with_cookies(client.cookies().expect("logged in").clone())
}

/// Slack for a loaded test machine beyond the bound itself.
const SLACK: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_one_node_is_refused_by_the_other_within_the_bound() {
    let Some((a, b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let talker = a.create_user("talker").await;
    for (i, ending) in ENDINGS.into_iter().enumerate() {
        let (mid, ended, other) = user_with_two_sessions(&a, &format!("user{i}")).await;
        let (ended_on_b, other_on_b) = (on(&b, &ended), on(&b, &other));
        for _ in 0..2 {
            assert!(accepted(&ended_on_b, talker).await, "{ending:?}");
            assert!(accepted(&other_on_b, talker).await, "{ending:?}");
        }
        assert!(
            b.services.accounts.remembered_logins() >= 2,
            "node B remembers the sessions it used"
        );
        ending.end(&a, mid, &ended, &other).await;
        let ended_at = Instant::now();
        assert!(!accepted(&ended, talker).await, "{ending:?} on node A");
        while accepted(&ended_on_b, talker).await {
            assert!(
                ended_at.elapsed() < REMOTE_TRUST + SLACK,
                "{ending:?}: node B still accepts the session after {:?}",
                ended_at.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            accepted(&other_on_b, talker).await,
            ending.spares_the_other(),
            "{ending:?}: the other session on node B"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_that_do_not_talk_remember_no_session() {
    let Some((a, b)) = spawn_two_nodes_without_nats(|_| {}).await else {
        return;
    };
    let talker = a.create_user("talker").await;
    for (i, ending) in ENDINGS.into_iter().enumerate() {
        let (mid, ended, other) = user_with_two_sessions(&a, &format!("user{i}")).await;
        let (ended_on_b, other_on_b) = (on(&b, &ended), on(&b, &other));
        for _ in 0..2 {
            assert!(accepted(&ended_on_b, talker).await, "{ending:?}");
            assert!(accepted(&other_on_b, talker).await, "{ending:?}");
        }
        assert_eq!(b.services.accounts.remembered_logins(), 0);
        ending.end(&a, mid, &ended, &other).await;
        assert!(!accepted(&ended_on_b, talker).await, "{ending:?} on node B");
        assert_eq!(
            accepted(&other_on_b, talker).await,
            ending.spares_the_other(),
            "{ending:?}: the other session on node B"
        );
    }
}
