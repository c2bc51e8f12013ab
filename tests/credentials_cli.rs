//! `presence-relay credentials set | status | clear` against a real gnome-keyring on a private
//! session bus, and against no Secret Service at all: the keyring-unavailable error, its exit
//! code, and that nothing is written anywhere then.

mod support;

use std::fs;

use relay_sim::test_support::TestCertificate;
use serde_json::Value;
use support::keyring::{Keyring, PrivateBus};
use support::leaks::{self, Needle};
use support::relay::Relay;

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
/// Shaped like an Entra secret Value (letters, digits and `~._-`).
const SECRET: &str = "kX8Q~credentials.test_SECRET-value-0123";

fn set_secret(relay: &Relay, secret: &str) -> support::relay::Run {
    relay.run_with_stdin(
        &[
            "credentials",
            "set",
            "--tenant",
            TENANT,
            "--client-id",
            CLIENT,
            "--secret-stdin",
        ],
        format!("{secret}\n").as_bytes(),
    )
}

fn config(relay: &Relay) -> Value {
    serde_json::from_str(&fs::read_to_string(relay.config_file()).expect("a config file"))
        .expect("the config is JSON")
}

#[test]
fn set_then_status_and_clear_work_against_a_real_gnome_keyring() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let keyring = Keyring::start(daemons.path());
    let relay = Relay::new(Some(keyring.address()));

    let set = set_secret(&relay, SECRET);
    set.expect_code(0);
    assert!(set.stdout.contains("stored a client secret"), "{set}");
    let connection = &config(&relay)["connection"];
    assert_eq!(connection["tenant_id"], TENANT);
    assert_eq!(connection["client_id"], CLIENT);
    assert_eq!(connection["credential"], "client_secret");

    // Each command is a new process: the secret came back from gnome-keyring, not from memory.
    let status = relay.run(&["credentials", "status"]);
    status.expect_code(0);
    assert!(
        status
            .stdout
            .contains("a client secret is stored in the OS keyring"),
        "{status}"
    );
    let report = relay.run(&["credentials", "status", "--json"]);
    let json = report.expect_code(0).json();
    assert_eq!(json["state"], "configured");
    assert_eq!(json["kind"], "client_secret");
    assert_eq!(json["connection"]["client_id"], CLIENT);

    // A certificate replaces the secret (and the secret's entry is removed).
    let certificate = TestCertificate::shared();
    let file = relay.scratch().join("relay.pem");
    fs::write(&file, certificate.combined_pem().expose()).expect("certificate file");
    let set = relay.run(&[
        "credentials",
        "set",
        "--tenant",
        TENANT,
        "--client-id",
        CLIENT,
        "--certificate",
        file.to_str().expect("UTF-8 path"),
        "--json",
    ]);
    let stored = set.expect_code(0).json();
    assert_eq!(stored["stored"]["kind"], "certificate");
    assert_eq!(config(&relay)["connection"]["credential"], "certificate");
    let status = relay.run(&["credentials", "status", "--json"]).json();
    assert_eq!(status["state"], "configured");
    assert_eq!(
        status["certificate"]["sha1_thumbprint"],
        stored["stored"]["certificate"]["sha1_thumbprint"]
    );

    let cleared = relay.run(&["credentials", "clear"]);
    cleared.expect_code(0);
    assert!(cleared.stdout.contains("removed"), "{cleared}");
    let status = relay.run(&["credentials", "status", "--json"]);
    assert_eq!(status.expect_code(1).json()["state"], "missing");
    let again = relay.run(&["credentials", "clear", "--json"]);
    assert_eq!(again.expect_code(0).json()["removed"], false);

    let mut needles = leaks::secret("the client secret", SECRET);
    needles.extend(leaks::private_key(
        "the private key",
        certificate.private_key_pem().expose(),
    ));
    let found = leaks::findings(&relay.child_dirs(), &relay.runs(), &needles);
    assert!(found.is_empty(), "secrets outside the keyring: {found:#?}");
}

