//! Caps that keep the work on one calendar bounded, whatever the input.
//!
//! Hitting a cap never hangs and never silently drops data without saying so:
//! - caps on the *input* (bytes, lines, nesting, components) and on the *whole expansion* (total
//!   blocks, total rule steps, window length) are hard errors: the calendar is refused and the
//!   caller keeps its last good copy;
//! - caps on *one event* (instances in the window, rule steps) leave that event out and add a
//!   warning that names its line, so one hostile rule cannot take the other events down with it.

use chrono::Duration;

/// Bounds for parsing and expansion. [`Limits::default`] fits every real calendar we have seen
/// (an Outlook export of ten years of history is a few MB) with a wide margin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest ICS body accepted, in bytes (also enforced while downloading or reading a file).
    pub max_bytes: usize,
    /// Most content lines (after unfolding) in one body.
    pub max_lines: usize,
    /// Deepest component nesting (`VCALENDAR > VEVENT > VALARM` is 3).
    pub max_depth: usize,
    /// Most components (events, time zones, alarms, ...) in one body.
    pub max_components: usize,
    /// Most instances one event may produce inside the expansion range; more leaves it out.
    pub max_instances_per_event: usize,
    /// Most rule steps (candidate dates looked at) for one event; more leaves it out.
    pub max_steps_per_event: u64,
    /// Most rule steps for a whole expansion; more is an error.
    pub max_total_steps: u64,
    /// Most blocks one expansion may return; more is an error.
    pub max_blocks: usize,
    /// Longest expansion window.
    pub max_window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_lines: 1_000_000,
            max_depth: 8,
            max_components: 200_000,
            max_instances_per_event: 20_000,
            max_steps_per_event: 1_000_000,
            max_total_steps: 10_000_000,
            max_blocks: 200_000,
            max_window: Duration::days(400),
        }
    }
}
