use super::*;

const ADA: &str = "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd";
const BOB: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn user(name: &str, id: &str) -> User {
    User {
        display_name: name.into(),
        object_id: id.into(),
    }
}

fn rule(name: &str, when: Conditions, then: Action) -> Rule {
    Rule {
        name: name.into(),
        enabled: true,
        users: Targets::All,
        when,
        then,
    }
}

fn action(intent: Intent, mode: WriteMode) -> Action {
    Action {
        intent,
        mode,
        message: None,
        hold_minutes: None,
    }
}

fn locked() -> Conditions {
    Conditions {
        screen: Some(ScreenCondition {
            locked: true,
            for_seconds: Some(10),
        }),
        ..Conditions::default()
    }
}

fn base() -> ConfigFile {
    ConfigFile {
        connection: Some(Connection {
            cloud: Cloud::Global,
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            credential: CredentialKind::ClientSecret,
            authority_url: None,
            graph_url: Some("http://127.0.0.1:8080".into()),
            secret_expires_at: None,
        }),
        users: vec![user("Ada", ADA), user("Bob", BOB)],
        ..ConfigFile::empty()
    }
}

fn errors_of(file: ConfigFile) -> Vec<ConfigIssue> {
    validate(file)
        .expect_err("config should be invalid")
        .into_iter()
        .filter(ConfigIssue::is_error)
        .collect()
}

fn pointers(issues: &[ConfigIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.pointer.as_str()).collect()
}

#[test]
fn empty_and_base_configs_are_valid() {
    assert!(validate(ConfigFile::empty()).is_ok());
    let valid = validate(base()).expect("base is valid");
    assert!(valid.warnings().is_empty());
}

#[test]
fn china_is_refused_with_the_alternatives() {
    let mut file = base();
    if let Some(c) = file.connection.as_mut() {
        c.cloud = Cloud::China;
    }
    let errors = errors_of(file);
    assert_eq!(pointers(&errors), ["/connection/cloud"]);
    assert!(errors[0].message.contains("us_gov_l4"));
}

#[test]
fn ids_and_urls_are_checked() {
    let mut file = base();
    if let Some(c) = file.connection.as_mut() {
        c.tenant_id = "not a tenant".into();
        c.client_id = "1234".into();
        c.authority_url = Some("http://login.example.com".into());
        c.graph_url = Some("graph.microsoft.com".into());
    }
    file.users.push(user("", "ada@contoso.com"));
    file.users.push(user("Ada again", &ADA.to_uppercase()));
    let errors = errors_of(file);
    assert_eq!(
        pointers(&errors),
        [
            "/connection/tenant_id",
            "/connection/client_id",
            "/connection/authority_url",
            "/connection/graph_url",
            "/users/2/display_name",
            "/users/2/object_id",
            "/users/3/object_id",
        ]
    );
    assert!(errors[5].message.contains("not an email address"));
    assert!(errors[6].message.contains("more than once"));
}

#[test]
fn intents_without_a_session_pair_need_assertive_mode() {
    let mut file = base();
    file.rules = vec![
        rule(
            "brb",
            locked(),
            action(Intent::BeRightBack, WriteMode::Polite),
        ),
        rule(
            "offline",
            locked(),
            action(Intent::AppearOffline, WriteMode::Assertive),
        ),
    ];
    let errors = errors_of(file);
    assert_eq!(pointers(&errors), ["/rules/0/then/mode"]);
    assert!(errors[0].message.contains("\"mode\": \"assertive\""));
}

#[test]
fn polite_away_is_a_warning_not_an_error() {
    let mut file = base();
    file.rules = vec![rule(
        "away",
        locked(),
        action(Intent::Away, WriteMode::Polite),
    )];
    let valid = validate(file).expect("polite away is allowed");
    assert_eq!(pointers(valid.warnings()), ["/rules/0/then/mode"]);
}

#[test]
fn references_time_windows_and_bounds_are_checked() {
    let mut file = base();
    let mut then = action(Intent::Busy, WriteMode::Polite);
    then.hold_minutes = Some(600);
    then.message = Some("In a meeting until {untill}".into());
    file.rules = vec![Rule {
        name: " ".into(),
        enabled: true,
        users: Targets::Named(vec![
            ADA.into(),
            "99999999-9999-9999-9999-999999999999".into(),
        ]),
        when: Conditions {
            idle_minutes: Some(0),
            calendar: Some(CalendarCondition {
                calendar: "work".into(),
                show_as: vec![],
                title_keywords: vec![],
            }),
            time: Some(TimeWindow {
                days: vec![Weekday::Mon],
                start: "25:00".into(),
                end: "7:00".into(),
                time_zone: Some("Mars/Olympus".into()),
            }),
            ..Conditions::default()
        },
        then,
    }];
    let errors = errors_of(file);
    assert_eq!(
        pointers(&errors),
        [
            "/rules/0/name",
            "/rules/0/users/1",
            "/rules/0/when/idle_minutes",
            "/rules/0/when/calendar/calendar",
            "/rules/0/when/calendar/show_as",
            "/rules/0/when/time/start",
            "/rules/0/when/time/end",
            "/rules/0/when/time/time_zone",
            "/rules/0/then/hold_minutes",
            "/rules/0/then/message",
        ]
    );
    assert!(errors[3].message.contains("add one under /calendars"));
    assert!(errors[9].message.contains("{untill}"));
}

#[test]
fn a_night_window_wrapping_midnight_is_valid() {
    let mut file = base();
    file.rules = vec![rule(
        "night",
        Conditions {
            time: Some(TimeWindow {
                days: vec![],
                start: "20:00".into(),
                end: "07:00".into(),
                time_zone: Some("Europe/Berlin".into()),
            }),
            ..Conditions::default()
        },
        action(Intent::AppearOffline, WriteMode::Assertive),
    )];
    assert!(validate(file).is_ok());
}

#[test]
fn rules_after_a_catch_all_are_flagged() {
    let mut file = base();
    file.rules = vec![
        rule(
            "always",
            Conditions::default(),
            action(Intent::Available, WriteMode::Polite),
        ),
        rule("locked", locked(), action(Intent::Busy, WriteMode::Polite)),
    ];
    let valid = validate(file).expect("shadowing is a warning");
    assert_eq!(pointers(valid.warnings()), ["/rules/1"]);
    assert!(valid.warnings()[0].message.contains("\"always\""));
}

#[test]
fn kiosk_lock_needs_a_pin() {
    let mut file = base();
    file.settings.kiosk.locked = true;
    assert_eq!(pointers(&errors_of(file)), ["/settings/kiosk/pin_hash"]);
}

#[test]
fn calendars_need_unique_ids_and_real_sources() {
    let mut file = base();
    file.calendars = vec![
        Calendar {
            id: "work".into(),
            source: CalendarSource::File("/tmp/a.ics".into()),
        },
        Calendar {
            id: "work".into(),
            source: CalendarSource::Url("ftp://example.com/a.ics".into()),
        },
        Calendar {
            id: "bad id".into(),
            source: CalendarSource::File(" ".into()),
        },
    ];
    assert_eq!(
        pointers(&errors_of(file)),
        [
            "/calendars/1/id",
            "/calendars/1/source/url",
            "/calendars/2/id",
            "/calendars/2/source/file"
        ]
    );
}
