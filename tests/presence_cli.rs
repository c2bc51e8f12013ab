//! `presence-relay connection test` and `presence get | set | clear` through the real binary,
//! against the simulated tenant and a real gnome-keyring: many users under injected faults,
//! what each failing self-test step says, and the input checks that exit 2.

mod support;

use relay_sim::{FaultSpec, SimOptions};
use serde_json::Value;
use support::keyring::Keyring;
use support::relay::{Relay, COMMAND_LIMIT};
use support::tenant::Tenant;

const UNKNOWN_USER: &str = "0badc0de-0000-4000-8000-000000000001";

/// A tenant, a keyring, and the binary pointed at both with the demo secret stored.
struct Setup {
    tenant: Tenant,
    relay: Relay,
    _keyring: Keyring,
    _daemons: tempfile::TempDir,
}

fn connected(options: SimOptions) -> Setup {
    let daemons = tempfile::tempdir().expect("temp dir");
    let keyring = Keyring::start(daemons.path());
    let tenant = Tenant::start(options);
    let mut relay = Relay::new(Some(keyring.address()));
    tenant.point(&mut relay);
    tenant.set_secret(&relay, &tenant.secret()).expect_code(0);
    Setup {
        tenant,
        relay,
        _keyring: keyring,
        _daemons: daemons,
    }
}

fn with_users<'a>(command: &[&'a str], users: &'a [String]) -> Vec<&'a str> {
    let mut line = command.to_vec();
    for user in users {
        line.extend(["--user", user.as_str()]);
    }
    line
}

#[test]
fn presence_set_for_100_users_under_30_percent_faults_applies_to_all() {
    // Seed 10: the fault generator's first draw (the first Graph request's connection) is a
    // drop, so a connection is dropped whatever order the concurrent batches arrive in.
    let faults: FaultSpec = "rate=30,codes=429+500+502+503+504,drop=5,retry-after=2,seed=10"
        .parse()
        .expect("fault spec");
    let setup = connected(SimOptions::demo(100).with_faults(faults));
    let users = setup.tenant.user_ids();
    assert_eq!(users.len(), 100);

    let line = with_users(&["presence", "set", "--json"], &users);
    let line = [
        &line[..],
        &[
            "--availability",
            "Busy",
            "--activity",
            "InACall",
            "--expires",
            "PT1H",
        ],
    ]
    .concat();
    // One run, no script loop: the command keeps going until every user is done.
    let run = setup.relay.run_with(&line, None, COMMAND_LIMIT * 3);
    let report = run.expect_code(0).json();
    assert_eq!(report["ok"], true, "{run}");
    assert_eq!(report["users"].as_array().map(Vec::len), Some(100));

    let client_id = setup.tenant.client_id();
    for summary in setup.tenant.sim.users() {
        let user = setup.tenant.sim.user(summary.id).expect("known user");
        let ours = user
            .sessions
            .iter()
            .find(|session| session.session_id == client_id)
            .unwrap_or_else(|| panic!("no session of ours for {}", summary.id));
        assert_eq!(
            (ours.availability.as_str(), ours.activity.as_str()),
            ("Busy", "InACall"),
            "{}",
            summary.id
        );
    }
    let counters = setup.tenant.sim.counters();
    assert!(
        counters.faults_injected > 0,
        "no fault was injected: {counters:?}"
    );
    assert!(
        counters.connections_dropped > 0,
        "no connection was dropped: {counters:?}"
    );
    assert_eq!(
        counters.early_retries, 0,
        "a request came before its Retry-After expired"
    );
    assert_eq!(counters.responses(400), 0, "Graph answered 400");
}

#[test]
fn connection_test_checks_each_step_and_says_what_to_fix() {
    // No config: simulated mode, and how to connect.
    let alone = Relay::new(None);
    let run = alone.run(&["connection", "test"]);
    run.expect_code(1);
    assert!(run.stdout.contains("FAIL  config"), "{run}");
    assert!(run.stdout.contains("simulated mode"), "{run}");
    assert!(
        run.stdout.contains("presence-relay credentials set"),
        "{run}"
    );

    let setup = connected(SimOptions::demo(2));
    let users = setup.tenant.user_ids();
    let report = setup
        .relay
        .run(&with_users(&["connection", "test", "--json"], &users))
        .expect_code(0)
        .json();
    assert_eq!(report["ok"], true);
    let steps: Vec<&str> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|step| step["step"].as_str())
        .collect();
    let expected_users: Vec<String> = users.iter().map(|user| format!("user {user}")).collect();
    let mut expected = vec!["config", "keyring", "token", "permission"];
    expected.extend(expected_users.iter().map(String::as_str));
    assert_eq!(steps, expected);
    assert!(report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .all(|step| step["ok"] == true && step["fix"].is_null()));

    // An unknown user fails its own step, with the fix.
    let run = setup.relay.run(&[
        "connection",
        "test",
        "--user",
        &users[0],
        "--user",
        UNKNOWN_USER,
    ]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(&format!("ok    user {}", users[0])),
        "{run}"
    );
    assert!(
        run.stdout.contains(&format!("FAIL  user {UNKNOWN_USER}")),
        "{run}"
    );
    assert!(
        run.stdout.contains("fix: check the user's object ID"),
        "{run}"
    );

    // Without Presence.ReadWrite.All: the admin-consent URL.
    let tenant = &setup.tenant;
    tenant
        .sim
        .set_app_roles(tenant.sim.client_id(), Vec::<String>::new())
        .expect("roles");
    let report = setup
        .relay
        .run(&["connection", "test", "--json"])
        .expect_code(1)
        .json();
    let permission = step(&report, "permission");
    assert_eq!(permission["ok"], false);
    let fix = permission["fix"].as_str().expect("a fix");
    assert!(
        fix.contains(&format!(
            "/{}/adminconsent?client_id={}",
            tenant.tenant_id(),
            tenant.client_id()
        )),
        "{fix}"
    );

    // The credential gone from the keyring: the step says how to store it again.
    setup.relay.run(&["credentials", "clear"]).expect_code(0);
    let report = setup
        .relay
        .run(&["connection", "test", "--json"])
        .expect_code(1)
        .json();
    let keyring = step(&report, "keyring");
    assert_eq!(keyring["ok"], false);
    assert!(keyring["fix"]
        .as_str()
        .is_some_and(|fix| fix.contains("credentials set --tenant")));
    assert!(report["steps"]
        .as_array()
        .is_some_and(|steps| steps.len() == 2));
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|step| step["step"] == name))
        .unwrap_or_else(|| panic!("no step {name} in {report}"))
}

