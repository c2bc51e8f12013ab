//! The complete example config printed by `presence-relay config example` and explained in
//! `docs/CONFIG.md`. It uses every section so admins can start from it and delete what they do not
//! need. The IDs are placeholders in the right shape.

use relay_core::config::*;
use relay_core::presence::{Intent, WriteMode};

pub fn example_config() -> ConfigFile {
    let ada = "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd";
    let bob = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    ConfigFile {
        schema_version: CURRENT_SCHEMA_VERSION,
        connection: Some(Connection {
            cloud: Cloud::Global,
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            credential: CredentialKind::Certificate,
            authority_url: None,
            graph_url: None,
            secret_expires_at: None,
        }),
        users: vec![
            User {
                display_name: "Ada Front Desk".into(),
                object_id: ada.into(),
            },
            User {
                display_name: "Bob Reception".into(),
                object_id: bob.into(),
            },
        ],
        calendars: vec![Calendar {
            id: "front-desk".into(),
            source: CalendarSource::File("/srv/calendars/front-desk.ics".into()),
        }],
        rules: vec![
            Rule {
                name: "Screen locked".into(),
                enabled: true,
                users: Targets::All,
                when: Conditions {
                    screen: Some(ScreenCondition {
                        locked: true,
                        for_seconds: Some(10),
                    }),
                    ..Conditions::default()
                },
                then: Action {
                    intent: Intent::Away,
                    mode: WriteMode::Assertive,
                    message: Some("Back soon".into()),
                    hold_minutes: Some(60),
                },
            },
            Rule {
                name: "Lunch".into(),
                enabled: true,
                users: Targets::Named(vec![ada.into()]),
                when: Conditions {
                    time: Some(TimeWindow {
                        days: vec![
                            Weekday::Mon,
                            Weekday::Tue,
                            Weekday::Wed,
                            Weekday::Thu,
                            Weekday::Fri,
                        ],
                        start: "12:00".into(),
                        end: "13:00".into(),
                        time_zone: Some("Europe/Berlin".into()),
                    }),
                    ..Conditions::default()
                },
                then: Action {
                    intent: Intent::BeRightBack,
                    mode: WriteMode::Assertive,
                    message: Some("At lunch, back at {back_at}".into()),
                    hold_minutes: Some(60),
                },
            },
            Rule {
                name: "In a meeting".into(),
                enabled: true,
                users: Targets::All,
                when: Conditions {
                    calendar: Some(CalendarCondition {
                        calendar: "front-desk".into(),
                        show_as: vec![ShowAs::Busy, ShowAs::Oof],
                        title_keywords: vec!["meeting".into(), "call".into()],
                    }),
                    ..Conditions::default()
                },
                then: Action {
                    intent: Intent::Busy,
                    mode: WriteMode::Polite,
                    message: Some("In a meeting until {until}".into()),
                    hold_minutes: Some(30),
                },
            },
            Rule {
                name: "Focus mode".into(),
                enabled: false,
                users: Targets::All,
                when: Conditions {
                    do_not_disturb: Some(true),
                    ..Conditions::default()
                },
                then: Action {
                    intent: Intent::DoNotDisturb,
                    mode: WriteMode::Polite,
                    message: None,
                    hold_minutes: None,
                },
            },
            Rule {
                name: "At the desk".into(),
                enabled: true,
                users: Targets::All,
                when: Conditions {
                    screen: Some(ScreenCondition {
                        locked: false,
                        for_seconds: None,
                    }),
                    idle_minutes: None,
                    machine: None,
                    ..Conditions::default()
                },
                then: Action {
                    intent: Intent::Available,
                    mode: WriteMode::Polite,
                    message: None,
                    hold_minutes: Some(15),
                },
            },
        ],
        default_action: Action::release(),
        settings: Settings {
            start_at_login: true,
            log_level: LogLevel::Info,
            notifications: NotificationSettings {
                enabled: true,
                on_state_change: false,
            },
            kiosk: KioskSettings::default(),
            engine: EngineSettings::default(),
        },
    }
}
