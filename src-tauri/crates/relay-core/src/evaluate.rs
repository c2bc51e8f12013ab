//! Rules + signals + human control + now -> what each user should show, and why.
//!
//! Pure and deterministic. Besides the decisions, evaluation says when it should run again even
//! if no signal changes (`wake_at`): a lock that has lasted long enough, an idle threshold, a time
//! window or calendar boundary, the end of a snooze or an override. The engine sets one timer for
//! that instant instead of polling.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::control::Control;
use crate::presence::{Intent, WriteMode};
use crate::rules::{
    CompiledAction, CompiledCalendarCondition, CompiledRule, CompiledWindow, RuleSet,
};
use crate::snapshot::Snapshot;

/// What one user should show, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub intent: Intent,
    pub mode: WriteMode,
    /// The status message with its placeholders filled in.
    pub message: Option<String>,
    /// How long each write may live.
    pub hold: Duration,
    /// When the decision is known to end (end of a time window, calendar block or override).
    pub until: Option<DateTime<Utc>>,
    pub reason: Reason,
    /// An earlier rule is about to match (its lock or idle time is still counting). Flap
    /// damping then keeps what is shown instead of falling through to this decision.
    pub pending: bool,
}

/// Why a decision was made; shown in the tray, the UI and the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// Automation paused: release everything.
    Paused,
    /// The app is quitting, or the session ending or the machine sleeping: release everything.
    ShuttingDown,
    /// A person chose this in the tray or the CLI.
    Override { until: Option<DateTime<Utc>> },
    /// The rules are snoozed: release until then.
    Snoozed { until: DateTime<Utc> },
    /// The machine is going to sleep or the session is ending and no rule covers it.
    MachineLeaving,
    /// A rule matched.
    Rule { index: usize, name: String },
    /// No rule matched.
    Default,
}

impl Reason {
    /// Rule-driven decisions are subject to flap damping; human and machine ones are not.
    pub fn is_automatic(&self) -> bool {
        matches!(self, Reason::Rule { .. } | Reason::Default)
    }
}

/// The result of one evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// Per configured user (lower-case object ID).
    pub decisions: BTreeMap<String, Decision>,
    /// Evaluate again at this time even if nothing is observed.
    pub wake_at: Option<DateTime<Utc>>,
}

/// Everything evaluation reads.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub rules: &'a RuleSet,
    pub snapshot: &'a Snapshot,
    pub control: &'a Control,
    /// The machine's time zone, for windows without a zone and for message times.
    pub local_zone: Tz,
}

pub fn evaluate(inputs: &Inputs<'_>, now: DateTime<Utc>) -> Evaluation {
    let mut wake = Wake::default();
    for rule in inputs.rules.rules.iter().filter(|r| r.enabled) {
        wake.at(check_rule(rule, inputs, now).next_change);
    }
    if let Some(until) = inputs.control.snoozed_until {
        wake.after(until, now);
    }
    let decisions = inputs
        .rules
        .users
        .iter()
        .map(|user| {
            let decision = decide(user, inputs, now);
            if let Some(until) = decision.until {
                wake.after(until, now);
            }
            (user.clone(), decision)
        })
        .collect();
    Evaluation {
        decisions,
        wake_at: wake.earliest,
    }
}

fn decide(user: &str, inputs: &Inputs<'_>, now: DateTime<Utc>) -> Decision {
    let control = inputs.control;
    let rules = inputs.rules;
    if control.paused {
        return release(rules, Reason::Paused);
    }
    if let Some(manual) = control.override_for(user, now) {
        return Decision {
            intent: manual.intent,
            mode: manual.mode,
            message: manual
                .message
                .as_deref()
                .map(|m| render(m, manual.until, inputs.local_zone, now)),
            hold: rules.default_action.hold,
            until: manual.until,
            reason: Reason::Override {
                until: manual.until,
            },
            pending: false,
        };
    }
    if let Some(until) = control.snoozed_until.filter(|_| control.snoozed(now)) {
        return release(rules, Reason::Snoozed { until });
    }
    let leaving = inputs.snapshot.machine.is_some();
    let mut pending = false;
    for rule in rules
        .rules
        .iter()
        .filter(|r| r.enabled && r.applies_to(user))
    {
        // While the machine is leaving, only rules written for that moment may speak.
        if leaving != rule.when.machine.is_some() {
            continue;
        }
        let check = check_rule(rule, inputs, now);
        if check.holds {
            let mut decision = from_action(
                &rule.then,
                check.until,
                Reason::Rule {
                    index: rule.index,
                    name: rule.name.clone(),
                },
                inputs.local_zone,
                now,
            );
            decision.pending = pending;
            return decision;
        }
        pending |= check.pending;
    }
    if leaving {
        return release(rules, Reason::MachineLeaving);
    }
    let mut decision = from_action(
        &rules.default_action,
        None,
        Reason::Default,
        inputs.local_zone,
        now,
    );
    decision.pending = pending;
    decision
}

