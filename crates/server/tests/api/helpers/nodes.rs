//! Several nodes of one community: servers sharing a PostgreSQL schema and
//! a data directory (its secrets and uploads), with or without a NATS
//! server between them.

use std::sync::{Arc, Once};

use sixin_server::clock::SystemClock;
use sixin_server::store::postgres::TEST_DATABASE_URL;
use sixin_server::Config;

use super::{init_tracing, launch, test_database, ResumeLog, TestApp, ADMIN_TOKEN};

/// The NATS server the multi-node tests join, from `SIXIN_TEST_NATS_URL`.
pub const TEST_NATS_URL: &str = "SIXIN_TEST_NATS_URL";

/// Two nodes of one community: servers sharing a PostgreSQL schema, a
/// NATS server and a data directory (its secrets and uploads), each
/// adjusted by `adjust`. `None`, after saying so, unless both
/// `SIXIN_TEST_DATABASE_URL` and `SIXIN_TEST_NATS_URL` are set.
pub async fn spawn_two_nodes(adjust: impl Fn(&mut Config)) -> Option<(TestApp, TestApp)> {
    init_tracing();
    let nats = std::env::var(TEST_NATS_URL).ok().filter(|u| !u.is_empty());
    if nats.is_none() {
        skipped(&format!(
            "{TEST_DATABASE_URL} and {TEST_NATS_URL} (e.g. nats://127.0.0.1:4222)"
        ));
        return None;
    }
    two_nodes(nats, adjust).await
}

/// Two nodes sharing a PostgreSQL schema and a data directory but no NATS
/// server: neither hears of what the other does. `None`, after saying so,
/// unless `SIXIN_TEST_DATABASE_URL` is set.
pub async fn spawn_two_nodes_without_nats(
    adjust: impl Fn(&mut Config),
) -> Option<(TestApp, TestApp)> {
    init_tracing();
    two_nodes(None, adjust).await
}

async fn two_nodes(
    nats: Option<String>,
    adjust: impl Fn(&mut Config),
) -> Option<(TestApp, TestApp)> {
    let Some(database) = test_database().await.map(Arc::new) else {
        skipped(TEST_DATABASE_URL);
        return None;
    };
    let shared = tempfile::tempdir().expect("temp dir");
    let data_dir = shared.path().join("data");
    // The first node keeps the shared directory.
    let mut dirs = vec![tempfile::tempdir().expect("temp dir"), shared];
    let mut nodes = Vec::new();
    // Subjects of this pair only: the other tests' communities share the
    // NATS server, with the same mids.
    let prefix = format!("sixin-test-{}", sixin_server::secrets::random_hex(6));
    // Deleted once both nodes are gone.
    let resume_log = nats.as_ref().map(|nats_url| {
        Arc::new(ResumeLog {
            nats_url: nats_url.clone(),
            prefix: prefix.clone(),
        })
    });
    for _ in 0..2 {
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), data_dir.clone());
        config.admin_token = Some(ADMIN_TOKEN.into());
        config.database_url = Some(database.url());
        config.database_connections = 8;
        config.nats_url = nats.clone();
        config.nats_subject_prefix = prefix.clone();
        adjust(&mut config);
        let dir = dirs.pop().expect("a directory per node");
        let mut node = launch(config, Arc::new(SystemClock), dir, Some(database.clone())).await;
        node.resume_log = resume_log.clone();
        nodes.push(node);
    }
    let b = nodes.pop().unwrap();
    let a = nodes.pop().unwrap();
    Some((a, b))
}

/// Says once that the multi-node tests did not run, and what they need.
fn skipped(need: &str) {
    use std::io::Write;
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: the multi-node tests are SKIPPED: they need {need}"
        );
    });
}
