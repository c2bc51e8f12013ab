//! The config a timeline is replayed with, fitted to the simulated people, and the checks that
//! need both: which config, whose users become the timeline's people by position, and whether
//! the calendars the events name exist.

use chrono_tz::Tz;
use relay_config::ConfigParser;
use relay_core::config::{
    validate, ConfigFile, ConfigIssue, Targets, User, ValidConfig, CURRENT_SCHEMA_VERSION,
};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Document, Issues, TimelineError, TimelineIssue};
use crate::model::{Event, Timeline};

/// One simulated person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Person {
    pub name: String,
    pub id: Uuid,
}

impl Person {
    /// The engine's key for this person (lower-case object ID).
    pub fn key(&self) -> String {
        self.id.to_string()
    }
}

/// Everything a replay needs besides the timeline itself.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub people: Vec<Person>,
    pub config: ValidConfig,
    pub zone: Tz,
}

/// The object ID of the `index`-th simulated person: fixed, so output never depends on a seed
/// or a run (`00000000-0000-4000-8000-000000000001` for the first).
pub(crate) fn person_id(index: usize) -> Uuid {
    let number = u128::try_from(index).unwrap_or(u128::MAX >> 80) + 1;
    Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | number)
}

/// Picks the config (`config` from outside, else the timeline's own, else the starter set from
/// `presence-relay config example`), fits it to the timeline's people and checks the events
/// against it.
pub(crate) fn prepare(
    timeline: &Timeline,
    config: Option<ValidConfig>,
) -> Result<Prepared, TimelineError> {
    let people: Vec<Person> = timeline
        .users
        .iter()
        .enumerate()
        .map(|(index, name)| Person {
            name: name.clone(),
            id: person_id(index),
        })
        .collect();
    let zone = match &timeline.time_zone {
        None => chrono_tz::UTC,
        Some(zone) => zone.parse::<Tz>().map_err(|_| {
            TimelineError::Invalid(vec![TimelineIssue::timeline(
                "/time_zone",
                format!("\"{zone}\" is not an IANA time zone such as \"Europe/Berlin\""),
            )])
        })?,
    };
    let (base, place) = match (config, &timeline.config) {
        (Some(config), _) => (config.into_file(), Place::Outside),
        (None, Some(inline)) => (parse_inline(inline)?, Place::Inline),
        (None, None) => (relay_config::example::example_config(), Place::Outside),
    };
    let config = fit(base, &people).map_err(|issues| {
        TimelineError::Invalid(issues.into_iter().map(|i| place.issue(i)).collect())
    })?;
    let mut issues = Issues::default();
    check_calendars(timeline, &config, &mut issues);
    issues.into_result(Prepared {
        people,
        config,
        zone,
    })
}

/// Where the config came from, for locating its problems.
#[derive(Clone, Copy)]
enum Place {
    Inline,
    Outside,
}

impl Place {
    fn issue(self, issue: ConfigIssue) -> TimelineIssue {
        match self {
            Place::Inline => TimelineIssue {
                document: Document::Timeline,
                pointer: format!("/config{}", issue.pointer),
                message: issue.message,
            },
            Place::Outside => TimelineIssue::config(issue.pointer, issue.message),
        }
    }
}

/// The timeline's `config` through the config file's own parse pipeline.
fn parse_inline(inline: &Value) -> Result<ConfigFile, TimelineError> {
    let mut document = inline.clone();
    if let Value::Object(fields) = &mut document {
        fields
            .entry("schema_version")
            .or_insert_with(|| Value::from(CURRENT_SCHEMA_VERSION));
    }
    ConfigParser::new()
        .parse(&document.to_string())
        .map(|parsed| parsed.config.into_file())
        .map_err(|issues| {
            TimelineError::Invalid(
                issues
                    .into_iter()
                    .filter(ConfigIssue::is_error)
                    .map(|issue| Place::Inline.issue(issue))
                    .collect(),
            )
        })
}

/// Replaces the config's users with the simulated people: the config's k-th user is played by
/// the k-th person, so rules that name users keep meaning the same people. The connection is
/// dropped (the tenant is simulated).
fn fit(mut file: ConfigFile, people: &[Person]) -> Result<ValidConfig, Vec<ConfigIssue>> {
    let by_position: Vec<String> = file
        .users
        .iter()
        .map(|user| user.object_id.to_ascii_lowercase())
        .collect();
    let mut issues = Vec::new();
    for (index, rule) in file.rules.iter_mut().enumerate() {
        let Targets::Named(ids) = &mut rule.users else {
            continue;
        };
        let mut played: Vec<String> = Vec::new();
        for id in ids.iter() {
            let position = by_position
                .iter()
                .position(|known| *known == id.to_ascii_lowercase());
            if let Some(person) = position.and_then(|p| people.get(p)) {
                if !played.contains(&person.key()) {
                    played.push(person.key());
                }
            }
        }
        if played.is_empty() && !ids.is_empty() {
            issues.push(ConfigIssue::error(
                format!("/rules/{index}/users"),
                format!(
                    "names only users the timeline does not simulate (the config's users are \
                     played by the timeline's {} {} in order); list more people in the \
                     timeline's users",
                    people.len(),
                    if people.len() == 1 {
                        "person"
                    } else {
                        "people"
                    }
                ),
            ));
        }
        *ids = played;
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    file.users = people
        .iter()
        .map(|person| User {
            display_name: person.name.clone(),
            object_id: person.key(),
        })
        .collect();
    file.connection = None;
    validate(file).map_err(|issues| issues.into_iter().filter(ConfigIssue::is_error).collect())
}

/// Calendar events must name a calendar the rules can see, or they would change nothing.
fn check_calendars(timeline: &Timeline, config: &ValidConfig, issues: &mut Issues) {
    let ids: Vec<&str> = config
        .file()
        .calendars
        .iter()
        .map(|calendar| calendar.id.as_str())
        .collect();
    for (index, timed) in timeline.events.iter().enumerate() {
        let (Event::Calendar { calendar, .. } | Event::CalendarUnavailable { calendar }) =
            &timed.event
        else {
            continue;
        };
        if !ids.contains(&calendar.as_str()) {
            let known = if ids.is_empty() {
                "the config has none; add one under \"calendars\"".to_owned()
            } else {
                format!("use one of {}", ids.join(", "))
            };
            issues.push(TimelineIssue::timeline(
                format!("/events/{index}/calendar"),
                format!("\"{calendar}\" is not a calendar of the config; {known}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_ids_are_fixed_guids() {
        assert_eq!(
            person_id(0).to_string(),
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(
            person_id(41).to_string(),
            "00000000-0000-4000-8000-00000000002a"
        );
    }
}
