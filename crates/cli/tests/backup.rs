//! `sixin backup` while the server takes writes, and `sixin restore` into
//! a new directory, compared with the live server.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use sixin_api::admin::LoginCookies;
use sixin_api::message::request::SendMsgForm;
use sixin_client::{Client, EnvelopeExt};
use support::{admin_post, runtime, sixin, Server};

const PIXEL_PNG: &[u8] = include_bytes!("../../server/assets/pixel.png");

fn login(base: &str, mid: u64) -> Client {
    let answer = admin_post(
        base,
        &format!("/admin/v1/users/{mid}/sessions"),
        json!(null),
    );
    let cookies: LoginCookies = serde_json::from_value(answer["data"].clone()).unwrap();
    Client::new(base).with_cookies(cookies)
}

fn text_form(from: u64, to: u64, text: &str, ts: i64) -> SendMsgForm {
    SendMsgForm {
        sender_uid: from,
        receiver_id: to,
        receiver_type: 1,
        msg_type: 1,
        dev_id: Some("BACKUP-TEST".into()),
        timestamp: Some(ts),
        content: json!({ "content": text }).to_string(),
        ..SendMsgForm::default()
    }
}

/// Every message of `client`'s session with `talker`, oldest first.
async fn whole_history(client: &Client, talker: u64) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut end = None;
    loop {
        let page = client
            .fetch_session_msgs(talker, Some(200), None, end)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        let batch = page.messages.unwrap_or_default();
        messages.extend(batch.iter().map(|m| serde_json::to_value(m).unwrap()));
        if page.has_more == 0 || batch.is_empty() {
            break;
        }
        end = Some(page.min_seqno);
    }
    messages.reverse();
    messages
}

#[test]
fn a_backup_taken_under_write_load_restores_to_a_consistent_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with(&data, &["--send-burst", "1000000"]);
    let base = server.base.clone();
    let rt = runtime();
    for (mid, uname) in [(1u64, "alice"), (2, "bob")] {
        let answer = admin_post(
            &base,
            "/admin/v1/users",
            json!({"mid": mid, "uname": uname}),
        );
        assert_eq!(answer["code"], 0);
    }
    let (alice, bob) = (login(&base, 1), login(&base, 2));
    let image = rt.block_on(async {
        assert_eq!(
            alice
                .send_msg(&text_form(1, 2, "hi", 1))
                .await
                .unwrap()
                .code,
            0
        );
        assert_eq!(
            bob.send_msg(&text_form(2, 1, "hi", 1)).await.unwrap().code,
            0
        );
        alice
            .upload_image(PIXEL_PNG.to_vec(), "p.png")
            .await
            .unwrap()
            .into_data()
            .unwrap()
    });

    // Alice writes without pause while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<u64>::new()));
    let writer = {
        let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
        // A client of its own: a pooled connection belongs to the runtime
        // that opened it.
        let alice = Client::new(&base).with_cookies(alice.cookies().unwrap().clone());
        std::thread::spawn(move || {
            runtime().block_on(async {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    i += 1;
                    let sent = alice
                        .send_msg(&text_form(1, 2, &format!("m{i}"), 100 + i))
                        .await
                        .unwrap();
                    assert_eq!(sent.code, 0);
                    acknowledged
                        .lock()
                        .unwrap()
                        .push(sent.data.unwrap().msg_key);
                }
            })
        })
    };
    let waiting = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < 50 {
        assert!(!writer.is_finished(), "the writer stopped");
        assert!(
            waiting.elapsed() < Duration::from_secs(30),
            "the writer is stuck"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let before: Vec<u64> = acknowledged.lock().unwrap().clone();
    let copy = dir.path().join("backup");
    let (ok, out, err) = sixin(&[
        "backup",
        copy.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("backed up"), "{out}");
    // Writes go on after the backup (rather than a pause that may see none
    // on a loaded machine).
    let at_backup = acknowledged.lock().unwrap().len();
    let waiting = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < at_backup + 10 {
        assert!(!writer.is_finished(), "the writer stopped");
        assert!(
            waiting.elapsed() < Duration::from_secs(30),
            "the writer is stuck"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let total = acknowledged.lock().unwrap().len();

    let restored = dir.path().join("restored");
    let (ok, out, err) = sixin(&[
        "restore",
        copy.to_str().unwrap(),
        "--data-dir",
        restored.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("restored"), "{out}");
    // Restoring over a database is refused.
    let (ok, _, err) = sixin(&[
        "restore",
        copy.to_str().unwrap(),
        "--data-dir",
        restored.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("already holds a database"), "{err}");

    let copy_server = Server::start(&restored);
    let live = rt.block_on(whole_history(&bob, 1));
    // The same sessions work on the copy: the server key came along.
    let bob_on_copy = Client::new(&copy_server.base).with_cookies(bob.cookies().unwrap().clone());
    let copied = rt.block_on(whole_history(&bob_on_copy, 1));
    println!(
        "acknowledged before the backup: {}, in the copy: {}, by the end: {total}, live history: {}",
        before.len() + 2,
        copied.len(),
        live.len()
    );
    assert_eq!(live.len(), total + 2);
    assert!(
        copied.len() >= before.len() + 2,
        "everything acknowledged before the backup is in it"
    );
    assert_eq!(
        copied[..],
        live[..copied.len()],
        "the copy is the live history up to a point"
    );
    let keys: Vec<u64> = copied
        .iter()
        .map(|m| m["msg_key"].as_u64().unwrap())
        .collect();
    for key in &before {
        assert!(keys.contains(key), "{key} acknowledged before the backup");
    }
    // The upload came along, byte for byte.
    let path = image.image_url.split_once("/bfs/").unwrap().1;
    let bytes = rt.block_on(async {
        reqwest::get(format!("{}/bfs/{path}", copy_server.base))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    assert_eq!(&bytes[..], PIXEL_PNG);
    // And the copy takes writes.
    let sent = rt
        .block_on(bob_on_copy.send_msg(&text_form(2, 1, "after", 99_999)))
        .unwrap();
    assert_eq!(sent.code, 0);
}

#[test]
fn backup_and_restore_point_postgresql_users_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let copy = dir.path().join("copy");
    let copy = copy.to_str().unwrap();
    let url = "postgres://sixin@db.invalid/sixin";
    for args in [
        ["backup", copy, "--data-dir", data, "--database-url", url],
        ["restore", copy, "--data-dir", data, "--database-url", url],
    ] {
        let (ok, _, stderr) = sixin(&args);
        assert!(!ok, "{args:?} refused");
        assert!(stderr.contains("pg_dump"), "{args:?}: {stderr}");
    }
    assert!(
        !dir.path().join("copy").exists(),
        "nothing was written: {copy}"
    );
}
