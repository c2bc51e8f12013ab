//! Text -> [`Timeline`], reporting every problem with its JSON pointer: JSON syntax (line and
//! column), then each top-level field and each event decoded on its own (so one bad event does
//! not hide the others), then the checks the types cannot express ([`check`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::presence::{Intent, WriteMode};
use relay_sim::FaultSpec;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Issues, TimelineError};
use crate::model::{Event, TimedEvent, Timeline};
use crate::prepare;
use crate::span::{TimeSpan, SPAN_FORMS};

/// The longest timeline: a week of virtual time (a step at least every minute).
pub const MAX_END: TimeSpan = TimeSpan::from_seconds(7 * 86_400);
/// The most simulated people in one timeline.
pub const MAX_USERS: usize = 200;

const FIELDS: [&str; 6] = ["start", "time_zone", "users", "config", "events", "end"];

/// Every `event` kind, as written in a timeline.
pub const EVENT_KINDS: [&str; 19] = [
    "screen_locked",
    "idle",
    "do_not_disturb",
    "presentation",
    "suspending",
    "session_ending",
    "resumed",
    "calendar",
    "calendar_unavailable",
    "pause",
    "resume",
    "snooze",
    "end_snooze",
    "override",
    "end_override",
    "teams_client",
    "teams_sign_out",
    "outage",
    "faults",
];

/// Reads a timeline and checks it, including its inline config if it has one. A config given
/// from outside is checked against the timeline by [`crate::simulate`].
pub fn parse_timeline(text: &str) -> Result<Timeline, TimelineError> {
    let value: Value = serde_json::from_str(text).map_err(|err| {
        let mut issues = Issues::default();
        issues.at(
            "",
            format!(
                "not valid JSON at line {}, column {}: {}",
                err.line(),
                err.column(),
                syntax_message(&err)
            ),
        );
        TimelineError::Invalid(issues.into_vec())
    })?;
    // Checked even when some parts could not be decoded, so every problem is reported at once.
    let (timeline, positions, mut issues) = decode(value)?;
    issues.append(check_at(&timeline, &positions));
    let timeline = issues.into_result(timeline)?;
    if timeline.config.is_some() {
        prepare::prepare(&timeline, None)?;
    }
    Ok(timeline)
}

fn syntax_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// The event kinds as a readable list for messages.
pub(crate) fn event_kinds() -> String {
    EVENT_KINDS.join(", ")
}

/// Decodes each part on its own so every problem is reported, each at its place. Parts that
/// cannot be decoded are left out (events) or stood in for (start, end) so the remaining checks
/// can still run; the issues say what was wrong. Also returns each decoded event's position in
/// the file.
fn decode(value: Value) -> Result<(Timeline, Vec<usize>, Issues), TimelineError> {
    let mut issues = Issues::default();
    let Value::Object(mut map) = value else {
        issues.at(
            "",
            "must be a JSON object with \"start\", \"users\", \"events\" and \"end\"",
        );
        return Err(TimelineError::Invalid(issues.into_vec()));
    };
    for key in map.keys().filter(|key| !FIELDS.contains(&key.as_str())) {
        issues.at(
            format!("/{}", escape(key)),
            format!(
                "\"{key}\" is not a timeline field; use {}",
                FIELDS.join(", ")
            ),
        );
    }
    let start = decode_start(map.remove("start"), &mut issues);
    let time_zone = match map.remove("time_zone") {
        None | Some(Value::Null) => None,
        Some(Value::String(zone)) => Some(zone),
        Some(_) => {
            issues.at(
                "/time_zone",
                "must be an IANA time zone name such as \"Europe/Berlin\"",
            );
            None
        }
    };
    let users = match map.remove("users") {
        None => {
            issues.at(
                "",
                "\"users\" is missing; list the simulated people by display name, e.g. \
                 [\"Alice\", \"Bob\"]",
            );
            Vec::new()
        }
        Some(value) => Vec::<String>::deserialize(value).unwrap_or_else(|_| {
            issues.at(
                "/users",
                "must be a list of display names, e.g. [\"Alice\", \"Bob\"]",
            );
            Vec::new()
        }),
    };
    let config = match map.remove("config") {
        None | Some(Value::Null) => None,
        Some(value @ Value::Object(_)) => Some(value),
        Some(_) => {
            issues.at(
                "/config",
                "must be an object: the config file's JSON (see docs/CONFIG.md)",
            );
            None
        }
    };
    let (positions, events): (Vec<usize>, Vec<TimedEvent>) = match map.remove("events") {
        None | Some(Value::Null) => (Vec::new(), Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .filter_map(|(index, item)| {
                decode_event(index, item, &mut issues).map(|event| (index, event))
            })
            .unzip(),
        Some(_) => {
            issues.at(
                "/events",
                "must be a list of events, e.g. [{\"at\": \"5m\", \"event\": \"screen_locked\", \
                 \"value\": true}]",
            );
            (Vec::new(), Vec::new())
        }
    };
    let end = match map.remove("end") {
        None => {
            issues.at(
                "",
                "\"end\" is missing; say when the timeline ends, counted from start, e.g. \
                 \"end\": \"1h\"",
            );
            None
        }
        Some(value) => TimeSpan::deserialize(value)
            .map_err(|err| issues.at("/end", err.to_string()))
            .ok(),
    };
    let timeline = Timeline {
        start: start.unwrap_or_default(),
        time_zone,
        users,
        config,
        events,
        // The longest end flags no event as late; the issues already say what is wrong.
        end: end.unwrap_or(MAX_END),
    };
    Ok((timeline, positions, issues))
}

fn decode_start(value: Option<Value>, issues: &mut Issues) -> Option<DateTime<Utc>> {
    const EXAMPLE: &str = "e.g. \"2026-03-02T08:00:00Z\" or \"2026-03-02T09:00:00+01:00\"";
    match value {
        None => {
            issues.at(
                "",
                format!("\"start\" is missing; give the start time in RFC 3339, {EXAMPLE}"),
            );
            None
        }
        Some(Value::String(text)) => match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(start) => Some(start.with_timezone(&Utc)),
            Err(_) => {
                issues.at(
                    "/start",
                    format!("\"{text}\" is not an RFC 3339 time with a zone; write {EXAMPLE}"),
                );
                None
            }
        },
        Some(_) => {
            issues.at(
                "/start",
                format!("must be a string with an RFC 3339 time, {EXAMPLE}"),
            );
            None
        }
    }
}

