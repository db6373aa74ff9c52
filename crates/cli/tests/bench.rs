//! `sixin bench --smoke`: every scenario runs for a moment on tiny data
//! against this build, so the bench cannot rot. Nothing here judges speed:
//! only that each scenario ran, succeeded and lost nothing.

use std::process::Command;

/// The report's table rows: (scenario, load, ok, errors).
fn rows(report: &str) -> Vec<(String, String, u64, String)> {
    report
        .lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| scenario") && !line.starts_with("| ---")
        })
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // Leading empty cell, then the 14 columns.
            assert_eq!(cells.len(), 16, "a table row of 14 columns: {line}");
            (
                cells[1].to_owned(),
                cells[2].to_owned(),
                cells[12]
                    .parse()
                    .unwrap_or_else(|_| panic!("ok count in {line}")),
                cells[13].to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_scenario_runs_and_succeeds_on_a_smoke_run() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_sixin"))
        // A small preload, so that the bulk loader runs too.
        .args(["bench", "--smoke", "--sweep", "2"])
        .args([
            "--preload-messages",
            "2000",
            "--preload-users",
            "41",
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("sixin bench runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "sixin bench --smoke failed:\n{stdout}\n{stderr}"
    );
    let rows = rows(&stdout);
    for scenario in [
        "ceiling",
        "send",
        "fetch",
        "sessions",
        "followers",
        "broadcast",
        "push",
    ] {
        let mine: Vec<_> = rows.iter().filter(|r| r.0 == scenario).collect();
        assert!(!mine.is_empty(), "no {scenario} row in\n{stdout}");
        for (_, load, ok, errors) in mine {
            assert!(
                *ok > 0,
                "{scenario} / {load}: no successful request\n{stdout}"
            );
            assert_eq!(errors, "0", "{scenario} / {load}: errors\n{stdout}");
        }
    }
    for load in [
        "new_sessions",
        "single_unread",
        "page 1",
        "page 5",
        "message to event",
    ] {
        assert!(
            rows.iter().any(|r| r.1.starts_with(load)),
            "no {load} row in\n{stdout}"
        );
    }
    assert!(rows.iter().any(|r| r.1.contains("deepest")), "{stdout}");
    assert!(
        rows.iter().any(|r| r.1.contains("idle connections")),
        "{stdout}"
    );
    assert!(stdout.contains("preloaded: 2000 messages"), "{stdout}");
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(report.contains("| send |"), "{report}");
}
