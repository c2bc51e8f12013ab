//! Rules in the form the evaluator uses: times parsed, zones resolved, keywords lower-cased,
//! durations as durations. Made from a validated config by [`RuleSet::compile`], so evaluation
//! never meets a malformed rule.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveTime};
use chrono_tz::Tz;

use crate::config::{
    Action, ConfigFile, ConfigIssue, MachineState, ShowAs, Targets, TimeWindow, Weekday,
};
use crate::presence::{Intent, WriteMode};

/// All rules of a config, in order, with the default action.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
    pub default_action: CompiledAction,
    /// The configured users' object IDs (lower case), in config order.
    pub users: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompiledRule {
    /// Position in the config (`/rules/{index}`).
    pub index: usize,
    pub name: String,
    pub enabled: bool,
    /// `None`: every user.
    pub users: Option<BTreeSet<String>>,
    pub when: CompiledConditions,
    pub then: CompiledAction,
}

impl CompiledRule {
    pub fn applies_to(&self, user: &str) -> bool {
        self.users.as_ref().is_none_or(|users| users.contains(user))
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompiledConditions {
    /// Locked (`true`) or unlocked, for at least this long.
    pub screen: Option<(bool, Duration)>,
    pub idle: Option<Duration>,
    pub do_not_disturb: Option<bool>,
    pub presentation: Option<bool>,
    pub calendar: Option<CompiledCalendarCondition>,
    pub time: Option<CompiledWindow>,
    pub machine: Option<MachineState>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompiledCalendarCondition {
    pub calendar: String,
    pub show_as: Vec<ShowAs>,
    /// Lower-cased; empty matches every event.
    pub title_keywords: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompiledWindow {
    /// Days the window starts on; empty means every day.
    pub days: Vec<chrono::Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// `None`: the machine's zone, passed in at evaluation.
    pub zone: Option<Tz>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledAction {
    pub intent: Intent,
    pub mode: WriteMode,
    pub message: Option<String>,
    pub hold: Duration,
}

/// Parses `HH:MM` (24-hour, two digits each).
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

impl RuleSet {
    /// Compiles a config that passed validation. A failure here means validation missed
    /// something, so it is reported as an issue at the offending place rather than a panic.
    pub fn compile(file: &ConfigFile) -> Result<Self, ConfigIssue> {
        let default_hold = Duration::minutes(i64::from(file.settings.engine.default_hold_minutes));
        let rules = file
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                Ok(CompiledRule {
                    index,
                    name: rule.name.clone(),
                    enabled: rule.enabled,
                    users: match &rule.users {
                        Targets::All => None,
                        Targets::Named(ids) => {
                            Some(ids.iter().map(|id| id.to_ascii_lowercase()).collect())
                        }
                    },
                    when: compile_conditions(index, rule)?,
                    then: compile_action(&rule.then, default_hold),
                })
            })
            .collect::<Result<Vec<_>, ConfigIssue>>()?;
        Ok(Self {
            rules,
            default_action: compile_action(&file.default_action, default_hold),
            users: file
                .users
                .iter()
                .map(|u| u.object_id.to_ascii_lowercase())
                .collect(),
        })
    }
}

fn compile_conditions(
    index: usize,
    rule: &crate::config::Rule,
) -> Result<CompiledConditions, ConfigIssue> {
    let when = &rule.when;
    Ok(CompiledConditions {
        screen: when.screen.as_ref().map(|screen| {
            (
                screen.locked,
                Duration::seconds(i64::from(screen.for_seconds.unwrap_or(0))),
            )
        }),
        idle: when
            .idle_minutes
            .map(|minutes| Duration::minutes(i64::from(minutes))),
        do_not_disturb: when.do_not_disturb,
        presentation: when.presentation,
        calendar: when
            .calendar
            .as_ref()
            .map(|calendar| CompiledCalendarCondition {
                calendar: calendar.calendar.clone(),
                show_as: calendar.show_as.clone(),
                title_keywords: calendar
                    .title_keywords
                    .iter()
                    .map(|k| k.to_lowercase())
                    .collect(),
            }),
        time: when
            .time
            .as_ref()
            .map(|window| compile_window(index, window))
            .transpose()?,
        machine: when.machine,
    })
}

fn compile_window(index: usize, window: &TimeWindow) -> Result<CompiledWindow, ConfigIssue> {
    let at = |field: &str| format!("/rules/{index}/when/time/{field}");
    let start = parse_clock(&window.start)
        .ok_or_else(|| ConfigIssue::error(at("start"), "not a time; use HH:MM"))?;
    let end = parse_clock(&window.end)
        .ok_or_else(|| ConfigIssue::error(at("end"), "not a time; use HH:MM"))?;
    let zone = window
        .time_zone
        .as_deref()
        .map(|zone| {
            zone.parse::<Tz>()
                .map_err(|_| ConfigIssue::error(at("time_zone"), "not an IANA time zone"))
        })
        .transpose()?;
    Ok(CompiledWindow {
        days: window.days.iter().map(|day| to_chrono(*day)).collect(),
        start,
        end,
        zone,
    })
}

fn to_chrono(day: Weekday) -> chrono::Weekday {
    match day {
        Weekday::Mon => chrono::Weekday::Mon,
        Weekday::Tue => chrono::Weekday::Tue,
        Weekday::Wed => chrono::Weekday::Wed,
        Weekday::Thu => chrono::Weekday::Thu,
        Weekday::Fri => chrono::Weekday::Fri,
        Weekday::Sat => chrono::Weekday::Sat,
        Weekday::Sun => chrono::Weekday::Sun,
    }
}

fn compile_action(action: &Action, default_hold: Duration) -> CompiledAction {
    CompiledAction {
        intent: action.intent,
        mode: action.mode,
        message: action.message.clone(),
        hold: action.hold_minutes.map_or(default_hold, |minutes| {
            Duration::minutes(i64::from(minutes))
        }),
    }
}