fn decode_event(index: usize, value: Value, issues: &mut Issues) -> Option<TimedEvent> {
    let at = format!("/events/{index}");
    let Value::Object(mut fields) = value else {
        issues.at(
            at,
            "must be an object such as {\"at\": \"5m\", \"event\": \"screen_locked\", \"value\": \
             true}",
        );
        return None;
    };
    let when = match fields.remove("at") {
        None => {
            issues.at(
                &at,
                "has no \"at\"; say when it happens, counted from start, e.g. \"at\": \"5m\"",
            );
            None
        }
        Some(value) => TimeSpan::deserialize(value)
            .map_err(|err| issues.at(format!("{at}/at"), err.to_string()))
            .ok(),
    };
    let kind = match fields.get("event") {
        None => {
            issues.at(
                &at,
                format!("has no \"event\"; use one of {}", event_kinds()),
            );
            return None;
        }
        Some(Value::String(kind)) => kind.clone(),
        Some(_) => {
            issues.at(
                format!("{at}/event"),
                format!("must be a string, one of {}", event_kinds()),
            );
            return None;
        }
    };
    let event = Event::deserialize(Value::Object(fields.clone()))
        .map_err(|err| {
            let (pointer, message) = locate_event_error(&at, &fields, &err.to_string());
            let message = if pointer.ends_with("/event") {
                message
            } else {
                format!("in a \"{kind}\" event: {message}")
            };
            issues.at(pointer, message);
        })
        .ok()?;
    Some(TimedEvent { at: when?, event })
}

/// Points at the field a serde message names, where it names one.
fn locate_event_error(at: &str, fields: &Map<String, Value>, message: &str) -> (String, String) {
    if message.starts_with("unknown variant") {
        return (format!("{at}/event"), message.to_owned());
    }
    if let Some(name) = quoted_after(message, "unknown field `") {
        return (format!("{at}/{}", escape(&name)), message.to_owned());
    }
    // A wrong value: if exactly one field besides `event` was given, it is that one.
    let others: Vec<&String> = fields.keys().filter(|key| *key != "event").collect();
    if let [only] = others.as_slice() {
        if !message.starts_with("missing field") {
            return (format!("{at}/{}", escape(only)), message.to_owned());
        }
    }
    (at.to_owned(), message.to_owned())
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('`')?].to_owned())
}

/// RFC 6901 escaping of one pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The checks the types cannot express. Needs no config.
pub(crate) fn check(timeline: &Timeline) -> Issues {
    let positions: Vec<usize> = (0..timeline.events.len()).collect();
    check_at(timeline, &positions)
}

/// [`check`], with `positions[i]` the place of `timeline.events[i]` in the file.
fn check_at(timeline: &Timeline, positions: &[usize]) -> Issues {
    let mut issues = Issues::default();
    if let Some(zone) = &timeline.time_zone {
        if zone.parse::<Tz>().is_err() {
            issues.at(
                "/time_zone",
                format!(
                    "\"{zone}\" is not an IANA time zone; use a name such as \"Europe/Berlin\" or \
                     \"America/New_York\""
                ),
            );
        }
    }
    check_users(&timeline.users, &mut issues);
    if timeline.end == TimeSpan::ZERO || timeline.end > MAX_END {
        issues.at(
            "/end",
            format!(
                "{} is out of range; a timeline lasts from 1s to {MAX_END} ({SPAN_FORMS})",
                timeline.end
            ),
        );
    }
    let mut previous = TimeSpan::ZERO;
    let mut fault_until: Option<(usize, TimeSpan)> = None;
    for (&index, timed) in positions.iter().zip(&timeline.events) {
        let at = format!("/events/{index}");
        if timed.at < previous {
            issues.at(
                format!("{at}/at"),
                format!(
                    "{} comes before the previous event's {previous}; list events in time order",
                    timed.at
                ),
            );
        }
        previous = previous.max(timed.at);
        if timed.at > timeline.end {
            issues.at(
                format!("{at}/at"),
                format!(
                    "{} is after the end ({}); move the event or the end",
                    timed.at, timeline.end
                ),
            );
        }
        check_event(&at, timed, &timeline.users, &mut issues);
        if let Some(duration) = fault_duration(&timed.event) {
            if let Some((earlier, until)) = fault_until.filter(|(_, until)| timed.at < *until) {
                issues.at(
                    format!("{at}/at"),
                    format!(
                        "starts at {} while the fault of /events/{earlier} lasts until {until}; \
                         faults may not overlap",
                        timed.at
                    ),
                );
            }
            fault_until = timed.at.checked_add(duration).map(|until| (index, until));
        }
    }
    issues
}

