//! Calendars for Presence Relay: ICS text -> busy blocks -> the state now and when it changes.
//!
//! The pure core takes time as an argument and does no I/O:
//! - [`parse`] / [`parse_bytes`]: ICS text -> [`Calendar`], refusing malformed structure with a
//!   [`ParseError`] that names the line, and leaving out broken events with a [`Warning`];
//! - [`expand`]: calendar + [`Window`] + default zone -> sorted [`Block`]s;
//! - [`state_at`]: blocks + now -> [`CalendarState`] (what shows now, when that next changes).
//!
//! With the `fetch` feature (default) the crate also reads sources: a file ([`fetch::FileSource`])
//! or an https/webcal URL ([`fetch::UrlSource`]), the async [`runner`] that turns a configured
//! calendar into a stream of [`runner::CalendarUpdate`]s on a timer, and [`inspect`] for
//! `presence-relay calendar inspect`.
//!
//! Work is bounded ([`Limits`]) and titles never reach logs: [`Block`] redacts its title in
//! `Debug` and leaves it out of JSON. See `docs/CALENDAR.md` for the supported ICS features.

pub mod block;
pub mod diagnostics;
mod expand;
mod ics;
pub mod limits;
mod recur;
pub mod state;
mod zone;

#[cfg(feature = "fetch")]
pub mod fetch;
#[cfg(feature = "fetch")]
pub mod inspect;
#[cfg(feature = "fetch")]
pub mod runner;

pub use block::{show_as_name, strength, Block, BlockRecord, BlocksDocument};
pub use diagnostics::Warning;
pub use expand::{expand, ExpandError, ExpandOptions, Expansion, Window};
pub use ics::model::Calendar;
pub use ics::parse::{parse, parse_bytes, ParseError, Parsed};
pub use limits::Limits;
pub use relay_core::config::ShowAs;
pub use state::{state_at, CalendarState};
