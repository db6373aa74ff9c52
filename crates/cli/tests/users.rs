//! `sixin user list|sessions|revoke|disable|enable|delete`: managing users
//! and their sessions from the shell.

mod support;

use serde_json::{json, Value};
use support::{admin_post, get_json, sixin, Server, TOKEN};

/// Runs `sixin user <args>` against `base`; its standard output.
fn user(base: &str, args: &[&str]) -> String {
    let mut all = vec!["user"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--server", base, "--admin-token", TOKEN]);
    let (ok, out, err) = sixin(&all);
    assert!(ok, "sixin {all:?}: {err}");
    out
}

fn nav_code(base: &str, cookie: &str) -> Value {
    get_json(&format!("{base}/x/web-interface/nav"), Some(cookie))["code"].clone()
}

#[test]
fn sessions_are_listed_and_ended_and_accounts_disabled_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let base = server.base.as_str();
    assert_eq!(
        admin_post(base, "/admin/v1/users", json!({"mid": 7, "uname": "alice"}))["code"],
        0
    );
    let phone = user(base, &["login", "7", "--format", "cookie"]);
    let laptop = user(base, &["login", "7", "--format", "cookie"]);
    let (phone, laptop) = (phone.trim(), laptop.trim());

    let sessions: Value = serde_json::from_str(&user(base, &["sessions", "7"])).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    let first = sessions[0]["id"].as_str().unwrap();
    assert_eq!(
        user(base, &["revoke", "7", "--session", first]).trim(),
        "ended 1 session"
    );
    let mut codes = [nav_code(base, phone), nav_code(base, laptop)];
    codes.sort_by_key(|c| c.as_i64());
    assert_eq!(codes, [json!(-101), json!(0)], "one ended, the other not");
    assert_eq!(user(base, &["revoke", "7"]).trim(), "ended 1 sessions");
    assert_eq!(nav_code(base, phone), -101);
    assert_eq!(nav_code(base, laptop), -101);

    let again = user(base, &["login", "7", "--format", "cookie"]);
    assert_eq!(user(base, &["disable", "7"]).trim(), "disabled");
    assert_eq!(nav_code(base, again.trim()), -101);
    let (ok, _, err) = sixin(&[
        "user",
        "login",
        "7",
        "--server",
        base,
        "--admin-token",
        TOKEN,
    ]);
    assert!(!ok);
    assert!(err.contains("-102"), "{err}");
    assert_eq!(user(base, &["enable", "7"]).trim(), "enabled");
    user(base, &["login", "7"]);

    let (ok, _, err) = sixin(&[
        "user",
        "delete",
        "7",
        "--server",
        base,
        "--admin-token",
        TOKEN,
    ]);
    assert!(!ok && err.contains("--yes"), "{err}");
    assert_eq!(user(base, &["delete", "7", "--yes"]).trim(), "deleted");
    let listed: Value = serde_json::from_str(&user(base, &["list"])).unwrap();
    assert_eq!(
        listed,
        json!([{"mid": 7, "uname": "账号已注销", "state": "deleted"}])
    );
}
