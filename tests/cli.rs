//! The `presence-relay` binary as scripts and admins use it: exit codes, stdout/stderr, and the
//! acceptance points of the config and signals commands. No display is involved.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_presence-relay");

/// Runs the binary with its config and logs in `dir` and without any display.
fn relay(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("PRESENCE_RELAY_CONFIG_DIR", dir.join("config"))
        .env("PRESENCE_RELAY_LOG_DIR", dir.join("logs"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn config_path_works_without_a_display() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = relay(dir.path(), &["config", "path"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        dir.path().join("config/config.json").display().to_string()
    );
    let json = relay(dir.path(), &["config", "path", "--json"]);
    let report: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["config_exists"], false);
}

#[test]
fn the_example_validates_and_each_broken_string_is_reported_at_its_pointer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = relay(dir.path(), &["config", "example"]);
    assert!(example.status.success());
    let file = dir.path().join("f.json");
    std::fs::write(&file, &example.stdout).expect("write");
    let valid = relay(
        dir.path(),
        &["config", "validate", file.to_str().expect("utf8")],
    );
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));

    // One string value at a time becomes a number: exit 2, and its pointer is printed.
    let document: Value = serde_json::from_slice(&example.stdout).expect("json");
    for pointer in [
        "/connection/tenant_id",
        "/users/1/display_name",
        "/rules/2/then/message",
    ] {
        let mut broken = document.clone();
        *broken.pointer_mut(pointer).expect("exists") = Value::from(42);
        std::fs::write(&file, broken.to_string()).expect("write");
        let out = relay(
            dir.path(),
            &["config", "validate", file.to_str().expect("utf8")],
        );
        assert_eq!(out.status.code(), Some(2), "{pointer}");
        assert!(
            text(&out.stderr).contains(&format!(": {pointer}: ")),
            "{pointer} not named in: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn three_errors_are_reported_in_one_run_and_import_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = relay(dir.path(), &["config", "example"]);
    let good = dir.path().join("good.json");
    std::fs::write(&good, &example.stdout).expect("write");
    let installed = relay(
        dir.path(),
        &["config", "import", good.to_str().expect("utf8")],
    );
    assert!(installed.status.success(), "{}", text(&installed.stderr));
    let live = dir.path().join("config/config.json");
    let before = std::fs::read(&live).expect("installed");

    let mut document: Value = serde_json::from_slice(&example.stdout).expect("json");
    document["users"][0]["object_id"] = Value::from("not-a-guid");
    document["rules"][0]["then"]["intent"] = Value::from("sleeping");
    document["settings"]["unknown"] = Value::from(true);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, document.to_string()).expect("write");

    let out = relay(
        dir.path(),
        &["config", "validate", "--json", bad.to_str().expect("utf8")],
    );
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let pointers: Vec<&str> = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["pointer"].as_str())
        .collect();
    for expected in ["/rules/0/then/intent", "/settings"] {
        assert!(
            pointers.contains(&expected),
            "{expected} missing from {pointers:?}"
        );
    }

    let rejected = relay(
        dir.path(),
        &["config", "import", bad.to_str().expect("utf8")],
    );
    assert_eq!(rejected.status.code(), Some(2));
    assert!(text(&rejected.stderr).contains("nothing was changed"));
    assert_eq!(std::fs::read(&live).expect("still there"), before);
}

#[test]
fn usage_errors_exit_2_and_missing_files_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(relay(dir.path(), &["confg"]).status.code(), Some(2));
    let missing = relay(
        dir.path(),
        &["config", "validate", "/nonexistent/file.json"],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("/nonexistent/file.json"));
    let help = relay(dir.path(), &["--help"]);
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("Exit codes"));
}

#[test]
fn output_into_a_closed_pipe_is_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .args(["config", "schema"])
        .env("PRESENCE_RELAY_CONFIG_DIR", dir.path())
        .env("PRESENCE_RELAY_LOG_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away before the schema is written
    let out = child.wait_with_output().expect("exits");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"));
}

