//! The config file as it is written on disk (schema version 1).
//!
//! These types mirror the JSON exactly and carry no behaviour; [`super::validate`] turns them into a
//! [`super::ValidConfig`]. Doc comments here become descriptions in the generated JSON Schema
//! (`docs/config.schema.json`), so they are written for admins.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::presence::{Intent, WriteMode};

/// The schema version this build reads and writes.
pub const CURRENT_SCHEMA_VERSION: u32 = 1;

/// Presence Relay configuration. Secrets are never stored here: they live in the OS keyring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Version of this file's layout. Older versions are migrated on load.
    pub schema_version: u32,
    /// The Entra application used to write presence. Absent: the built-in simulated tenant is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<Connection>,
    /// The people whose Teams presence this machine keeps.
    #[serde(default)]
    pub users: Vec<User>,
    /// Calendars (ICS files or URLs) that rules can refer to by `id`.
    #[serde(default)]
    pub calendars: Vec<Calendar>,
    /// Rules, checked in order; the first enabled rule whose conditions all hold decides.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// What to do when no rule matches.
    #[serde(default = "Action::release")]
    pub default_action: Action,
    /// App behaviour.
    #[serde(default)]
    pub settings: Settings,
}

impl ConfigFile {
    /// An empty configuration: no tenant (simulated mode), no users, no rules.
    pub fn empty() -> Self {
        Self {
            schema_version: CURRENT_SCHEMA_VERSION,
            connection: None,
            users: Vec::new(),
            calendars: Vec::new(),
            rules: Vec::new(),
            default_action: Action::release(),
            settings: Settings::default(),
        }
    }
}

/// The Microsoft cloud the tenant lives in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// Worldwide Microsoft 365, including GCC.
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGovL4,
    /// US Government L5 (DoD).
    UsGovL5,
    /// China (21Vianet). Listed so it can be refused clearly: Graph has no presence APIs there.
    China,
}

impl Cloud {
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovL4 => "us_gov_l4",
            Cloud::UsGovL5 => "us_gov_l5",
            Cloud::China => "china",
        }
    }
}

/// How the app proves who it is. The secret or certificate itself is in the OS keyring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    #[default]
    ClientSecret,
    Certificate,
}

/// The Entra application registration (application permission Presence.ReadWrite.All).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Connection {
    #[serde(default)]
    pub cloud: Cloud,
    /// Directory (tenant) ID: a GUID, or a verified domain such as `contoso.onmicrosoft.com`.
    pub tenant_id: String,
    /// Application (client) ID of the app registration: a GUID.
    pub client_id: String,
    #[serde(default)]
    pub credential: CredentialKind,
    /// Overrides the cloud's sign-in host root, e.g. `https://login.microsoftonline.com`
    /// (for proxies and tests). The token scope stays the cloud's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    /// Overrides the cloud's Graph root, e.g. `https://graph.microsoft.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_url: Option<String>,
    /// When the client secret stops working, as Entra showed it when the secret was created
    /// (RFC 3339). Only for the warning ahead of it; written by the settings window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub secret_expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A person whose presence this machine keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Shown in the tray and the UI.
    pub display_name: String,
    /// The user's Entra object ID (a GUID). Graph's presence APIs need the GUID, not the UPN.
    pub object_id: String,
}

/// A calendar that rules can consult.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Short name that rules use to refer to this calendar, e.g. `front-desk`.
    pub id: String,
    /// Where the ICS data comes from.
    pub source: CalendarSource,
}

/// An ICS file on this machine or an ICS URL (`https://` or `webcal://`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CalendarSource {
    /// Path of an `.ics` file; it is watched for changes.
    File(String),
    /// An `https://` or `webcal://` URL; it is polled.
    Url(String),
}

/// One rule: when every condition holds, the action applies to the rule's users.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A name people recognise in the tray, the audit log and error messages.
    pub name: String,
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Who the rule applies to.
    #[serde(default)]
    pub users: Targets,
    /// Conditions that must all hold. An empty object always holds.
    #[serde(default)]
    pub when: Conditions,
    /// What to show while the rule decides.
    pub then: Action,
}

fn default_true() -> bool {
    true
}

/// `"all"` or a list of user object IDs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Targets {
    #[default]
    #[serde(with = "all_marker")]
    #[schemars(with = "AllUsers")]
    All,
    Named(Vec<String>),
}

// By hand: ts-rs cannot see through `all_marker`, and refuses a `type` override on an untagged
// enum, so the wire shape is spelled out here.
#[cfg(feature = "ts")]
impl ts_rs::TS for Targets {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn docs() -> Option<String> {
        Some("/** `\"all\"` or a list of user object IDs. */\n".to_owned())
    }

    fn name(_: &ts_rs::Config) -> String {
        "Targets".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "\"all\" | Array<string>".to_owned()
    }

    fn decl(config: &ts_rs::Config) -> String {
        format!("type Targets = {};", Self::inline(config))
    }

    fn decl_concrete(config: &ts_rs::Config) -> String {
        Self::decl(config)
    }

    fn output_path() -> Option<std::path::PathBuf> {
        Some(std::path::PathBuf::from("Targets.ts"))
    }
}