#[test]
fn presence_get_set_and_clear_report_per_user() {
    let setup = connected(SimOptions::demo(2));
    let users = setup.tenant.user_ids();
    let relay = &setup.relay;

    let set = relay.run(&[
        "presence",
        "set",
        "--user",
        &users[0],
        "--availability",
        "BeRightBack",
        "--activity",
        "BeRightBack",
        "--assertive",
        "--message",
        "Back in 10 minutes",
    ]);
    set.expect_code(0);
    assert!(
        set.stdout.starts_with(&format!("ok    {}", users[0])),
        "{set}"
    );
    assert!(
        set.stdout
            .contains("preferred BeRightBack/BeRightBack for PT15M"),
        "{set}"
    );

    let get = relay.run(&["presence", "get", "--user", &users[0], "--user", &users[1]]);
    get.expect_code(0);
    assert!(
        get.stdout
            .contains(&format!("{}  BeRightBack/BeRightBack", users[0])),
        "{get}"
    );
    assert!(
        get.stdout.contains("status message: Back in 10 minutes"),
        "{get}"
    );
    let json = relay
        .run(&["presence", "get", "--user", &users[0], "--json"])
        .expect_code(0)
        .json();
    assert_eq!(json["users"][0]["status_message"], "Back in 10 minutes");
    assert_eq!(json["users"][0]["out_of_office"]["is_out_of_office"], false);

    let clear = relay.run(&["presence", "clear", "--user", &users[0], "--all", "--json"]);
    let report = clear.expect_code(0).json();
    let actions: Vec<&str> = report["users"][0]["writes"]
        .as_array()
        .expect("writes")
        .iter()
        .filter_map(|write| write["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "clearUserPreferredPresence",
            "clearPresence",
            "setStatusMessage"
        ]
    );
    let shown = setup
        .tenant
        .sim
        .user(setup.tenant.sim.users()[0].id)
        .expect("user");
    assert!(shown.preferred.is_none() && shown.status_message.is_none());
    assert!(shown
        .sessions
        .iter()
        .all(|s| s.session_id != setup.tenant.client_id()));

    // Clearing again: Graph's 404 for "no session" means already clear.
    let again = relay.run(&["presence", "clear", "--user", &users[0]]);
    again.expect_code(0);
    assert!(again.stdout.contains("no session to clear"), "{again}");

    // One unknown user fails on its own; the others are done; exit 1.
    let mixed = relay.run(&[
        "presence",
        "set",
        "--user",
        &users[1],
        "--user",
        UNKNOWN_USER,
        "--availability",
        "Away",
        "--activity",
        "Away",
    ]);
    mixed.expect_code(1);
    assert!(
        mixed.stdout.contains(&format!("ok    {}", users[1])),
        "{mixed}"
    );
    assert!(
        mixed
            .stdout
            .contains(&format!("FAIL  {UNKNOWN_USER}  setPresence")),
        "{mixed}"
    );
    assert!(mixed.stderr.contains("1 of 2 users done"), "{mixed}");
}

#[test]
fn input_is_checked_before_anything_is_sent() {
    let relay = Relay::new(None);
    let user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
    let illegal = relay.run(&[
        "presence",
        "set",
        "--user",
        user,
        "--availability",
        "Busy",
        "--activity",
        "Busy",
    ]);
    illegal.expect_code(2);
    for legal in [
        "Available/Available",
        "Busy/InACall",
        "DoNotDisturb/Presenting",
    ] {
        assert!(
            illegal.stderr.contains(legal),
            "{legal} not listed: {illegal}"
        );
    }
    let preferred = relay.run(&[
        "presence",
        "set",
        "--user",
        user,
        "--availability",
        "Offline",
        "--activity",
        "Away",
        "--assertive",
    ]);
    preferred.expect_code(2);
    assert!(preferred.stderr.contains("Offline/OffWork"), "{preferred}");
    relay
        .run(&["presence", "get", "--user", "adele@contoso.com"])
        .expect_code(2);
    relay
        .run(&[
            "presence",
            "set",
            "--user",
            user,
            "--message",
            "x",
            "--expires",
            "PT5H",
        ])
        .expect_code(2);

    // Legal input but no connection: simulated mode, and how to connect.
    let unconnected = relay.run(&["presence", "get", "--user", user]);
    unconnected.expect_code(1);
    assert!(
        unconnected.stderr.contains("simulated mode"),
        "{unconnected}"
    );
    assert!(
        unconnected.stderr.contains("credentials set"),
        "{unconnected}"
    );
    assert!(relay.files_besides_logs().is_empty());
}
