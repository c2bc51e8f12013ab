//! What can be wrong with a timeline (or the config it is replayed with), located by a JSON
//! pointer, and what can go wrong running it.

use std::fmt;

use serde::Serialize;

/// Which document a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// The timeline, including its inline `config` (pointers then start with `/config`).
    Timeline,
    /// A config given from outside (`--config`, or the config in use).
    Config,
}

/// One problem, located by a JSON pointer (RFC 6901) into its document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineIssue {
    pub document: Document,
    /// Where the problem is, e.g. `/events/3/at`; empty for the whole document.
    pub pointer: String,
    /// What is wrong, and what would be valid.
    pub message: String,
}

impl TimelineIssue {
    pub fn timeline(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            document: Document::Timeline,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    pub fn config(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            document: Document::Config,
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for TimelineIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let document = match self.document {
            Document::Timeline => "timeline",
            Document::Config => "config",
        };
        let place = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, "{document} {place}: {}", self.message)
    }
}

/// Why a timeline cannot be read or replayed.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// The timeline or its config is wrong: every problem found, each located.
    #[error("{}", lines(.0))]
    Invalid(Vec<TimelineIssue>),
    /// The simulated tenant could not be started (e.g. no loopback port).
    #[error("cannot start the simulated tenant: {0}")]
    Tenant(String),
}

impl TimelineError {
    /// The located problems (empty for failures that are not the input's fault).
    pub fn issues(&self) -> &[TimelineIssue] {
        match self {
            TimelineError::Invalid(issues) => issues,
            TimelineError::Tenant(_) => &[],
        }
    }

    /// Whether the input is at fault (as opposed to the machine).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, TimelineError::Invalid(_))
    }
}

fn lines(issues: &[TimelineIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects issues and turns them into a result.
#[derive(Debug, Default)]
pub(crate) struct Issues(Vec<TimelineIssue>);

impl Issues {
    pub(crate) fn at(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(TimelineIssue::timeline(pointer, message));
    }

    pub(crate) fn push(&mut self, issue: TimelineIssue) {
        self.0.push(issue);
    }

    pub(crate) fn append(&mut self, mut other: Issues) {
        self.0.append(&mut other.0);
    }

    pub(crate) fn into_vec(self) -> Vec<TimelineIssue> {
        self.0
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, TimelineError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(TimelineError::Invalid(self.0))
        }
    }
}
