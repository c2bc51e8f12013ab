//! Semantic validation: a well-formed [`ConfigFile`] becomes a [`ValidConfig`], or every problem is
//! reported at once, each at its JSON pointer with what would be valid.

use std::collections::HashSet;

use super::issue::ConfigIssue;
use super::model::*;
use crate::ids::{is_domain, is_guid};
use crate::presence::{Intent, WriteMode};
use crate::rules::{parse_clock, RuleSet};

/// Graph's bounds on a presence session's `expirationDuration` (PT5M..PT4H).
pub const HOLD_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 5..=240;
/// Teams shows at most this many characters of a status message.
pub const MAX_MESSAGE_CHARS: usize = 280;
/// Placeholders a status message template may use.
pub const MESSAGE_PLACEHOLDERS: [&str; 2] = ["until", "back_at"];

/// A config that passed validation. Only [`validate`] makes one, so holding a `ValidConfig` means
/// the engine can rely on every invariant checked here.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidConfig {
    file: ConfigFile,
    rules: RuleSet,
    warnings: Vec<ConfigIssue>,
}

impl ValidConfig {
    pub fn file(&self) -> &ConfigFile {
        &self.file
    }

    pub fn into_file(self) -> ConfigFile {
        self.file
    }

    /// The rules, compiled for evaluation.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Problems worth telling the admin about that do not stop the config from working.
    pub fn warnings(&self) -> &[ConfigIssue] {
        &self.warnings
    }

    /// The empty config (simulated tenant, no users, no rules) is always valid.
    pub fn empty() -> Self {
        let file = ConfigFile::empty();
        let rules = RuleSet::compile(&file).expect("the empty config has no rules to get wrong");
        Self {
            file,
            rules,
            warnings: Vec::new(),
        }
    }
}

/// Checks everything the types cannot express. On failure the list holds every error found (and
/// the warnings), never just the first one.
pub fn validate(file: ConfigFile) -> Result<ValidConfig, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    if let Some(connection) = &file.connection {
        check_connection(connection, &mut issues);
    }
    let user_ids = check_users(&file.users, &mut issues);
    let calendar_ids = check_calendars(&file.calendars, &mut issues);
    for (index, rule) in file.rules.iter().enumerate() {
        check_rule(index, rule, &user_ids, &calendar_ids, &mut issues);
    }
    check_shadowing(&file.rules, &mut issues);
    check_action(&file.default_action, "/default_action", &mut issues);
    check_settings(&file.settings, &mut issues);

    if issues.iter().any(ConfigIssue::is_error) {
        return Err(issues);
    }
    match RuleSet::compile(&file) {
        Ok(rules) => Ok(ValidConfig {
            file,
            rules,
            warnings: issues,
        }),
        Err(issue) => {
            issues.push(issue);
            Err(issues)
        }
    }
}

fn check_connection(connection: &Connection, issues: &mut Vec<ConfigIssue>) {
    if connection.cloud == Cloud::China {
        issues.push(ConfigIssue::error(
            "/connection/cloud",
            "Microsoft Graph offers no presence APIs in the China (21Vianet) cloud; \
             use \"global\", \"us_gov_l4\" or \"us_gov_l5\"",
        ));
    }
    if !is_guid(&connection.tenant_id) && !is_domain(&connection.tenant_id) {
        issues.push(ConfigIssue::error(
            "/connection/tenant_id",
            format!(
                "\"{}\" is neither a GUID nor a domain; use the Directory (tenant) ID from the \
                 app registration's overview, e.g. 00000000-0000-0000-0000-000000000000",
                connection.tenant_id
            ),
        ));
    }
    if !is_guid(&connection.client_id) {
        issues.push(ConfigIssue::error(
            "/connection/client_id",
            format!(
                "\"{}\" is not a GUID; use the Application (client) ID from the app \
                 registration's overview",
                connection.client_id
            ),
        ));
    }
    for (field, value) in [
        ("authority_url", &connection.authority_url),
        ("graph_url", &connection.graph_url),
    ] {
        if let Some(url) = value {
            if let Err(why) = check_service_root(url) {
                issues.push(ConfigIssue::error(format!("/connection/{field}"), why));
            }
        }
    }
}

/// A service root must be `https://host[:port]` (plain `http://` only for loopback, for tests).
fn check_service_root(url: &str) -> Result<(), String> {
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', ':']).next().unwrap_or_default();
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(format!(
                "\"{url}\" uses plain http; use https:// (http:// is only allowed for \
                 127.0.0.1 and localhost)"
            ));
        }
        rest
    } else {
        return Err(format!(
            "\"{url}\" is not a URL; use a root such as https://graph.microsoft.com"
        ));
    };
    if rest.trim_end_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err(format!(
            "\"{url}\" has no host; use a root such as https://graph.microsoft.com"
        ));
    }
    Ok(())
}