fn release(rules: &RuleSet, reason: Reason) -> Decision {
    Decision {
        intent: Intent::Release,
        mode: WriteMode::Polite,
        message: None,
        hold: rules.default_action.hold,
        until: None,
        reason,
        pending: false,
    }
}

fn from_action(
    action: &CompiledAction,
    until: Option<DateTime<Utc>>,
    reason: Reason,
    zone: Tz,
    now: DateTime<Utc>,
) -> Decision {
    Decision {
        intent: action.intent,
        mode: action.mode,
        message: action
            .message
            .as_deref()
            .map(|m| render(m, until, zone, now)),
        hold: action.hold,
        until,
        reason,
        pending: false,
    }
}

/// Fills `{until}` and `{back_at}` with the local time the decision ends ("13:00", or
/// "Tue 09:00" on another day), or "later" when no end is known.
pub fn render(
    template: &str,
    until: Option<DateTime<Utc>>,
    zone: Tz,
    now: DateTime<Utc>,
) -> String {
    let time = match until {
        None => "later".to_owned(),
        Some(until) => {
            let local = until.with_timezone(&zone);
            if local.date_naive() == now.with_timezone(&zone).date_naive() {
                local.format("%H:%M").to_string()
            } else {
                local.format("%a %H:%M").to_string()
            }
        }
    };
    template
        .replace("{until}", &time)
        .replace("{back_at}", &time)
}

/// Outcome of checking one rule's conditions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Check {
    holds: bool,
    /// The earliest end among the conditions that bound the rule in time.
    until: Option<DateTime<Utc>>,
    /// When the outcome may change with time alone.
    next_change: Option<DateTime<Utc>>,
    /// Everything holds except a duration still counting (locked for 10 s, idle for 5 min).
    pending: bool,
}

fn check_rule(rule: &CompiledRule, inputs: &Inputs<'_>, now: DateTime<Utc>) -> Check {
    let snapshot = inputs.snapshot;
    let when = &rule.when;
    let mut holds = true;
    let mut counting = false;
    let mut wake = Wake::default();
    let mut until = Wake::default();

    if let Some((locked, min)) = when.screen {
        let ok = snapshot.screen_locked.held_for(locked, min, now);
        if !ok {
            let from = snapshot.screen_locked.holds_from(locked, min);
            wake.after_opt(from, now);
            counting |= from.is_some_and(|from| from > now);
        }
        holds &= ok || from_counts(snapshot.screen_locked.holds_from(locked, min), now);
    }
    if let Some(min) = when.idle {
        let ok = snapshot.idle.idle_for_at_least(min, now);
        wake.after_opt(snapshot.idle.hysteresis_ends(), now);
        if !ok {
            let from = snapshot.idle.idle_from(min);
            wake.after_opt(from, now);
            counting |= from.is_some_and(|from| from > now);
        }
        holds &= ok || from_counts(snapshot.idle.idle_from(min), now);
    }
    if let Some(want) = when.do_not_disturb {
        holds &= snapshot.do_not_disturb.value() == Some(want);
    }
    if let Some(want) = when.presentation {
        holds &= snapshot.presentation.value() == Some(want);
    }
    if let Some(want) = when.machine {
        holds &= snapshot.machine.map(|(state, _)| state) == Some(want);
    }
    if let Some(window) = &when.time {
        let state = window_state(window, inputs.local_zone, now);
        wake.at(state.next_change);
        until.at(state.active_until);
        holds &= state.active_until.is_some();
    }
    if let Some(condition) = &when.calendar {
        let state = calendar_state(condition, snapshot, now);
        wake.at(state.next_change);
        until.at(state.active_until);
        holds &= state.active_until.is_some();
    }
    // `holds` so far treated a still-counting duration as holding; split the two outcomes.
    Check {
        holds: holds && !counting,
        until: until.earliest,
        next_change: wake.earliest,
        pending: holds && counting,
    }
}

