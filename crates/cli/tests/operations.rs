//! Running sixin as an operator does: one server per data directory,
//! private files whatever the umask, a read-only database refused at
//! start, the admin token from a file, host names and wildcard addresses,
//! the request log, and a backup taken under load restored and compared.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use sixin_api::admin::LoginCookies;
use sixin_client::Client;
use support::{admin_post, get_json, run_to_end, runtime, serve_command, sixin, Server, TOKEN};

const PIXEL_PNG: &[u8] = include_bytes!("../../server/assets/pixel.png");

#[test]
fn a_second_server_on_the_same_directory_refuses_and_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path());
    let (ok, err) = run_to_end(serve_command(dir.path(), &[]));
    assert!(!ok, "the second server must not start");
    let pid = first.child.id().to_string();
    assert!(
        err.contains("in use by another sixin server") && err.contains(&format!("process {pid}")),
        "{err}"
    );
    assert_eq!(
        get_json(&format!("{}/health", first.base), None)["ready"],
        true
    );
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and directory under `dir`, with its mode.
fn modes_under(dir: &Path, found: &mut Vec<(String, bool, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let is_dir = path.is_dir();
        found.push((path.display().to_string(), is_dir, mode(&path)));
        if is_dir {
            modes_under(&path, found);
        }
    }
}

fn login(base: &str, mid: u64) -> Client {
    let answer = admin_post(
        base,
        &format!("/admin/v1/users/{mid}/sessions"),
        json!(null),
    );
    let cookies: LoginCookies = serde_json::from_value(answer["data"].clone()).unwrap();
    Client::new(base).with_cookies(cookies)
}

#[test]
fn everything_in_the_data_directory_is_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_sixin"))
        .args(serve_command(&data, &[]).get_args());
    command.env("SIXIN_LOG", "info");
    let server = Server::spawn(command);
    let answer = admin_post(
        &server.base,
        "/admin/v1/users",
        json!({"mid": 7, "uname": "ann"}),
    );
    assert_eq!(answer["code"], 0);
    let ann = login(&server.base, 7);
    let uploaded = runtime().block_on(ann.upload_image(PIXEL_PNG.to_vec(), "p.png"));
    assert_eq!(uploaded.unwrap().code, 0);

    let mut found = vec![(data.display().to_string(), true, mode(&data))];
    modes_under(&data, &mut found);
    let names: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
    for expected in [
        "sixin.db",
        "sixin.db-wal",
        "sixin.db-shm",
        "server_key",
        "admin_token",
        "lock",
        "uploads",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(expected)),
            "{expected} in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.ends_with(".png")),
        "the upload: {names:?}"
    );
    for (path, is_dir, mode) in found {
        let wanted = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{path} is {mode:o}");
    }
}

#[test]
fn a_read_only_database_refuses_to_start_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    server.terminate();
    server.wait_exit(Duration::from_secs(10)).unwrap();
    drop(server);

    let db = data.join("sixin.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let mut command = serve_command(&data, &[]);
    // Root writes to any file: run the server as nobody, who owns the
    // directory but may only read the database.
    if is_root() {
        for path in [dir.path(), &data] {
            chown_tree(path, 65534);
        }
        let binary = dir.path().join("sixin");
        std::fs::copy(env!("CARGO_BIN_EXE_sixin"), &binary).unwrap();
        chown_tree(&binary, 65534);
        command = Command::new(&binary);
        command
            .args(serve_command(&data, &[]).get_args())
            .env("SIXIN_LOG", "info")
            .uid(65534)
            .gid(65534);
    }
    let (ok, err) = run_to_end(command);
    assert!(!ok, "a read-only database must not start");
    assert!(err.contains(&data.display().to_string()), "{err}");
    assert!(err.contains("read-only"), "{err}");
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    std::fs::metadata(probe.path()).unwrap().uid() == 0
}

fn chown_tree(path: &Path, id: u32) {
    std::os::unix::fs::chown(path, Some(id), Some(id)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), id);
        }
    }
}

