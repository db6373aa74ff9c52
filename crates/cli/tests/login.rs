//! `sixin login`: acting as a logged-in user from the shell.

mod support;

use std::process::Command;

use serde_json::json;
use support::{admin_post, get_json, sixin, Server, TOKEN};

#[test]
fn login_approve_logs_a_polling_browser_in_as_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let answer = admin_post(
        &server.base,
        "/admin/v1/users",
        json!({"mid": 77, "uname": "alice"}),
    );
    assert_eq!(answer["code"], 0);
    let (ok, cookie, err) = sixin(&[
        "user",
        "login",
        "77",
        "--server",
        &server.base,
        "--admin-token",
        TOKEN,
        "--format",
        "cookie",
    ]);
    assert!(ok, "{err}");
    let cookie = cookie.trim().to_owned();

    // A browser asks for a key and polls it.
    let generate = |base: &str| {
        let answer = get_json(
            &format!("{base}/x/passport-login/web/qrcode/generate"),
            None,
        );
        answer["data"]["qrcode_key"].as_str().unwrap().to_owned()
    };
    let poll = |base: &str, key: &str| {
        get_json(
            &format!("{base}/x/passport-login/web/qrcode/poll?qrcode_key={key}"),
            None,
        )
    };
    let key = generate(&server.base);
    assert_eq!(poll(&server.base, &key)["data"]["code"], 86101);

    let (ok, out, err) = sixin(&[
        "login",
        "approve",
        &key,
        "--server",
        &server.base,
        "--cookie",
        &cookie,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("approved"), "{out}");
    let answer = poll(&server.base, &key);
    assert_eq!(answer["data"]["code"], 0, "{answer}");
    let url = answer["data"]["url"].as_str().unwrap();
    assert!(url.contains("DedeUserID=77&"), "logged in as alice: {url}");

    // The cookie may come from the environment, as `eval "$(sixin user
    // login ...)"` followed by `export SIXIN_COOKIE` leaves it.
    let key = generate(&server.base);
    let output = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .args(["login", "approve", &key, "--server", &server.base])
        .env("SIXIN_COOKIE", &cookie)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(poll(&server.base, &key)["data"]["code"], 0);

    // A used key is refused with the server's code and message; so is a
    // missing or incomplete cookie, before anything is sent.
    let (ok, _, err) = sixin(&[
        "login",
        "approve",
        &key,
        "--server",
        &server.base,
        "--cookie",
        &cookie,
    ]);
    assert!(!ok);
    assert!(
        err.contains("86038") && err.contains("二维码已失效"),
        "{err}"
    );
    let key = generate(&server.base);
    let output = Command::new(env!("CARGO_BIN_EXE_sixin"))
        .args(["login", "approve", &key, "--server", &server.base])
        .env_remove("SIXIN_COOKIE")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--cookie"));
    let (ok, _, err) = sixin(&[
        "login",
        "approve",
        &key,
        "--server",
        &server.base,
        "--cookie",
        "DedeUserID=77",
    ]);
    assert!(!ok);
    assert!(err.contains("SESSDATA"), "{err}");
    assert_eq!(
        poll(&server.base, &key)["data"]["code"],
        86101,
        "nothing was approved"
    );
}
