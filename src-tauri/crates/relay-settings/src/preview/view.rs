//! A replay's report -> what the window shows: per user, the state at "now" and each change of
//! it afterwards. A state is what Teams shows (from the simulated tenant) together with what the
//! engine decided and why; keep-alive writes and other lines that change neither are left out.

use chrono::{DateTime, Duration, Utc};
use relay_api::status::{intent_label, IntentView, ReasonView};
use relay_api::{PreviewCause, PreviewChange, PreviewPresence, PreviewState};
use relay_core::config::{ConfigFile, Rule};
use relay_core::evaluate::Reason;
use relay_core::presence::Intent;
use relay_timeline::{Entry, SimulationReport};

/// What one user's lines come to.
#[derive(Debug)]
pub(crate) struct UserStates {
    pub now: PreviewState,
    pub changes: Vec<PreviewChange>,
}

/// The states of the person the report calls `name`, split at `now_at` seconds after the
/// report's start. `None` when the report has no decision for them at all (it always has one:
/// the engine decides for everyone at its first step).
pub(crate) fn user_states(
    report: &SimulationReport,
    name: &str,
    now_at: u64,
    config: &ConfigFile,
) -> Option<UserStates> {
    let mut timeline: Vec<(u64, PreviewState)> = Vec::new();
    let mut decided: Option<Decided<'_>> = None;
    let mut teams: Option<Teams<'_>> = None;
    let lines = report.lines_for(name);
    for (index, line) in lines.iter().enumerate() {
        match &line.entry {
            Entry::Intent {
                intent, decided_by, ..
            } => {
                decided = Some(Decided {
                    intent: *intent,
                    reason: decided_by,
                });
            }
            Entry::Teams {
                availability,
                activity,
                message,
            } => {
                teams = Some(Teams {
                    availability,
                    activity,
                    message: message.as_deref(),
                });
            }
            Entry::Event { .. } | Entry::Write { .. } | Entry::WriteFailed { .. } => {}
        }
        // A step's lines share one time: the state is what they come to together.
        let step_ends = lines
            .get(index + 1)
            .is_none_or(|next| next.seconds != line.seconds);
        if let (true, Some(decided)) = (step_ends, &decided) {
            let state = state(decided, teams.as_ref(), config);
            if timeline.last().map(|(_, last)| last) != Some(&state) {
                timeline.push((line.seconds, state));
            }
        }
    }
    let split = timeline.partition_point(|(seconds, _)| *seconds <= now_at);
    let later = timeline.split_off(split);
    let (_, now) = timeline.pop()?;
    let start = report.start;
    Some(UserStates {
        now,
        changes: later
            .into_iter()
            .map(|(seconds, to)| PreviewChange {
                at: at(start, seconds),
                to,
            })
            .collect(),
    })
}

struct Decided<'a> {
    intent: Intent,
    reason: &'a Reason,
}

struct Teams<'a> {
    availability: &'a str,
    activity: &'a str,
    message: Option<&'a str>,
}

fn state(decided: &Decided<'_>, teams: Option<&Teams<'_>>, config: &ConfigFile) -> PreviewState {
    // Released: whatever Teams shows then is the person's own clients' doing, not ours.
    let teams = teams.filter(|_| decided.intent != Intent::Release);
    PreviewState {
        intent: IntentView {
            value: decided.intent,
            label: intent_label(decided.intent),
        },
        shown: teams.map(|teams| PreviewPresence {
            availability: teams.availability.to_owned(),
            activity: teams.activity.to_owned(),
        }),
        message: teams.and_then(|teams| teams.message.map(str::to_owned)),
        reason: ReasonView::from(decided.reason),
        causes: match decided.reason {
            Reason::Rule { index, .. } => config.rules.get(*index).map(causes).unwrap_or_default(),
            _ => Vec::new(),
        },
    }
}

/// The conditions of `rule` that depend on time.
fn causes(rule: &Rule) -> Vec<PreviewCause> {
    let mut causes = Vec::new();
    if let Some(window) = &rule.when.time {
        causes.push(PreviewCause::TimeWindow {
            start: window.start.clone(),
            end: window.end.clone(),
            time_zone: window.time_zone.clone(),
        });
    }
    if let Some(calendar) = &rule.when.calendar {
        causes.push(PreviewCause::Calendar {
            calendar: calendar.calendar.clone(),
        });
    }
    causes
}

fn at(start: DateTime<Utc>, seconds: u64) -> DateTime<Utc> {
    start + Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}
