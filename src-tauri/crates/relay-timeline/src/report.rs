//! What a replay produced: one line per fact, in time order, for every person: what happened
//! (events), what the engine decided (intent and why), the writes it made, and what Teams shows.
//! Rendered as text for people and serialized as JSON for the UI's preview; both carry nothing
//! that differs between runs (no wall clock, ports or generated IDs).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use relay_core::evaluate::Reason;
use relay_core::presence::{Intent, WriteMode};
use serde::Serialize;

use crate::span::TimeSpan;

/// The outcome of [`crate::simulate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimulationReport {
    pub start: DateTime<Utc>,
    pub end: TimeSpan,
    /// The zone message times and zoneless windows were read in.
    pub time_zone: String,
    /// The simulated people, by display name.
    pub users: Vec<String>,
    /// The rules replayed, in order.
    pub rules: Vec<RuleName>,
    /// What happens when no rule matches (an intent name).
    pub default_intent: Intent,
    pub lines: Vec<ReportLine>,
    pub summary: Summary,
}

/// A rule of the replayed config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleName {
    pub name: String,
    pub enabled: bool,
}

/// One fact at one time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// Whole seconds since the start.
    pub seconds: u64,
    /// The same as `+HH:MM:SS`.
    pub at: String,
    /// The person it is about; absent for events that concern the whole desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(flatten)]
    pub entry: Entry,
}

/// What a line says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// Something in the timeline happened (a signal, a person's command, a fault).
    Event { text: String },
    /// The engine's decision for the person changed.
    Intent {
        intent: Intent,
        mode: WriteMode,
        message: Option<String>,
        /// Which rule, person or state decided, e.g. `rule "Screen locked"`.
        reason: String,
        /// The same as data, with the rule's position in the replayed config, for callers that
        /// build their own view (the settings window's preview). Left out of the JSON, which
        /// keeps its documented fields.
        #[serde(skip)]
        decided_by: Reason,
    },
    /// A write Graph accepted, as the audit log words it.
    Write { write: String },
    /// A write that failed, with the failure's code (`transport`, `throttled`, ...).
    WriteFailed { write: String, error: String },
    /// What Teams shows for the person changed.
    Teams {
        availability: String,
        activity: String,
        message: Option<String>,
    },
}

/// Totals over the whole replay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub writes: usize,
    pub failed_writes: usize,
}

impl ReportLine {
    pub(crate) fn new(at: TimeSpan, user: Option<&str>, entry: Entry) -> Self {
        Self {
            seconds: at.seconds(),
            at: at.clock(),
            user: user.map(str::to_owned),
            entry,
        }
    }
}

/// What marks desk-wide lines in the name column.
const EVERYONE: &str = "*";

impl SimulationReport {
    /// A readable timeline, one fact per line:
    /// `+00:05:10  Alice  intent  away, assertive, "Back soon" (rule "Screen locked")`.
    pub fn render_text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "Timeline from {} to {} (time zone {})",
            self.start.format("%Y-%m-%dT%H:%M:%SZ"),
            self.end.clock(),
            self.time_zone
        );
        let _ = writeln!(text, "People: {}", self.users.join(", "));
        let rules = if self.rules.is_empty() {
            "none".to_owned()
        } else {
            self.rules
                .iter()
                .enumerate()
                .map(|(index, rule)| {
                    let off = if rule.enabled { "" } else { " (off)" };
                    format!("{} {:?}{off}", index + 1, rule.name)
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            text,
            "Rules: {rules}; otherwise {}",
            self.default_intent.as_str()
        );
        text.push('\n');
        let width = self
            .users
            .iter()
            .map(|name| name.chars().count())
            .chain([EVERYONE.len()])
            .max()
            .unwrap_or(1);
        for line in &self.lines {
            let who = line.user.as_deref().unwrap_or(EVERYONE);
            let (label, what) = describe(&line.entry);
            let _ = writeln!(text, "{}  {who:<width$}  {label:<6}  {what}", line.at);
        }
        text.push('\n');
        let _ = writeln!(
            text,
            "Writes: {} accepted, {} failed",
            self.summary.writes, self.summary.failed_writes
        );
        text
    }

    /// The lines about one person, by display name (not the desk-wide events).
    pub fn lines_for(&self, user: &str) -> Vec<&ReportLine> {
        self.lines
            .iter()
            .filter(|line| line.user.as_deref() == Some(user))
            .collect()
    }
}

/// The label column and the rest of a line.
fn describe(entry: &Entry) -> (&'static str, String) {
    match entry {
        Entry::Event { text } => ("event", text.clone()),
        Entry::Intent {
            intent,
            mode,
            message,
            reason,
            ..
        } => {
            let mut what = intent.as_str().to_owned();
            if *intent != Intent::Release {
                what.push_str(match mode {
                    WriteMode::Polite => ", polite",
                    WriteMode::Assertive => ", assertive",
                });
            }
            if let Some(message) = message {
                let _ = write!(what, ", {message:?}");
            }
            let _ = write!(what, " ({reason})");
            ("intent", what)
        }
        Entry::Write { write } => ("write", write.clone()),
        Entry::WriteFailed { write, error } => ("FAILED", format!("{write} ({error})")),
        Entry::Teams {
            availability,
            activity,
            message,
        } => {
            let mut what = format!("{availability}/{activity}");
            if let Some(message) = message {
                let _ = write!(what, " {message:?}");
            }
            ("teams", what)
        }
    }
}