fn check_users(users: &[User], issues: &mut Vec<ConfigIssue>) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (index, user) in users.iter().enumerate() {
        let at = format!("/users/{index}");
        if user.display_name.trim().is_empty() {
            issues.push(ConfigIssue::error(
                format!("{at}/display_name"),
                "is empty; give the name people see in the tray",
            ));
        }
        if !is_guid(&user.object_id) {
            issues.push(ConfigIssue::error(
                format!("{at}/object_id"),
                format!(
                    "\"{}\" is not a GUID; Graph's presence APIs need the user's Entra object \
                     ID (Entra admin center > Users > the user > Object ID), not an email address",
                    user.object_id
                ),
            ));
        } else if !seen.insert(user.object_id.to_ascii_lowercase()) {
            issues.push(ConfigIssue::error(
                format!("{at}/object_id"),
                format!(
                    "user {} appears more than once; keep one entry",
                    user.object_id
                ),
            ));
        }
    }
    seen
}

fn check_calendars(calendars: &[Calendar], issues: &mut Vec<ConfigIssue>) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (index, calendar) in calendars.iter().enumerate() {
        let at = format!("/calendars/{index}");
        let valid_id = !calendar.id.is_empty()
            && calendar
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_id {
            issues.push(ConfigIssue::error(
                format!("{at}/id"),
                format!(
                    "\"{}\" is not a usable id; use letters, digits, '-' and '_', e.g. \"front-desk\"",
                    calendar.id
                ),
            ));
        } else if !seen.insert(calendar.id.clone()) {
            issues.push(ConfigIssue::error(
                format!("{at}/id"),
                format!(
                    "\"{}\" is used by another calendar; ids must be unique",
                    calendar.id
                ),
            ));
        }
        match &calendar.source {
            CalendarSource::File(path) if path.trim().is_empty() => {
                issues.push(ConfigIssue::error(
                    format!("{at}/source/file"),
                    "is empty; give the path of an .ics file",
                ));
            }
            CalendarSource::Url(url) => {
                let scheme_ok = [
                    "https://",
                    "webcal://",
                    "http://127.0.0.1",
                    "http://localhost",
                ]
                .iter()
                .any(|prefix| url.starts_with(prefix));
                if !scheme_ok {
                    issues.push(ConfigIssue::error(
                        format!("{at}/source/url"),
                        format!("\"{url}\" must start with https:// or webcal://"),
                    ));
                }
            }
            CalendarSource::File(_) => {}
        }
    }
    seen
}

fn check_rule(
    index: usize,
    rule: &Rule,
    user_ids: &HashSet<String>,
    calendar_ids: &HashSet<String>,
    issues: &mut Vec<ConfigIssue>,
) {
    let at = format!("/rules/{index}");
    if rule.name.trim().is_empty() {
        issues.push(ConfigIssue::error(
            format!("{at}/name"),
            "is empty; name the rule so the audit log can say which rule decided",
        ));
    }
    if let Targets::Named(ids) = &rule.users {
        if ids.is_empty() {
            issues.push(ConfigIssue::error(
                format!("{at}/users"),
                "is an empty list; use \"all\" or list user object IDs",
            ));
        }
        for (position, id) in ids.iter().enumerate() {
            if !user_ids.contains(&id.to_ascii_lowercase()) {
                issues.push(ConfigIssue::error(
                    format!("{at}/users/{position}"),
                    format!("\"{id}\" is not in /users; add the user first or remove it here"),
                ));
            }
        }
    }
    let when = &rule.when;
    if let Some(ScreenCondition {
        for_seconds: Some(seconds),
        ..
    }) = &when.screen
    {
        if *seconds > 86_400 {
            issues.push(ConfigIssue::error(
                format!("{at}/when/screen/for_seconds"),
                format!("{seconds} is more than a day; use 0 to 86400"),
            ));
        }
    }
    if let Some(minutes) = when.idle_minutes {
        if !(1..=1440).contains(&minutes) {
            issues.push(ConfigIssue::error(
                format!("{at}/when/idle_minutes"),
                format!("{minutes} is out of range; use 1 to 1440 minutes"),
            ));
        }
    }
    if let Some(calendar) = &when.calendar {
        if !calendar_ids.contains(&calendar.calendar) {
            let known = if calendar_ids.is_empty() {
                "none are configured; add one under /calendars".to_string()
            } else {
                let mut ids: Vec<_> = calendar_ids.iter().map(String::as_str).collect();
                ids.sort_unstable();
                format!("known: {}", ids.join(", "))
            };
            issues.push(ConfigIssue::error(
                format!("{at}/when/calendar/calendar"),
                format!("\"{}\" is not a calendar id ({known})", calendar.calendar),
            ));
        }
        if calendar.show_as.is_empty() {
            issues.push(ConfigIssue::error(
                format!("{at}/when/calendar/show_as"),
                "is empty; list one or more of free, tentative, busy, oof, working_elsewhere",
            ));
        }
    }
    if let Some(window) = &when.time {
        check_time_window(window, &format!("{at}/when/time"), issues);
    }
    check_action(&rule.then, &format!("{at}/then"), issues);
}