#[test]
fn the_admin_token_comes_from_a_file_and_the_data_directory_never_holds_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // First start: a token is generated into the data directory.
    let mut command = serve_command(&data, &[]);
    let args: Vec<_> = command
        .get_args()
        .filter(|a| *a != "--admin-token" && *a != TOKEN)
        .map(|a| a.to_owned())
        .collect();
    command = Command::new(env!("CARGO_BIN_EXE_sixin"));
    command.args(&args).env("SIXIN_LOG", "info");
    let mut first = Server::spawn(command);
    let generated = std::fs::read_to_string(data.join("admin_token")).unwrap();
    first.terminate();
    first.wait_exit(Duration::from_secs(10)).unwrap();

    // Then the operator configures one through a file (never on a command line).
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "from-a-file\n").unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_sixin"));
    command
        .args(&args)
        .env("SIXIN_LOG", "info")
        .env("SIXIN_ADMIN_TOKEN_FILE", &token_file);
    let server = Server::spawn(command);
    let kept = std::fs::read_to_string(data.join("admin_token")).unwrap();
    assert_eq!(kept.trim(), "from-a-file", "was {generated}");

    // The CLI reads the data directory's token, or a file...
    let data_arg = data.display().to_string();
    let (ok, out, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--data-dir",
        &data_arg,
        "--uname",
        "ann",
    ]);
    assert!(ok, "{err}");
    assert!(!out.trim().is_empty());
    let file_arg = token_file.display().to_string();
    let (ok, _, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--admin-token-file",
        &file_arg,
        "--uname",
        "bob",
    ]);
    assert!(ok, "{err}");
    // ...and a wrong one gets a hint, not just -403.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, generated).unwrap();
    let wrong_arg = wrong.display().to_string();
    let (ok, _, err) = sixin(&[
        "user",
        "add",
        "--server",
        &server.base,
        "--admin-token-file",
        &wrong_arg,
        "--uname",
        "cy",
    ]);
    assert!(!ok);
    assert!(
        err.contains("-403") && err.contains(&wrong_arg) && err.contains("admin_token"),
        "{err}"
    );
}

#[test]
fn listen_takes_host_names_and_a_wildcard_needs_a_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let named = Server::spawn({
        let mut command = Command::new(env!("CARGO_BIN_EXE_sixin"));
        command
            .args([
                "serve",
                "--listen",
                "localhost:0",
                "--admin-token",
                TOKEN,
                "--data-dir",
            ])
            .arg(dir.path().join("a"))
            .env("SIXIN_LOG", "info");
        command
    });
    // The log is read by another thread: wait for the line rather than
    // assume it has been read by the time the server answers.
    let started = named.wait_for_log_lines("sixin is listening", 1).join("\n");
    assert!(
        started.contains("public_url=http://localhost:"),
        "{started}"
    );
    drop(named);

    let mut wildcard = Command::new(env!("CARGO_BIN_EXE_sixin"));
    wildcard
        .args([
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--admin-token",
            TOKEN,
            "--data-dir",
        ])
        .arg(dir.path().join("b"));
    let (ok, err) = run_to_end(wildcard);
    assert!(!ok);
    assert!(err.contains("--public-url"), "{err}");

    let public = Server::spawn({
        let mut command = Command::new(env!("CARGO_BIN_EXE_sixin"));
        command
            .args([
                "serve",
                "--listen",
                "0.0.0.0:0",
                "--public-url",
                "https://chat.example.com",
            ])
            .args(["--admin-token", TOKEN, "--data-dir"])
            .arg(dir.path().join("b"))
            .env("SIXIN_LOG", "info");
        command
    });
    assert!(!public.log_lines("every interface").is_empty(), "a warning");
}

#[test]
fn every_request_is_logged_once_with_route_code_and_mid_and_no_secrets() {
    for json_format in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = serve_command(dir.path(), &[]);
        if json_format {
            command.env("SIXIN_LOG_FORMAT", "json");
        }
        let server = Server::spawn(command);
        let answer = admin_post(
            &server.base,
            "/admin/v1/users",
            json!({"mid": 5, "uname": "eve"}),
        );
        assert_eq!(answer["code"], 0);
        let eve = login(&server.base, 5);
        let cookies = eve.cookies().unwrap().clone();
        let nav = runtime().block_on(eve.nav()).unwrap();
        assert_eq!(nav.code, 0);
        get_json(&format!("{}/x/web-interface/nav", server.base), None);

        let lines = server.wait_for_log_lines("/x/web-interface/nav", 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let all = server.log.lock().unwrap().join("\n");
        for secret in [cookies.sessdata.as_str(), cookies.bili_jct.as_str(), TOKEN] {
            assert!(!all.contains(secret), "{secret} logged:\n{all}");
        }
        if json_format {
            let entries: Vec<Value> = lines
                .iter()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let mine = entries
                .iter()
                .find(|e| e["mid"] == 5)
                .expect("eve's request");
            assert_eq!(mine["level"], "INFO");
            assert_eq!(mine["method"], "GET");
            assert_eq!(mine["route"], "/x/web-interface/nav");
            assert_eq!(mine["code"], 0);
            assert_eq!(mine["status"], 200);
            assert!(mine["latency_ms"].as_f64().unwrap() >= 0.0);
            assert!(entries
                .iter()
                .any(|e| e["code"] == -101 && e.get("mid").is_none()));
        } else {
            assert!(
                lines.iter().any(|l| l.contains("code=0")
                    && l.contains("mid=5")
                    && l.contains("latency_ms=")),
                "{lines:?}"
            );
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("code=-101") && !l.contains("mid=")),
                "{lines:?}"
            );
        }
    }
}
