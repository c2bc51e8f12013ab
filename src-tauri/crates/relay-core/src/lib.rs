//! Pure domain logic of Presence Relay.
//!
//! Nothing in this crate performs I/O or reads a clock: callers pass `now` in. That keeps every
//! interesting decision deterministic and testable with plain tables.

pub mod clock;
pub mod config;
pub mod control;
pub mod damping;
pub mod evaluate;
pub mod graph_presence;
pub mod ids;
pub mod planner;
pub mod presence;
pub mod rules;
pub mod sensitive;
pub mod shown;
pub mod snapshot;

pub use sensitive::Sensitive;
