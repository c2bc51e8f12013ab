//! `presence-relay simulate` through the library's entry point (`relay_cli::run`, which the
//! binary calls): exit codes for a good timeline, a bad one, a bad config and the schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use relay_cli::{exit, Cli};

fn run(args: &[&str]) -> ExitCode {
    let cli = Cli::try_parse_from([&["presence-relay"][..], args].concat())
        .unwrap_or_else(|err| panic!("{err}"));
    relay_cli::run(cli.command.expect("a command"), cli.json)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../docs/examples/timeline.json")
        .display()
        .to_string()
}

/// One test, so the environment is set once before any command reads it.
#[test]
fn simulate_exits_0_for_a_good_timeline_and_2_for_bad_input() {
    let home = tempfile::tempdir().expect("temp dir");
    // Keep the commands away from this machine's real config and logs.
    std::env::set_var("PRESENCE_RELAY_CONFIG_DIR", home.path().join("config"));
    std::env::set_var("PRESENCE_RELAY_LOG_DIR", home.path().join("logs"));
    let dir = home.path();
    let example = example();

    assert_eq!(
        run(&["simulate", "--timeline", &example]),
        exit::code(exit::OK)
    );
    assert_eq!(
        run(&["simulate", "--timeline", &example, "--json"]),
        exit::code(exit::OK)
    );
    assert_eq!(run(&["simulate", "--schema"]), exit::code(exit::OK));

    let bad = write(
        dir,
        "bad.json",
        r#"{"start": "2026-03-02T08:00:00Z", "users": ["A"], "end": "1h",
            "events": [{"at": "5m", "event": "lockd"}]}"#,
    );
    let bad = bad.display().to_string();
    assert_eq!(
        run(&["simulate", "--timeline", &bad]),
        exit::code(exit::INVALID)
    );
    assert_eq!(
        run(&["simulate", "--timeline", &bad, "--json"]),
        exit::code(exit::INVALID)
    );

    let config = write(
        dir,
        "config.json",
        r#"{"schema_version": 1, "rules": [{}]}"#,
    );
    let config = config.display().to_string();
    assert_eq!(
        run(&["simulate", "--timeline", &example, "--config", &config]),
        exit::code(exit::INVALID)
    );

    // A valid config whose calendars do not include the one the example's events name.
    let other = write(
        dir,
        "other.json",
        r#"{"schema_version": 1, "rules": [{"name": "Here", "then": {"intent": "available"}}]}"#,
    );
    let other = other.display().to_string();
    assert_eq!(
        run(&["simulate", "--timeline", &example, "--config", &other]),
        exit::code(exit::INVALID)
    );

    let missing = dir.join("missing.json").display().to_string();
    assert_eq!(
        run(&["simulate", "--timeline", &missing]),
        exit::code(exit::FAILURE)
    );
}

#[test]
fn simulate_needs_a_timeline_or_the_schema_but_not_both() {
    for args in [
        &["simulate"][..],
        &["simulate", "--schema", "--timeline", "t.json"],
        &["simulate", "--schema", "--config", "c.json"],
    ] {
        let err = Cli::try_parse_from([&["presence-relay"][..], args].concat())
            .expect_err("a usage error");
        assert_eq!(err.exit_code(), 2, "{args:?}: {err}");
    }
}
