//! A full session through the real binary with every log at trace level, against the simulated
//! tenant and a real gnome-keyring: credentials set (a client secret, a wrong one, then a
//! certificate), token, connection tests, presence writes and reads, and errors (an unknown user,
//! a refused secret, injected faults). Afterwards no client secret, private key or
//! access token may appear in any log, config file or output.

mod support;

use std::fs;

use relay_sim::test_support::TestCertificate;
use relay_sim::{FaultSpec, SimOptions};
use support::keyring::Keyring;
use support::leaks::{self, Needle};
use support::relay::Relay;
use support::tenant::Tenant;

const UNKNOWN_USER: &str = "0badc0de-0000-4000-8000-000000000001";
const WRONG_SECRET: &str = "wR0ng~secret.value_that-Entra-refuses";

/// The session's presence commands for `users`: writes, reads, clears, and an unknown user.
fn presence_round(relay: &Relay, users: &[String]) {
    let mut set = vec!["presence", "set"];
    for user in users {
        set.extend(["--user", user.as_str()]);
    }
    set.extend([
        "--availability",
        "Available",
        "--activity",
        "Available",
        "--message",
        "At the front desk",
    ]);
    relay.run(&set).expect_code(0);
    relay
        .run(&[
            "presence",
            "set",
            "--user",
            &users[0],
            "--availability",
            "DoNotDisturb",
            "--activity",
            "DoNotDisturb",
            "--assertive",
            "--json",
        ])
        .expect_code(0);
    let read = relay.run(&["presence", "get", "--user", &users[0], "--json"]);
    assert_eq!(
        read.expect_code(0).json()["users"][0]["availability"],
        "DoNotDisturb"
    );
    relay
        .run(&["presence", "clear", "--user", &users[0], "--all"])
        .expect_code(0);
    let unknown = relay.run(&[
        "presence",
        "set",
        "--user",
        UNKNOWN_USER,
        "--availability",
        "Away",
        "--activity",
        "Away",
    ]);
    unknown.expect_code(1);
    assert!(unknown.stdout.contains("FAIL"), "{unknown}");
}

#[test]
fn a_full_session_at_trace_level_leaks_no_secret_key_or_token() {
    let daemons = tempfile::tempdir().expect("temp dir");
    let keyring = Keyring::start(daemons.path());
    let tenant = Tenant::start(SimOptions::demo(3));
    let certificate = TestCertificate::shared();
    tenant
        .sim
        .add_certificate_pem(tenant.sim.client_id(), certificate.certificate_pem())
        .expect("the test certificate registers");
    let mut relay = Relay::new(Some(keyring.address()));
    tenant.point(&mut relay);
    relay.env("RUST_LOG", "trace");
    let users = tenant.user_ids();
    let mut user_args = vec!["connection", "test"];
    for user in &users {
        user_args.extend(["--user", user.as_str()]);
    }

    // A secret Entra refuses: the token step fails and says what to fix.
    tenant.set_secret(&relay, WRONG_SECRET).expect_code(0);
    let refused = relay.run(&user_args);
    refused.expect_code(1);
    assert!(refused.stdout.contains("AADSTS7000215"), "{refused}");

    // The demo secret: everything works, also through injected faults.
    tenant.set_secret(&relay, &tenant.secret()).expect_code(0);
    relay
        .run(&["credentials", "status", "--json"])
        .expect_code(0);
    relay.run(&user_args).expect_code(0);
    let json_test = [&user_args[..], &["--json"]].concat();
    assert_eq!(relay.run(&json_test).expect_code(0).json()["ok"], true);
    presence_round(&relay, &users);
    let faults: FaultSpec = "rate=40,codes=429+500+503,drop=10,retry-after=1,seed=5"
        .parse()
        .expect("fault spec");
    tenant.sim.set_faults(faults).expect("faults");
    relay
        .run(&[
            "presence",
            "set",
            "--user",
            &users[1],
            "--user",
            &users[2],
            "--availability",
            "Busy",
            "--activity",
            "InACall",
        ])
        .expect_code(0);
    tenant
        .sim
        .set_faults(FaultSpec::none())
        .expect("faults off");

    // The certificate: the private key signs the assertions from now on.
    let pem_file = relay.scratch().join("relay-cert.pem");
    fs::write(&pem_file, certificate.combined_pem().expose()).expect("certificate file");
    relay
        .run(&[
            "credentials",
            "set",
            "--tenant",
            &tenant.tenant_id(),
            "--client-id",
            &tenant.client_id(),
            "--certificate",
            pem_file.to_str().expect("UTF-8 path"),
        ])
        .expect_code(0);
    relay.run(&["credentials", "status"]).expect_code(0);
    relay.run(&json_test).expect_code(0);
    presence_round(&relay, &users);
    relay.run(&["credentials", "clear"]).expect_code(0);
    relay.run(&user_args).expect_code(1);

    // The session really ran at trace level, and really used tokens.
    let logs: String = support::relay::files_under(&relay.log_dir())
        .iter()
        .map(|file| fs::read_to_string(file).unwrap_or_default())
        .collect();
    assert!(logs.contains("TRACE"), "the log is not at trace level");
    assert!(tenant.sim.counters().tokens_issued >= 3);

    let mut needles = leaks::secret("the demo client secret", &tenant.secret());
    needles.extend(leaks::secret("the refused client secret", WRONG_SECRET));
    needles.extend(leaks::private_key(
        "the private key (PKCS#8)",
        certificate.private_key_pem().expose(),
    ));
    needles.extend(leaks::private_key(
        "the private key (PKCS#1)",
        certificate.private_key_pkcs1_pem().expose(),
    ));
    // The search can find what it looks for: the certificate file it was given holds the key.
    assert!(
        !leaks::findings(&[relay.scratch()], &[], &needles).is_empty(),
        "the leak search cannot see a key in plain sight"
    );
    let found = leaks::findings(&relay.child_dirs(), &relay.runs(), &needles);
    assert!(
        found.is_empty(),
        "secrets where they must not be: {found:#?}"
    );
    let canary = [Needle::new("a canary", "presence-relay")];
    assert!(!leaks::findings(&[relay.log_dir()], &[], &canary).is_empty());
}
