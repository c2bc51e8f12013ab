//! How events and reasons read in the report. Calendar titles never appear (they stay private,
//! as in the audit log).

use chrono::{DateTime, Utc};
use relay_core::evaluate::Reason;
use relay_core::presence::WriteMode;

use crate::model::Event;
use crate::span::TimeSpan;

/// Turns absolute times into offsets from the timeline's start.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Offsets {
    pub start: DateTime<Utc>,
}

impl Offsets {
    /// Whole seconds since the start (earlier times count as the start).
    pub fn of(self, at: DateTime<Utc>) -> TimeSpan {
        TimeSpan::from_seconds(u64::try_from((at - self.start).num_seconds()).unwrap_or(0))
    }

    pub fn clock(self, at: DateTime<Utc>) -> String {
        self.of(at).clock()
    }
}

fn state(value: Option<bool>, on: &str, off: &str, what: &str) -> String {
    match value {
        Some(true) => on.to_owned(),
        Some(false) => off.to_owned(),
        None => format!("{what} unknown (the source cannot tell)"),
    }
}

/// What an event says, for the report. `at` is the event's offset.
pub(crate) fn event_text(event: &Event, at: TimeSpan) -> String {
    let until = |duration: TimeSpan| {
        at.checked_add(duration)
            .map_or_else(String::new, |end| format!(" (until {})", end.clock()))
    };
    match event {
        Event::ScreenLocked { value } => {
            state(*value, "screen locked", "screen unlocked", "screen lock")
        }
        Event::Idle { value: Some(idle) } if *idle == TimeSpan::ZERO => "input".to_owned(),
        Event::Idle { value: Some(idle) } => format!("no input for {idle}"),
        Event::Idle { value: None } => "idle time unknown (the source cannot tell)".to_owned(),
        Event::DoNotDisturb { value } => state(
            *value,
            "do not disturb on",
            "do not disturb off",
            "do not disturb",
        ),
        Event::Presentation { value } => state(
            *value,
            "presentation started",
            "presentation ended",
            "presentation",
        ),
        Event::Suspending => "machine going to sleep".to_owned(),
        Event::SessionEnding => "session ending".to_owned(),
        Event::Resumed => "machine resumed".to_owned(),
        Event::Calendar { calendar, blocks } => {
            let listed: Vec<String> = blocks
                .iter()
                .map(|block| {
                    format!(
                        "{} {}..{}",
                        serde_json::to_value(block.show_as)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        block.start.clock(),
                        block.end.clock()
                    )
                })
                .collect();
            if listed.is_empty() {
                format!("calendar \"{calendar}\": no blocks")
            } else {
                format!("calendar \"{calendar}\": {}", listed.join(", "))
            }
        }
        Event::CalendarUnavailable { calendar } => {
            format!("calendar \"{calendar}\" cannot be read (its last blocks are kept)")
        }
        Event::Pause => "paused by a person".to_owned(),
        Event::Resume => "resumed by a person".to_owned(),
        Event::Snooze { duration } => format!("rules snoozed for {duration}{}", until(*duration)),
        Event::EndSnooze => "snooze ended by a person".to_owned(),
        Event::Override {
            user,
            intent,
            mode,
            message,
            duration,
        } => {
            let mut text = format!("{user} shown as {}", intent.as_str());
            if *mode == WriteMode::Assertive {
                text.push_str(", assertive");
            }
            if let Some(message) = message {
                text.push_str(&format!(", {message:?}"));
            }
            match duration {
                Some(duration) => text.push_str(&format!(" for {duration}{}", until(*duration))),
                None => text.push_str(" until changed"),
            }
            format!("override: {text}")
        }
        Event::EndOverride { user } => format!("override of {user} ended"),
        Event::TeamsClient {
            user,
            client,
            availability,
            activity,
        } => format!(
            "{user}'s Teams {} client shows {availability}/{activity}",
            client.as_str()
        ),
        Event::TeamsSignOut { user, client } => {
            format!("{user}'s Teams {} client signed out", client.as_str())
        }
        Event::Outage { duration } => {
            format!("network outage for {duration}{}", until(*duration))
        }
        Event::Faults { spec, duration } => {
            format!("Graph faults \"{spec}\" for {duration}{}", until(*duration))
        }
    }
}

/// Who or what decided, e.g. `rule "Screen locked"` or `override until +00:30:00`.
pub(crate) fn reason_text(reason: &Reason, offsets: Offsets) -> String {
    match reason {
        Reason::Paused => "paused".to_owned(),
        Reason::ShuttingDown => "released on quit, logoff or sleep".to_owned(),
        Reason::Override { until: Some(until) } => {
            format!("manual override until {}", offsets.clock(*until))
        }
        Reason::Override { until: None } => "manual override".to_owned(),
        Reason::Snoozed { until } => format!("snoozed until {}", offsets.clock(*until)),
        Reason::MachineLeaving => "machine leaving, no rule for it".to_owned(),
        Reason::Rule { name, .. } => format!("rule {name:?}"),
        Reason::Default => "default action".to_owned(),
    }
}