/// The literal `"all"`.
#[derive(JsonSchema)]
#[allow(dead_code)] // only describes the schema of `Targets::All`
#[serde(rename_all = "snake_case")]
enum AllUsers {
    All,
}

mod all_marker {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("all")
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "all" {
            Ok(())
        } else {
            Err(D::Error::custom("expected \"all\""))
        }
    }
}

/// Conditions of a rule. Each one is optional; those present must all hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// The screen is locked (`true`) or unlocked (`false`), optionally for a while.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<ScreenCondition>,
    /// No keyboard or mouse input for at least this many minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_minutes: Option<u32>,
    /// Focus / do-not-disturb mode is on (`true`) or off (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_disturb: Option<bool>,
    /// A presentation or full-screen app is (`true`) or is not (`false`) running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation: Option<bool>,
    /// The state of a calendar right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarCondition>,
    /// A weekly time window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeWindow>,
    /// The machine is about to sleep or the session is ending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<MachineState>,
}

/// Screen lock condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ScreenCondition {
    /// `true`: locked; `false`: unlocked.
    pub locked: bool,
    /// Only once the screen has been in that state for at least this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_seconds: Option<u32>,
}

/// How a calendar block shows its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ShowAs {
    Free,
    Tentative,
    Busy,
    Oof,
    WorkingElsewhere,
}

/// Calendar condition: the named calendar currently shows one of these states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CalendarCondition {
    /// The `id` of an entry in `calendars`.
    pub calendar: String,
    /// Any of these states matches.
    pub show_as: Vec<ShowAs>,
    /// Only events whose title contains one of these words (case-insensitive). Empty: any event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_keywords: Vec<String>,
}

/// Day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A weekly window such as lunch (12:00-13:00) or night (20:00-07:00, wrapping past midnight).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Days on which the window starts. Empty: every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<Weekday>,
    /// Start, `HH:MM` (24-hour).
    pub start: String,
    /// End, `HH:MM`; earlier than `start` means the next day.
    pub end: String,
    /// IANA time zone such as `Europe/Berlin`. Absent: the machine's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// Machine transitions a rule can react to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MachineState {
    Suspending,
    SessionEnding,
}

/// What to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub intent: Intent,
    /// `polite`: our own presence session only (a running Teams client still counts).
    /// `assertive`: the user-preferred presence as well, which wins over every client.
    #[serde(default)]
    pub mode: WriteMode,
    /// Status message template; `{until}` and `{back_at}` are filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How long each write may live, in minutes (5 to 240). Writes are refreshed while the rule
    /// holds, so this bounds how long a dead machine can leave the state behind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_minutes: Option<u32>,
}

impl Action {
    pub fn release() -> Self {
        Self {
            intent: Intent::Release,
            mode: WriteMode::Polite,
            message: None,
            hold_minutes: None,
        }
    }
}

/// App behaviour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Start the tray app when the user logs in.
    #[serde(default = "default_true")]
    pub start_at_login: bool,
    /// Log level of the log file; `RUST_LOG` overrides it.
    #[serde(default)]
    pub log_level: LogLevel,
    #[serde(default)]
    pub notifications: NotificationSettings,
    #[serde(default)]
    pub kiosk: KioskSettings,
    #[serde(default)]
    pub engine: EngineSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            start_at_login: true,
            log_level: LogLevel::default(),
            notifications: NotificationSettings::default(),
            kiosk: KioskSettings::default(),
            engine: EngineSettings::default(),
        }
    }
}

/// How the engine damps flapping signals and how long writes live by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EngineSettings {
    /// After someone was idle, input must go on this many seconds before they count as back
    /// (a single touch of the mouse does not end "idle").
    #[serde(default = "default_idle_exit_seconds")]
    pub idle_exit_seconds: u32,
    /// A rule-driven state is kept at least this many seconds before another rule may replace
    /// it (manual changes, pause and shutdown are never delayed).
    #[serde(default = "default_min_dwell_seconds")]
    pub min_dwell_seconds: u32,
    /// `hold_minutes` of actions that do not set one.
    #[serde(default = "default_hold_minutes")]
    pub default_hold_minutes: u32,
    /// Never override a presence a person chose in Teams themselves (one we did not write):
    /// assertive writes are held back while it is in effect.
    #[serde(default = "default_true")]
    pub respect_user_preferred: bool,
}

fn default_idle_exit_seconds() -> u32 {
    15
}

fn default_min_dwell_seconds() -> u32 {
    30
}

fn default_hold_minutes() -> u32 {
    15
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            idle_exit_seconds: default_idle_exit_seconds(),
            min_dwell_seconds: default_min_dwell_seconds(),
            default_hold_minutes: default_hold_minutes(),
            respect_user_preferred: true,
        }
    }
}

/// Log verbosity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// Desktop notifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Notify about problems that need a person (consent missing, secret expiring, offline).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Also notify whenever a user's shown presence changes.
    #[serde(default)]
    pub on_state_change: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            on_state_change: false,
        }
    }
}

/// Kiosk lock: hides admin items from the tray and puts settings behind a PIN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct KioskSettings {
    #[serde(default)]
    pub locked: bool,
    /// Salted hash of the PIN (never the PIN itself), as written by the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_hash: Option<String>,
}