fn check_time_window(window: &TimeWindow, at: &str, issues: &mut Vec<ConfigIssue>) {
    let start = parse_clock(&window.start);
    let end = parse_clock(&window.end);
    for (field, value, parsed) in [("start", &window.start, start), ("end", &window.end, end)] {
        if parsed.is_none() {
            issues.push(ConfigIssue::error(
                format!("{at}/{field}"),
                format!("\"{value}\" is not a time; use HH:MM in 24-hour form, e.g. \"12:30\""),
            ));
        }
    }
    if start.is_some() && start == end {
        issues.push(ConfigIssue::error(
            format!("{at}/end"),
            "equals start, so the window would be empty; pick an end time different from the start",
        ));
    }
    if let Some(zone) = &window.time_zone {
        if zone.parse::<chrono_tz::Tz>().is_err() {
            issues.push(ConfigIssue::error(
                format!("{at}/time_zone"),
                format!(
                    "\"{zone}\" is not an IANA time zone; use a name such as \
                     \"Europe/Berlin\" or \"America/New_York\", or leave it out for the \
                     machine's zone"
                ),
            ));
        }
    }
}

fn check_action(action: &Action, at: &str, issues: &mut Vec<ConfigIssue>) {
    if !action.intent.has_session_pair()
        && action.intent != Intent::Release
        && action.mode == WriteMode::Polite
    {
        issues.push(ConfigIssue::error(
            format!("{at}/mode"),
            format!(
                "\"{}\" has no presence-session form in Graph, so it can only be shown \
                 assertively; set \"mode\": \"assertive\", or pick one of available, busy, \
                 do_not_disturb, away",
                action.intent.as_str()
            ),
        ));
    }
    if action.intent == Intent::Away && action.mode == WriteMode::Polite {
        issues.push(ConfigIssue::warning(
            format!("{at}/mode"),
            "a polite \"away\" loses to any Teams client that is signed in and active; \
             use \"assertive\" if the desk must show away",
        ));
    }
    if let Some(minutes) = action.hold_minutes {
        if !HOLD_MINUTES_RANGE.contains(&minutes) {
            issues.push(ConfigIssue::error(
                format!("{at}/hold_minutes"),
                format!(
                    "{minutes} is out of range; use {} to {} minutes (Graph's PT5M..PT4H)",
                    HOLD_MINUTES_RANGE.start(),
                    HOLD_MINUTES_RANGE.end()
                ),
            ));
        }
    }
    if let Some(message) = &action.message {
        let length = message.chars().count();
        if length > MAX_MESSAGE_CHARS {
            issues.push(ConfigIssue::error(
                format!("{at}/message"),
                format!("is {length} characters; Teams shows at most {MAX_MESSAGE_CHARS}"),
            ));
        }
        for placeholder in placeholders(message) {
            if !MESSAGE_PLACEHOLDERS.contains(&placeholder) {
                issues.push(ConfigIssue::error(
                    format!("{at}/message"),
                    format!("unknown placeholder {{{placeholder}}}; use {{until}} or {{back_at}}"),
                ));
            }
        }
        if action.intent == Intent::Release {
            issues.push(ConfigIssue::warning(
                format!("{at}/message"),
                "\"release\" clears what we set, so this message is never shown",
            ));
        }
    }
}

/// The names inside `{...}` in a message template.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Warns about rules that can never decide because an earlier enabled rule always matches the
/// same users.
fn check_shadowing(rules: &[Rule], issues: &mut Vec<ConfigIssue>) {
    let catch_all = rules.iter().position(|rule| {
        rule.enabled && rule.users == Targets::All && rule.when == Conditions::default()
    });
    let Some(first) = catch_all else { return };
    for (index, rule) in rules.iter().enumerate().skip(first + 1) {
        if rule.enabled {
            issues.push(ConfigIssue::warning(
                format!("/rules/{index}"),
                format!(
                    "never decides: rule {first} (\"{}\") matches every user at every moment; \
                     move this rule above it or add conditions to that one",
                    rules[first].name
                ),
            ));
        }
    }
}

fn check_settings(settings: &Settings, issues: &mut Vec<ConfigIssue>) {
    let engine = &settings.engine;
    let bounded = [
        ("idle_exit_seconds", engine.idle_exit_seconds, 0, 600),
        ("min_dwell_seconds", engine.min_dwell_seconds, 0, 600),
        (
            "default_hold_minutes",
            engine.default_hold_minutes,
            *HOLD_MINUTES_RANGE.start(),
            *HOLD_MINUTES_RANGE.end(),
        ),
    ];
    for (field, value, low, high) in bounded {
        if !(low..=high).contains(&value) {
            issues.push(ConfigIssue::error(
                format!("/settings/engine/{field}"),
                format!("{value} is out of range; use {low} to {high}"),
            ));
        }
    }
    if settings.kiosk.locked && settings.kiosk.pin_hash.is_none() {
        issues.push(ConfigIssue::error(
            "/settings/kiosk/pin_hash",
            "the kiosk lock needs a PIN; set one in Settings (the app stores only its salted hash)",
        ));
    }
}

#[cfg(test)]
mod tests;
