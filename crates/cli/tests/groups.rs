//! `sixin group`: managing fan groups from the shell against a running
//! server.

mod support;

use serde_json::{json, Value};
use support::{admin_post, sixin, Server, TOKEN};

#[test]
fn groups_are_created_filled_frozen_and_dissolved_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    for (mid, uname) in [(11, "owner"), (12, "fan")] {
        let created = admin_post(
            &server.base,
            "/admin/v1/users",
            json!({"mid": mid, "uname": uname}),
        );
        assert_eq!(created["code"], 0);
    }
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = vec!["group"];
        all.extend(args);
        all.extend(["--server", server.base.as_str(), "--admin-token", TOKEN]);
        sixin(&all)
    };
    let (ok, out, err) = run(&[
        "create",
        "--owner",
        "11",
        "--name",
        "测试应援团",
        "--id",
        "500",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "500");
    let (ok, _, err) = run(&["add", "500", "12"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["freeze", "500"]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["show", "500"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["members"], json!([11, 12]));
    assert_eq!(shown["frozen"], true);
    let (ok, _, err) = run(&["unfreeze", "500"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["edit", "500", "--name", "改名了"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["remove", "500", "12"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["remove", "500", "12"]);
    assert!(!ok);
    assert!(err.contains("-404"), "{err}");
    let (ok, _, err) = run(&["dissolve", "500"]);
    assert!(ok, "{err}");
    let (_, out, _) = run(&["show", "500"]);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (shown["name"].as_str(), shown["dissolved"].as_bool()),
        (Some("改名了"), Some(true))
    );
    let (ok, _, err) = run(&["add", "500", "12"]);
    assert!(!ok);
    assert!(err.contains("700013"), "{err}");
}
