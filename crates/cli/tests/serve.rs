//! The `sixin` binary as an operator runs it: flags, the user commands,
//! graceful shutdown, and acknowledged writes surviving SIGKILL.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod support;

use support::{admin_post, get_json, runtime, sixin, Server, TOKEN};

#[test]
fn user_add_and_login_print_what_a_script_needs() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let (ok, out, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
        "--uname",
        "alice",
        "--mid",
        "4242",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "4242");

    let (ok, out, err) = sixin(&[
        "user",
        "login",
        "4242",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
        "--format",
        "cookie",
    ]);
    assert!(ok, "{err}");
    let cookie = out.trim();
    assert!(cookie.starts_with("SESSDATA="));
    let nav = get_json(
        &format!("{}/x/web-interface/nav", server.base),
        Some(cookie),
    );
    assert_eq!(nav["code"], 0);
    assert_eq!(nav["data"]["uname"], "alice");

    let (ok, out, _) = sixin(&[
        "user",
        "login",
        "4242",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
    ]);
    assert!(ok);
    assert!(out.lines().any(|l| l.starts_with("SESSDATA=")));
    assert!(out.lines().any(|l| l.starts_with("bili_jct=")));
    assert!(out.lines().any(|l| l == "DedeUserID=4242"));

    // Without --admin-token the token is read from the data directory... which
    // here has none, since the server was given one on the command line.
    let (ok, _, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--uname",
        "bob",
        "--data-dir",
        "/nonexistent",
    ]);
    assert!(!ok);
    assert!(err.contains("admin_token"), "{err}");

    // A refused request exits non-zero with the server's message.
    let (ok, _, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
        "--uname",
        "alice",
    ]);
    assert!(!ok);
    assert!(err.contains("-409"), "{err}");
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    // A burst of concurrent writes, every one acknowledged with code 0...
    let base = server.base.clone();
    let acknowledged: Vec<u64> = runtime().block_on(async move {
        let client = reqwest::Client::new();
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..200u64 {
            let (client, base) = (client.clone(), base.clone());
            requests.spawn(async move {
                let answer: Value = client
                    .post(format!("{base}/admin/v1/users"))
                    .bearer_auth(TOKEN)
                    .json(&json!({"mid": 10_000 + i, "uname": format!("user{i}")}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(answer["code"], 0, "{answer}");
                answer["data"]["mid"].as_u64().unwrap()
            });
        }
        requests.join_all().await
    });
    assert_eq!(acknowledged.len(), 200);
    // ...then the process dies without any chance to clean up.
    server.kill9();

    let server = Server::start(dir.path());
    for mid in acknowledged {
        let answer = admin_post(
            &server.base,
            &format!("/admin/v1/users/{mid}/sessions"),
            json!(null),
        );
        assert_eq!(answer["code"], 0, "user {mid} survived the crash: {answer}");
    }
}

/// `GET path` with a cookie, as JSON.
fn get_with_cookie(base: &str, path: &str, cookie: &str) -> Value {
    get_json(&format!("{base}{path}"), Some(cookie))
}

fn cookie_for(base: &str, mid: u64) -> (String, String) {
    let answer = admin_post(
        base,
        &format!("/admin/v1/users/{mid}/sessions"),
        json!(null),
    );
    let data = &answer["data"];
    let cookie = format!(
        "SESSDATA={}; bili_jct={}; DedeUserID={mid}",
        data["SESSDATA"].as_str().unwrap(),
        data["bili_jct"].as_str().unwrap()
    );
    (cookie, data["bili_jct"].as_str().unwrap().to_owned())
}

/// Sends a text message; the answer's JSON.
async fn send(
    client: &reqwest::Client,
    base: &str,
    (cookie, jct): &(String, String),
    from: u64,
    to: u64,
    text: &str,
    ts: i64,
) -> Value {
    let content = json!({ "content": text }).to_string();
    let form = [
        ("msg[sender_uid]", from.to_string()),
        ("msg[receiver_id]", to.to_string()),
        ("msg[receiver_type]", "1".to_string()),
        ("msg[msg_type]", "1".to_string()),
        ("msg[dev_id]", "SAME-DEVICE".to_string()),
        ("msg[timestamp]", ts.to_string()),
        ("msg[content]", content),
        ("csrf", jct.clone()),
    ];
    client
        .post(format!("{base}/web_im/v1/web_im/send_msg"))
        .header("Cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[test]
fn a_crash_during_a_burst_of_sends_loses_nothing_acknowledged_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(dir.path(), &["--send-burst", "100000"]);
    for (mid, name) in [(1u64, "alice"), (2, "bob")] {
        let answer = admin_post(
            &server.base,
            "/admin/v1/users",
            json!({"mid": mid, "uname": name}),
        );
        assert_eq!(answer["code"], 0);
    }
    let alice = cookie_for(&server.base, 1);
    let bob = cookie_for(&server.base, 2);
    let base = server.base.clone();
    let sent = runtime().block_on(async {
        let client = reqwest::Client::new();
        assert_eq!(send(&client, &base, &alice, 1, 2, "hi", 1).await["code"], 0);
        assert_eq!(send(&client, &base, &bob, 2, 1, "hi", 1).await["code"], 0);
        // 300 concurrent sends; the process is killed while they are in flight.
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..300i64 {
            let (client, base, alice) = (client.clone(), base.clone(), alice.clone());
            requests.spawn(async move {
                let answer = send(
                    &client,
                    &base,
                    &alice,
                    1,
                    2,
                    &format!("burst {i}"),
                    1000 + i,
                )
                .await;
                (i, answer)
            });
        }
        let mut acknowledged = Vec::new();
        let mut seen = 0;
        while let Some(done) = requests.join_next().await {
            let Ok((i, answer)) = done else { continue };
            if answer["code"] == 0 {
                acknowledged.push((i, answer["data"]["msg_key"].as_u64().unwrap()));
            }
            seen += 1;
            if seen == 150 {
                // Half the burst is still in flight: kill the server now.
                server.child.kill().unwrap();
                server.child.wait().unwrap();
                break;
            }
        }
        acknowledged
    });
    assert!(sent.len() >= 150);

    let server = Server::start(dir.path());
    let base = server.base.clone();
    let mut keys = Vec::new();
    let mut end: Option<u64> = None;
    loop {
        let mut path =
            "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=1&session_type=1&size=200"
                .to_owned();
        if let Some(end) = end {
            path.push_str(&format!("&end_seqno={end}"));
        }
        let page = get_with_cookie(&base, &path, &cookie_for(&base, 2).0);
        let messages = page["data"]["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        keys.extend(messages.iter().map(|m| m["msg_key"].as_u64().unwrap()));
        if page["data"]["has_more"] == 0 {
            break;
        }
        end = page["data"]["min_seqno"].as_u64();
    }
    let mut unique = keys.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "no message stored twice");
    for (i, key) in &sent {
        assert!(
            keys.contains(key),
            "acknowledged message {i} ({key}) survived"
        );
    }
    // A client retrying an acknowledged send after the crash gets the same key.
    let (i, key) = sent[0];
    let alice = cookie_for(&base, 1);
    let retried = runtime().block_on(async {
        send(
            &reqwest::Client::new(),
            &base,
            &alice,
            1,
            2,
            &format!("burst {i}"),
            1000 + i,
        )
        .await
    });
    assert_eq!(retried["data"]["msg_key"].as_u64(), Some(key));
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let answer = admin_post(&server.base, "/admin/v1/users", json!({"uname": "zoe"}));
    assert_eq!(answer["code"], 0);
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit: {exit:?}");
    // The WAL was folded back at shutdown.
    let wal = dir.path().join("sixin.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

#[test]
fn flags_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .arg("serve")
        .env("SIXIN_LISTEN", "127.0.0.1:0")
        .env("SIXIN_DATA_DIR", dir.path())
        .env("SIXIN_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut saw = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        saw.push_str(&line);
        saw.push('\n');
        if line.contains("bound=") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(saw.contains("bound=127.0.0.1:"), "{saw}");
    // No token was configured, so one was generated where the log says.
    assert!(dir.path().join("admin_token").exists(), "{saw}");
    assert!(saw.contains("admin_token"), "{saw}");
}