/// A duration condition that is still counting towards its threshold.
fn from_counts(from: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    from.is_some_and(|from| from > now)
}

/// A condition bounded in time: active until when, and when it next changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TimedState {
    active_until: Option<DateTime<Utc>>,
    next_change: Option<DateTime<Utc>>,
}

fn calendar_state(
    condition: &CompiledCalendarCondition,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
) -> TimedState {
    let Some(view) = snapshot.calendars.get(&condition.calendar) else {
        return TimedState {
            active_until: None,
            next_change: None,
        };
    };
    let matching = view.blocks.iter().filter(|block| {
        condition.show_as.contains(&block.show_as)
            && (condition.title_keywords.is_empty() || {
                let title = block.title.to_lowercase();
                condition.title_keywords.iter().any(|k| title.contains(k))
            })
    });
    let mut active_until: Option<DateTime<Utc>> = None;
    let mut next = Wake::default();
    for block in matching {
        if block.start <= now && now < block.end {
            active_until = Some(active_until.map_or(block.end, |u| u.max(block.end)));
        }
        next.after(block.start, now);
        next.after(block.end, now);
    }
    TimedState {
        active_until,
        next_change: next.earliest,
    }
}

fn window_state(window: &CompiledWindow, local_zone: Tz, now: DateTime<Utc>) -> TimedState {
    let zone = window.zone.unwrap_or(local_zone);
    let today = now.with_timezone(&zone).date_naive();
    let wraps = window.end <= window.start;
    let mut active_until: Option<DateTime<Utc>> = None;
    let mut next = Wake::default();
    // Yesterday's occurrence may still run past midnight; a week ahead covers every weekday.
    for offset in -1..=7 {
        let Some(day) = today.checked_add_signed(Duration::days(offset)) else {
            continue;
        };
        if !window.days.is_empty() && !window.days.contains(&chrono::Datelike::weekday(&day)) {
            continue;
        }
        let end_day = if wraps {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        let start = to_utc(zone, day.and_time(window.start));
        let end = to_utc(zone, end_day.and_time(window.end));
        if start <= now && now < end {
            active_until = Some(active_until.map_or(end, |u| u.max(end)));
        }
        next.after(start, now);
        next.after(end, now);
    }
    TimedState {
        active_until,
        next_change: next.earliest,
    }
}

/// Local wall time to UTC. A time skipped by a DST change counts from the first valid minute
/// after it; a repeated time counts from its first occurrence.
fn to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = local;
    for _ in 0..4 {
        if let Some(time) = zone.from_local_datetime(&candidate).earliest() {
            return time.with_timezone(&Utc);
        }
        candidate += Duration::minutes(30);
    }
    // No zone skips more than two hours; fall back to reading the time as UTC.
    Utc.from_utc_datetime(&local)
}

/// Collects the earliest of several candidate times.
#[derive(Clone, Copy, Debug, Default)]
struct Wake {
    earliest: Option<DateTime<Utc>>,
}

impl Wake {
    fn at(&mut self, time: Option<DateTime<Utc>>) {
        if let Some(time) = time {
            self.earliest = Some(self.earliest.map_or(time, |e| e.min(time)));
        }
    }

    /// Only times strictly after `now` wake anyone up.
    fn after(&mut self, time: DateTime<Utc>, now: DateTime<Utc>) {
        if time > now {
            self.at(Some(time));
        }
    }

    fn after_opt(&mut self, time: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if let Some(time) = time {
            self.after(time, now);
        }
    }
}

/// A calendar date's local midnight (used by callers that snooze "until tomorrow").
pub fn start_of_day(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    to_utc(zone, date.and_time(chrono::NaiveTime::MIN))
}

#[cfg(test)]
mod tests;