fn check_users(users: &[String], issues: &mut Issues) {
    if users.is_empty() {
        issues.at(
            "/users",
            "is empty; list at least one simulated person, e.g. [\"Alice\"]",
        );
    }
    if users.len() > MAX_USERS {
        issues.at(
            "/users",
            format!(
                "lists {} people; a timeline simulates at most {MAX_USERS}",
                users.len()
            ),
        );
    }
    for (index, name) in users.iter().enumerate() {
        if name.trim().is_empty() {
            issues.at(
                format!("/users/{index}"),
                "is blank; give the person a display name",
            );
        } else if users[..index].contains(name) {
            issues.at(
                format!("/users/{index}"),
                format!("\"{name}\" is listed twice; names must be unique (events refer to people by name)"),
            );
        }
    }
}

fn fault_duration(event: &Event) -> Option<TimeSpan> {
    match event {
        Event::Outage { duration } | Event::Faults { duration, .. } => Some(*duration),
        _ => None,
    }
}

fn check_event(at: &str, timed: &TimedEvent, users: &[String], issues: &mut Issues) {
    let known_user = |user: &str, issues: &mut Issues| {
        if !users.iter().any(|name| name == user) {
            issues.at(
                format!("{at}/user"),
                format!(
                    "\"{user}\" is not in /users; use one of {}",
                    users
                        .iter()
                        .map(|name| format!("\"{name}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    };
    let positive = |duration: &TimeSpan, issues: &mut Issues| {
        if *duration == TimeSpan::ZERO {
            issues.at(
                format!("{at}/for"),
                format!("must be longer than 0s; {SPAN_FORMS}"),
            );
        }
    };
    match &timed.event {
        Event::Override {
            user,
            intent,
            mode,
            duration,
            ..
        } => {
            known_user(user, issues);
            if !intent.has_session_pair()
                && *intent != Intent::Release
                && *mode == WriteMode::Polite
            {
                issues.at(
                    format!("{at}/mode"),
                    format!(
                        "\"{}\" can only be shown assertively; add \"mode\": \"assertive\"",
                        intent.as_str()
                    ),
                );
            }
            if let Some(duration) = duration {
                positive(duration, issues);
            }
        }
        Event::EndOverride { user } | Event::TeamsSignOut { user, .. } => known_user(user, issues),
        Event::TeamsClient {
            user,
            availability,
            activity,
            ..
        } => {
            known_user(user, issues);
            if let Err(err) = Availability::parse(availability) {
                issues.at(format!("{at}/availability"), err.to_string());
            }
            if let Err(err) = Activity::parse(activity) {
                issues.at(format!("{at}/activity"), err.to_string());
            }
        }
        Event::Snooze { duration } | Event::Outage { duration } => positive(duration, issues),
        Event::Faults { spec, duration } => {
            positive(duration, issues);
            match spec.parse::<FaultSpec>() {
                Ok(parsed) if !parsed.is_active() => issues.at(
                    format!("{at}/spec"),
                    "injects nothing; give a rate, drop or latency, e.g. \"rate=50,codes=503\"",
                ),
                Ok(_) => {}
                Err(err) => issues.at(format!("{at}/spec"), err.to_string()),
            }
        }
        Event::Calendar { calendar, blocks } => {
            if calendar.trim().is_empty() {
                issues.at(format!("{at}/calendar"), "is empty; name a calendar id");
            }
            for (index, block) in blocks.iter().enumerate() {
                if block.end <= block.start {
                    issues.at(
                        format!("{at}/blocks/{index}/end"),
                        format!(
                            "{} is not after the block's start ({})",
                            block.end, block.start
                        ),
                    );
                }
            }
        }
        Event::CalendarUnavailable { calendar } => {
            if calendar.trim().is_empty() {
                issues.at(format!("{at}/calendar"), "is empty; name a calendar id");
            }
        }
        Event::ScreenLocked { .. }
        | Event::Idle { .. }
        | Event::DoNotDisturb { .. }
        | Event::Presentation { .. }
        | Event::Suspending
        | Event::SessionEnding
        | Event::Resumed
        | Event::Pause
        | Event::Resume
        | Event::EndSnooze => {}
    }
}
