//! Moving a community over, as an operator does: a data directory filled
//! through the HTTP API of a real `sixin serve` (SQLite), moved by `sixin
//! migrate-data` into a throwaway PostgreSQL schema (the first run
//! interrupted half-way, the second carrying on), then served from there
//! by `sixin serve --database-url`: everything reads back the same, old
//! cookies and pending QR logins still work, the uploads download, and
//! sending carries on with fresh keys and gap-free seqnos.
//!
//! Skipped (and said so) without `SIXIN_TEST_DATABASE_URL`.

use std::process::Command;

use serde_json::Value;
use sixin_api::relation::Act;
use sixin_client::Client;
use sixin_server::store::postgres::{derived_disagreements, test_database_url, TestDatabase};

mod community;
#[path = "../support/mod.rs"]
mod support;

use community::{client, done, fill, get, ok, views, PNG, PUBLIC_URL};
use support::{runtime, Server};

/// Runs `sixin migrate-data`; whether it succeeded, its stdout and stderr.
fn migrate(from: &std::path::Path, to: &str, extra: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .arg("migrate-data")
        .arg("--from")
        .arg(from)
        .args(["--to", to])
        .args(extra)
        .output()
        .expect("run sixin migrate-data");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Stops a server as an operator does (SIGTERM) and waits for it.
fn stop(mut server: Server) {
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    server.child.wait().unwrap();
}

#[test]
fn a_community_moved_to_postgresql_reads_back_the_same_and_carries_on() {
    let Some(url) = test_database_url() else {
        return;
    };
    let rt = runtime();
    let db = rt.block_on(TestDatabase::create(&url)).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let sqlite = Server::start_with(dir.path(), &["--public-url", PUBLIC_URL]);
    let community = rt.block_on(fill(&sqlite.base));
    // Reads that record something (who looked at their followers) are
    // done once before the views that are compared.
    rt.block_on(views(&sqlite.base, &community));
    let before = rt.block_on(views(&sqlite.base, &community));
    stop(sqlite);
    let bob = &community.members[1];
    let history = &before[&format!(
        "alice /svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={}&session_type=1&size=100",
        bob.mid
    )];
    assert!(
        history["data"]["messages"].as_array().unwrap().len() >= 5,
        "{history}"
    );
    let sessions = &before["alice /session_svr/v1/session_svr/get_sessions?session_type=1&size=50"];
    assert!(
        sessions["data"]["session_list"].as_array().unwrap().len() >= 2,
        "{sessions}"
    );

    // Interrupted half-way (in batches of 5), then carried on.
    let (finished, _, stderr) = migrate(
        dir.path(),
        &db.url(),
        &["--batch-rows", "5", "--stop-after-rows", "30"],
    );
    assert!(!finished, "the first run stops");
    assert!(
        stderr.contains("stopped after copying") && stderr.contains("run again"),
        "{stderr}"
    );
    let half = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.url(),
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let why = String::from_utf8_lossy(&half.stderr);
    assert!(
        !half.status.success() && why.contains("not verified yet"),
        "a node refuses a half-copied database: {why}"
    );
    let (finished, report, stderr) = migrate(dir.path(), &db.url(), &["--batch-rows", "5"]);
    assert!(finished, "{report}\n{stderr}");
    assert!(
        report.contains("carrying on from an earlier run"),
        "{report}"
    );
    assert!(
        report.contains("verified: every table has the same rows"),
        "{report}"
    );
    assert!(!report.contains("DIFFERENT"), "{report}");

    let postgres = Server::start_with(
        dir.path(),
        &["--public-url", PUBLIC_URL, "--database-url", &db.url()],
    );
    let base = postgres.base.clone();
    let after = rt.block_on(views(&base, &community));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let refused: Vec<&String> = before
        .iter()
        .filter(|(_, answer)| answer["code"] != 0)
        .map(|(view, _)| view)
        .collect();
    assert!(
        refused.iter().all(|v| v.contains("session_detail")),
        "only sessions that never were are refused: {refused:#?}"
    );
    for (view, answer) in &before {
        assert_eq!(&after[view], answer, "{view} reads back the same");
    }

    rt.block_on(async {
        let [alice, bob, carol, shop] = &community.members[..] else {
            unreachable!()
        };
        // The old cookies log in, and their csrf token still holds.
        let nav = get(&base, "/x/web-interface/nav", Some(&alice.cookies)).await;
        assert_eq!(nav["data"]["isLogin"], true);
        let (by_password, _) = Client::new(&base)
            .login("alice", "alice's password")
            .await
            .unwrap();
        assert_eq!(by_password.code, 0, "{by_password:?}");

        // The uploads download.
        let image = reqwest::get(format!("{base}{}", community.image_path))
            .await
            .unwrap();
        assert_eq!(image.status(), 200);
        assert_eq!(image.bytes().await.unwrap().to_vec(), PNG);
        let file = reqwest::get(format!("{base}{}", community.file_path))
            .await
            .unwrap();
        assert_eq!(file.status(), 200, "a link handed out before the move");
        assert_eq!(file.bytes().await.unwrap().to_vec(), b"invoice 42");

        // QR logins are where they were: waiting, scanned, confirmed.
        let anonymous = Client::new(&base);
        let (pending, _) = anonymous.qr_poll(&community.qr_pending).await.unwrap();
        assert_eq!(pending.data.unwrap().code, 86101);
        let (scanned, _) = anonymous.qr_poll(&community.qr_scanned).await.unwrap();
        assert_eq!(scanned.data.unwrap().code, 86090);
        let (confirmed, logged_in) = anonymous.qr_poll(&community.qr_confirmed).await.unwrap();
        assert_eq!(confirmed.data.unwrap().code, 0);
        let carol_by_qr = logged_in.expect("cookies of the confirmed QR login");
        let nav = carol_by_qr.nav().await.unwrap();
        assert_eq!(nav.data.unwrap()["mid"], carol.mid);

        // Sending carries on: fresh keys above every old one, seqnos
        // without a gap.
        let alice_now = client(&base, &alice.cookies);
        let bob_now = client(&base, &bob.cookies);
        let mut keys = Vec::new();
        for text in ["after the move", "still here"] {
            let sent = ok("send", alice_now.send_text(bob.mid, text).await.unwrap()).await;
            keys.push(sent.msg_key);
        }
        let reply = ok(
            "reply",
            bob_now.send_text(alice.mid, "welcome").await.unwrap(),
        )
        .await;
        keys.push(reply.msg_key);
        assert!(keys[0] > community.largest_msg_key, "{keys:?}");
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        let history = ok(
            "history",
            bob_now
                .fetch_session_msgs(alice.mid, Some(100), None, None)
                .await
                .unwrap(),
        )
        .await;
        let mut messages: Vec<(u64, u64)> = history
            .messages
            .unwrap()
            .iter()
            .map(|m| (m.msg_seqno, m.msg_key))
            .collect();
        messages.sort();
        let seqnos: Vec<u64> = messages.iter().map(|m| m.0).collect();
        assert_eq!(seqnos, (1..=seqnos.len() as u64).collect::<Vec<_>>());
        assert_eq!(
            messages[messages.len() - 3..]
                .iter()
                .map(|m| m.1)
                .collect::<Vec<_>>(),
            keys,
            "the new messages come last, in order"
        );
        assert!(
            messages.windows(2).all(|w| w[0].1 < w[1].1),
            "keys follow seqnos"
        );

        // The fan group carries on too: its seqnos without a gap.
        let group_send = ok(
            "group send",
            alice_now
                .send_group_text(community.group, "after the move", &[])
                .await
                .unwrap(),
        )
        .await;
        assert!(group_send.msg_key > community.largest_msg_key);
        let group_history = ok(
            "group history",
            bob_now
                .fetch_group_msgs(community.group, Some(100), None, None)
                .await
                .unwrap(),
        )
        .await;
        // (The group's notices of who joined are messages of it too.)
        let mut group_messages: Vec<(u64, u64)> = group_history
            .messages
            .unwrap()
            .iter()
            .map(|m| (m.msg_seqno, m.msg_key))
            .collect();
        group_messages.sort();
        let n = group_messages.len() as u64;
        assert!(n >= 3, "{group_messages:?}");
        assert_eq!(
            group_messages.iter().map(|m| m.0).collect::<Vec<_>>(),
            (1..=n).collect::<Vec<_>>()
        );
        assert_eq!(
            group_messages[group_messages.len() - 1].1,
            group_send.msg_key
        );

        // New groups and relations come after the old ones.
        let tag = ok("tag", alice_now.create_tag("after").await.unwrap())
            .await
            .tagid;
        assert!(
            tag > *community.tags[&alice.mid].iter().max().unwrap() + 1,
            "past the deleted group's id too"
        );
        let shop_now = client(&base, &shop.cookies);
        done(
            "follow",
            shop_now
                .modify_relation(alice.mid, Act::Follow)
                .await
                .unwrap(),
        );
        let followers = get(
            &base,
            &format!("/x/relation/followers?vmid={}&ps=50", alice.mid),
            Some(&alice.cookies),
        )
        .await;
        let mids: Vec<&Value> = followers["data"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| &f["mid"])
            .collect();
        assert_eq!(mids, [shop.mid, bob.mid], "the newest follower first");
        // What PostgreSQL derives from relations (follower rows and
        // buckets, counts), written by the copy and by the follow since,
        // agrees with them.
        assert_eq!(derived_disagreements(&db.url()).await, []);
    });
}