/// `presence-relay signals --json` against a fake logind on private buses: a `locked` line
/// follows `LockedHint` changing.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_json_reports_a_lock_from_logind() {
    use relay_signals::testing::{FakeLogind, FakeSessionState, PrivateBus};
    use tokio::io::{AsyncBufReadExt, BufReader};

    let (Some(session), Some(system)) = (
        PrivateBus::start_or_skip("signals_json_reports_a_lock_from_logind"),
        PrivateBus::start_or_skip("signals_json_reports_a_lock_from_logind"),
    ) else {
        return;
    };
    let logind = FakeLogind::serve(&system, FakeSessionState::default())
        .await
        .expect("fake logind");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = tokio::process::Command::new(BIN)
        .args(["signals", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", session.address())
        .env("DBUS_SYSTEM_BUS_ADDRESS", system.address())
        .env("PRESENCE_RELAY_CONFIG_DIR", dir.path())
        .env("PRESENCE_RELAY_LOG_DIR", dir.path())
        .env_remove("DISPLAY")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("a line before the hang guard")
            .expect("readable")
            .expect("still running");
        serde_json::from_str(&line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
    };
    // Wait for logind's first report (its snapshot), then lock.
    loop {
        let event = next().await;
        if event["source"] == "logind" && event["signal"] == "locked" {
            assert_eq!(event["value"], false);
            break;
        }
    }
    logind.set_locked(true).await.expect("lock");
    let changed = Instant::now();
    loop {
        let event = next().await;
        if event["source"] == "logind" && event["signal"] == "locked" {
            assert_eq!(event["value"], true);
            assert!(event["at"]
                .as_str()
                .is_some_and(|at| at.ends_with('Z') || at.contains('+')));
            break;
        }
    }
    assert!(
        changed.elapsed() < Duration::from_secs(1),
        "the locked line came {:?} after LockedHint changed",
        changed.elapsed()
    );
    child.kill().await.expect("kill");
}

/// `calendar inspect --json` prints exactly the golden blocks of a fixture, and bad arguments
/// are usage errors that name the option.
#[test]
fn calendar_inspect_prints_the_golden_blocks() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/crates/relay-calendar/tests/fixtures");
    let cases: Value =
        serde_json::from_slice(&std::fs::read(fixtures.join("cases.json")).expect("cases.json"))
            .expect("json");
    let case = cases
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["file"] == "outlook-windows-tz.ics")
        .expect("the Outlook case");
    let dir = tempfile::tempdir().expect("tempdir");
    let ics = fixtures.join("outlook-windows-tz.ics");
    let field = |name: &str| case[name].as_str().expect("string").to_owned();
    let out = relay(
        dir.path(),
        &[
            "--json",
            "calendar",
            "inspect",
            ics.to_str().expect("utf8"),
            "--from",
            &field("from"),
            "--to",
            &field("to"),
            "--tz",
            &field("tz"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("json");
    let golden: Value = serde_json::from_slice(
        &std::fs::read(fixtures.join("outlook-windows-tz.blocks.json")).expect("golden"),
    )
    .expect("json");
    assert_eq!(printed, golden);

    let bad = relay(
        dir.path(),
        &[
            "calendar",
            "inspect",
            ics.to_str().expect("utf8"),
            "--from",
            "soon",
            "--to",
            "later",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--from"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn audit_filters_and_exports_csv_and_json_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).expect("log dir");
    let line = |at: &str, decided_by: &str, result: &str| {
        serde_json::json!({
            "at": at, "user": "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd", "decided_by": decided_by,
            "write": "setPresence Away/Away PT15M", "result": result, "request_id": null
        })
        .to_string()
    };
    let log = [
        line("2026-03-02T08:00:00Z", "rule: Lunch", "ok"),
        line("2026-03-02T08:05:00Z", "manual override", "ok"),
        line("2026-03-02T08:10:00Z", "rule: Lunch", "TooManyRequests"),
    ]
    .join("\n");
    std::fs::write(logs.join("audit.jsonl"), log + "\n").expect("audit log");

    let csv = relay(dir.path(), &["audit", "--rule", "Lunch", "--format", "csv"]);
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let csv = text(&csv.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert_eq!(rows[0], "time,user,decided_by,write,result,request_id");
    assert!(rows[1].starts_with("2026-03-02T08:00:00Z,"), "{csv}");

    let failed = relay(dir.path(), &["audit", "--result", "failed", "--json"]);
    assert!(failed.status.success());
    let lines: Vec<Value> = text(&failed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"], "TooManyRequests");

    let bad = relay(dir.path(), &["audit", "--since", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}

#[test]
fn run_headless_simulated_shows_the_demo_and_releases_on_interrupt() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(BIN)
        .args(["run", "--headless", "--simulated"])
        .env("PRESENCE_RELAY_CONFIG_DIR", dir.path().join("config"))
        .env("PRESENCE_RELAY_LOG_DIR", dir.path().join("logs"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // A hang guard, not a timing assertion.
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a status line for a demo user");
    assert!(first.contains("available (default action)"), "{first}");
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 30 s after Ctrl+C");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr");
    assert!(status.success(), "{status:?} {stderr}");
    assert!(
        stderr.contains("releasing what this machine holds"),
        "{stderr}"
    );
    let audit = std::fs::read_to_string(dir.path().join("logs/audit.jsonl")).expect("audit");
    assert!(
        audit.contains("release on quit, logoff or sleep"),
        "the release is in the audit log: {audit}"
    );
}
