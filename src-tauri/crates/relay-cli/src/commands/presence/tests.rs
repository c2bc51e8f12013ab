use chrono::TimeZone;
use clap::Parser;
use relay_core::graph_presence::SessionExpiration;

use chrono::{DateTime, Utc};
use relay_core::graph_presence::{PreferredExpiration, PreferredPair, SessionPair};
use relay_graph::{OpOutcome, PresenceOp, StatusMessage};

use super::plan::{plan_clear, plan_set};
use super::report::group_by_user;
use crate::args::{Cli, Command, PresenceCommand};
use crate::commands::until_done::Ended;

const ADELE: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const BEN: &str = "3c1f44a5-0e8b-4f6e-9d1a-5b2c7e8f9a01";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn parse(args: &[&str]) -> PresenceCommand {
    let mut line = vec!["presence-relay", "presence"];
    line.extend_from_slice(args);
    match Cli::try_parse_from(line).expect("parses").command {
        Some(Command::Presence(command)) => command,
        other => panic!("not a presence command: {other:?}"),
    }
}

fn planned_set(args: &[&str]) -> Result<Vec<PresenceOp>, String> {
    match parse(args) {
        PresenceCommand::Set(args) => plan_set(&args, now()),
        other => panic!("not set: {other:?}"),
    }
}

fn planned_clear(args: &[&str]) -> Vec<PresenceOp> {
    match parse(args) {
        PresenceCommand::Clear(args) => plan_clear(&args),
        other => panic!("not clear: {other:?}"),
    }
}

fn minutes(value: u64) -> SessionExpiration {
    SessionExpiration::from_minutes(value).expect("in range")
}

#[test]
fn a_polite_set_writes_our_session_for_each_user_once() {
    let ops = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--user",
        BEN,
        "--user",
        ADELE,
        "--availability",
        "busy",
        "--activity",
        "inacall",
    ])
    .expect("legal pair");
    let expected: Vec<PresenceOp> = [ADELE, BEN]
        .into_iter()
        .map(|user| PresenceOp::SetPresence {
            user: user.to_owned(),
            pair: SessionPair::BusyInACall,
            expiration: minutes(15),
        })
        .collect();
    assert_eq!(ops, expected);
}

#[test]
fn an_assertive_set_writes_the_preferred_presence_and_holds_a_session_beside_it() {
    let ops = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--availability",
        "BeRightBack",
        "--activity",
        "BeRightBack",
        "--assertive",
        "--expires",
        "PT1H",
    ])
    .expect("legal preferred pair");
    assert_eq!(
        ops,
        vec![
            PresenceOp::SetPreferredPresence {
                user: ADELE.to_owned(),
                pair: PreferredPair::BeRightBack,
                expiration: Some(PreferredExpiration::from_minutes(60).expect("in range")),
            },
            // Be right back has no session pair: the planner holds Away, the weakest.
            PresenceOp::SetPresence {
                user: ADELE.to_owned(),
                pair: SessionPair::Away,
                expiration: minutes(60),
            },
        ]
    );
    let dnd = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--availability",
        "DoNotDisturb",
        "--activity",
        "DoNotDisturb",
        "--assertive",
    ])
    .expect("legal");
    assert!(dnd.contains(&PresenceOp::SetPresence {
        user: ADELE.to_owned(),
        pair: SessionPair::DoNotDisturbPresenting,
        expiration: minutes(15),
    }));
}

#[test]
fn illegal_pairs_are_refused_with_the_legal_choices() {
    let polite = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--availability",
        "Busy",
        "--activity",
        "Busy",
    ])
    .expect_err("Busy/Busy is not a session pair");
    assert!(polite.contains("setPresence"), "{polite}");
    assert!(polite.contains("Busy/InACall"), "{polite}");
    assert!(polite.ends_with("add --assertive"), "{polite}");
    let assertive = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--availability",
        "Busy",
        "--activity",
        "InACall",
        "--assertive",
    ])
    .expect_err("Busy/InACall is not a preferred pair");
    assert!(
        assertive.contains("setUserPreferredPresence"),
        "{assertive}"
    );
    assert!(assertive.contains("Offline/OffWork"), "{assertive}");
    assert!(assertive.contains("without --assertive"), "{assertive}");
    let neither = planned_set(&[
        "set",
        "--user",
        ADELE,
        "--availability",
        "Offline",
        "--activity",
        "Away",
    ])
    .expect_err("no such pair anywhere");
    assert!(!neither.contains("--assertive"), "{neither}");
}

#[test]
fn the_message_lasts_as_long_as_the_presence_and_empty_text_clears_it() {
    let ops = planned_set(&["set", "--user", ADELE, "--message", "At the front desk"])
        .expect("message only");
    assert_eq!(
        ops,
        vec![PresenceOp::SetStatusMessage {
            user: ADELE.to_owned(),
            message: Some(StatusMessage::new(
                "At the front desk",
                Some(now() + chrono::Duration::minutes(15))
            )),
        }]
    );
    let cleared = planned_set(&["set", "--user", ADELE, "--message", ""]).expect("clear");
    assert_eq!(
        cleared,
        vec![PresenceOp::SetStatusMessage {
            user: ADELE.to_owned(),
            message: None,
        }]
    );
}

#[test]
fn clear_takes_our_session_and_what_the_flags_add() {
    let user = || ADELE.to_owned();
    assert_eq!(
        planned_clear(&["clear", "--user", ADELE]),
        vec![PresenceOp::ClearPresence { user: user() }]
    );
    assert_eq!(
        planned_clear(&["clear", "--user", ADELE, "--assertive"]),
        vec![
            PresenceOp::ClearPreferredPresence { user: user() },
            PresenceOp::ClearPresence { user: user() },
        ]
    );
    let message_cleared = vec![
        PresenceOp::ClearPresence { user: user() },
        PresenceOp::SetStatusMessage {
            user: user(),
            message: None,
        },
    ];
    assert_eq!(
        planned_clear(&["clear", "--user", ADELE, "--message"]),
        message_cleared
    );
    assert_eq!(
        planned_clear(&["clear", "--message", "", "--user", ADELE]),
        message_cleared
    );
    assert_eq!(
        planned_clear(&["clear", "--user", ADELE, "--all"]),
        vec![
            PresenceOp::ClearPreferredPresence { user: user() },
            PresenceOp::ClearPresence { user: user() },
            PresenceOp::SetStatusMessage {
                user: user(),
                message: None,
            },
        ]
    );
}

#[test]
fn results_are_grouped_per_user_and_a_user_fails_when_any_write_failed() {
    let ops = vec![
        PresenceOp::ClearPresence {
            user: ADELE.to_owned(),
        },
        PresenceOp::SetStatusMessage {
            user: ADELE.to_owned(),
            message: None,
        },
        PresenceOp::ClearPresence {
            user: BEN.to_owned(),
        },
    ];
    let results = vec![
        Ended::Done(OpOutcome::AlreadyClear),
        Ended::OutOfTime {
            tries: 3,
            last: None,
        },
        Ended::Done(OpOutcome::Done),
    ];
    let users = group_by_user(&ops, &results);
    assert_eq!(users.len(), 2);
    assert!(!users[0].ok());
    let line = users[0].line();
    assert!(
        line.starts_with(&format!("FAIL  {ADELE}  setStatusMessage: ")),
        "{line}"
    );
    assert!(line.ends_with("done: clearPresence"), "{line}");
    assert_eq!(users[1].line(), format!("ok    {BEN}  session cleared"));
    let json = users[0].to_json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["writes"][0]["result"], "no session to clear");
    assert_eq!(json["writes"][1]["code"], "out_of_time");
}