/// What a keyring failure must look like: exit 1, the reason and the fix, and no trace anywhere.
fn assert_unavailable_and_nothing_written(relay: &Relay, expect_reason: Option<&str>) {
    let set = set_secret(relay, SECRET);
    set.expect_code(1);
    assert!(
        set.stderr.contains("the OS keyring is unavailable"),
        "no clear keyring-unavailable error: {set}"
    );
    assert!(
        set.stderr.contains("never stores credentials in a file"),
        "{set}"
    );
    if let Some(reason) = expect_reason {
        assert!(
            set.stderr.contains(reason),
            "the reason is not named: {set}"
        );
    }
    assert!(set.stdout.is_empty(), "{set}");
    let written = relay.files_besides_logs();
    assert!(
        written.is_empty(),
        "files written although the keyring was unavailable: {written:?}"
    );
    // The log records the failure, and nothing secret.
    let found = leaks::findings(
        &relay.child_dirs(),
        &relay.runs(),
        &leaks::secret("the client secret", SECRET),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn with_no_secret_service_set_fails_clearly_and_writes_nothing() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let bus = PrivateBus::start(&daemons.path().join("bus"));
    assert!(!bus.has_secret_service());
    let relay = Relay::new(Some(bus.address()));
    assert_unavailable_and_nothing_written(&relay, Some("org.freedesktop.secrets"));
}

#[test]
fn with_no_session_bus_set_fails_clearly_and_writes_nothing() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let nowhere = format!("unix:path={}", daemons.path().join("no-bus").display());
    assert_unavailable_and_nothing_written(&Relay::new(Some(&nowhere)), None);
    assert_unavailable_and_nothing_written(&Relay::new(None), None);
}

#[test]
fn status_tells_an_unavailable_keyring_from_a_missing_credential() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let bus = PrivateBus::start(&daemons.path().join("bus"));
    let relay = Relay::new(Some(bus.address()));
    let none = relay.run(&["credentials", "status", "--json"]);
    let json = none.expect_code(1).json();
    assert_eq!(json["state"], "not_connected");
    assert!(json["message"]
        .as_str()
        .is_some_and(|m| m.contains("simulated mode") && m.contains("credentials set")));

    let mut document: Value =
        serde_json::from_str(&relay.run(&["config", "example"]).stdout).expect("example");
    document["connection"] = serde_json::json!({ "tenant_id": TENANT, "client_id": CLIENT });
    let example = relay.scratch().join("config.json");
    fs::write(&example, document.to_string()).expect("write");
    relay
        .run(&["config", "import", example.to_str().expect("UTF-8")])
        .expect_code(0);
    let status = relay.run(&["credentials", "status", "--json"]);
    assert_eq!(status.expect_code(1).json()["state"], "keyring_unavailable");
    let clear = relay.run(&["credentials", "clear"]);
    clear.expect_code(1);
    assert!(clear.stderr.contains("keyring is unavailable"), "{clear}");
}

#[test]
fn invalid_input_exits_2_and_nothing_is_stored() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let keyring = Keyring::start(daemons.path());
    let relay = Relay::new(Some(keyring.address()));
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &[
                "--tenant",
                TENANT,
                "--client-id",
                "not-a-guid",
                "--secret-stdin",
            ],
            SECRET,
            "client ID",
        ),
        (
            &[
                "--tenant",
                "contoso corp",
                "--client-id",
                CLIENT,
                "--secret-stdin",
            ],
            SECRET,
            "tenant ID",
        ),
        // The secret's ID (a GUID) instead of its Value: the most common mistake.
        (
            &["--tenant", TENANT, "--client-id", CLIENT, "--secret-stdin"],
            "0c2a7cb6-4ab5-4a4c-9d0e-4fd0c0b1a9b7",
            "not its Value",
        ),
        (
            &[
                "--tenant",
                TENANT,
                "--client-id",
                CLIENT,
                "--certificate",
                "/nonexistent/relay.pfx",
            ],
            "",
            "/nonexistent/relay.pfx",
        ),
    ];
    for (args, stdin, expected) in cases {
        let line = [&["credentials", "set"][..], args].concat();
        let run = relay.run_with_stdin(&line, format!("{stdin}\n").as_bytes());
        run.expect_code(2);
        assert!(
            run.stderr.contains(expected),
            "{expected:?} not said: {run}"
        );
    }
    assert!(relay.files_besides_logs().is_empty());
    let status = relay.run(&["credentials", "status", "--json"]);
    assert_eq!(status.expect_code(1).json()["state"], "not_connected");
    let needles = [Needle::new("the secret", SECRET)];
    assert!(leaks::findings(&relay.child_dirs(), &relay.runs(), &needles).is_empty());
}
