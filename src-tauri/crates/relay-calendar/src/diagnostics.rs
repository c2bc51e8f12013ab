//! Warnings: problems that leave part of a calendar out but do not refuse it.
//!
//! Messages name the line and what is wrong. They never contain event titles, descriptions or
//! attendees, so they are safe to log.

use std::fmt;

use serde::Serialize;

/// Most warnings kept per parse or expansion; the rest are counted in a final warning.
pub const MAX_WARNINGS: usize = 100;

/// A problem that left something out (an event, a value, a line) without refusing the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line in the ICS text, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl Warning {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
        }
    }

    pub(crate) fn general(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Collects warnings up to [`MAX_WARNINGS`], then only counts.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    kept: Vec<Warning>,
    dropped: usize,
}

impl Warnings {
    pub fn push(&mut self, w: Warning) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(w);
        } else {
            self.dropped += 1;
        }
    }

    pub fn finish(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            self.kept.push(Warning::general(format!(
                "{} more warnings were not kept",
                self.dropped
            )));
        }
        self.kept
    }
}
