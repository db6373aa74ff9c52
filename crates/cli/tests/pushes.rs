//! `sixin push`: deliveries and withdrawals from the shell against a
//! running server.

mod support;

use serde_json::{json, Value};
use support::{admin_post, get_json, sixin, Server, TOKEN};

#[test]
fn pushes_are_delivered_followed_and_withdrawn_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    for (mid, uname) in [(21, "小助手"), (22, "ann"), (23, "bob")] {
        let created = admin_post(
            &server.base,
            "/admin/v1/users",
            json!({"mid": mid, "uname": uname}),
        );
        assert_eq!(created["code"], 0);
    }
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = vec!["push"];
        all.extend(args);
        all.extend(["--server", server.base.as_str(), "--admin-token", TOKEN]);
        sixin(&all)
    };

    // To a list: delivered before the answer.
    let content = r#"{"content":"维护通知"}"#;
    let (ok, out, err) = run(&[
        "send",
        "--sender",
        "21",
        "--to",
        "22",
        "--to",
        "23",
        "--type",
        "1",
        "--content",
        content,
    ]);
    assert!(ok, "{err}");
    let job: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &job["state"],
            &job["total"],
            &job["delivered"],
            &job["msg_source"]
        ),
        (&json!("done"), &json!(2), &json!(2), &json!(6)),
        "{job}"
    );
    let id = job["job"].as_u64().unwrap().to_string();
    let (ok, out, err) = run(&["status", &id]);
    assert!(ok, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), job);

    // The receiver reads it, byte for byte.
    let ann = cookie_of(&server, 22);
    let history = get_json(
        &format!(
            "{}/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=21&session_type=1&size=20",
            server.base
        ),
        Some(&ann),
    );
    let messages = history["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{history}");
    assert_eq!(messages[0]["content"], content);
    let key = messages[0]["msg_key"].as_u64().unwrap();
    assert_eq!(Some(key), job["msg_key"].as_u64());

    // Withdrawn: gone from the history.
    let (ok, out, err) = run(&["withdraw", &key.to_string()]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), format!("withdrawn {key} (msg_status 2)"));
    let history = get_json(
        &format!(
            "{}/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=21&session_type=1&size=20",
            server.base
        ),
        Some(&ann),
    );
    let shown: Vec<u64> = history["data"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["msg_key"].as_u64())
        .collect();
    assert!(!shown.contains(&key), "{history}");

    // To everyone, in the background: --wait follows it to its end.
    let (ok, out, err) = run(&[
        "send",
        "--sender",
        "21",
        "--all",
        "--type",
        "1",
        "--content",
        content,
        "--wait",
    ]);
    assert!(ok, "{err}");
    let job: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &job["state"],
            &job["receivers"],
            &job["delivered"],
            &job["msg_source"]
        ),
        (&json!("done"), &json!("all"), &json!(2), &json!(5)),
        "{job}"
    );

    // Refusals say why.
    let (ok, _, err) = run(&["withdraw", "99999"]);
    assert!(!ok);
    assert!(err.contains("-404"), "{err}");
    let (ok, _, err) = run(&["status", "99999"]);
    assert!(!ok);
    assert!(err.contains("-404"), "{err}");
    let (ok, _, err) = run(&[
        "send",
        "--sender",
        "21",
        "--to",
        "22",
        "--type",
        "1",
        "--content",
        "not json",
    ]);
    assert!(!ok);
    assert!(err.contains("--content must be JSON"), "{err}");
    let (ok, _, err) = run(&[
        "send",
        "--sender",
        "21",
        "--to",
        "22",
        "--type",
        "4242",
        "--content",
        "{}",
    ]);
    assert!(!ok);
    assert!(err.contains("-400"), "{err}");
}

/// A Cookie header of a new login session of `mid`.
fn cookie_of(server: &Server, mid: u64) -> String {
    let (ok, out, err) = sixin(&[
        "user",
        "login",
        &mid.to_string(),
        "--format",
        "cookie",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
    ]);
    assert!(ok, "{err}");
    out.trim().to_owned()
}
