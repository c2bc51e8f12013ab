//! Pure domain logic of Presence Relay.
//!
//! Nothing in this crate performs I/O or reads a clock: callers pass `now` in. That keeps every
//! interesting decision deterministic and testable with plain tables.

pub mod clock;
pub mod config;
pub mod graph_presence;
pub mod presence;
pub mod sensitive;

pub use sensitive::Sensitive;
