//! Scripted timelines of desk signals, replayed in virtual time through the real engine against
//! the simulated tenant: the rule tester behind `presence-relay simulate` and the UI's preview.
//!
//! ```no_run
//! # async fn demo() -> Result<(), relay_timeline::TimelineError> {
//! let timeline = relay_timeline::parse_timeline(
//!     r#"{"start": "2026-03-02T08:00:00Z", "users": ["Alice"], "end": "30m",
//!         "events": [{"at": "5m", "event": "screen_locked", "value": true}]}"#,
//! )?;
//! let report = relay_timeline::simulate(&timeline, None).await?;
//! print!("{}", report.render_text());
//! # Ok(())
//! # }
//! ```
//!
//! The format is described in `docs/SIMULATE.md` and by [`timeline_schema`]. The same timeline
//! and config always give the same report, byte for byte: time is virtual, the simulated people
//! have fixed IDs, and the report holds no ports, request IDs or wall-clock times.

mod error;
mod model;
mod narrate;
mod parse;
mod prepare;
mod recorder;
mod replay;
mod report;
mod schema;
mod span;

pub use error::{Document, TimelineError, TimelineIssue};
pub use model::{BlockSpec, ClientKind, Event, TimedEvent, Timeline};
pub use parse::{parse_timeline, EVENT_KINDS, MAX_END, MAX_USERS};
pub use replay::simulate;
pub use report::{Entry, ReportLine, RuleName, SimulationReport, Summary};
pub use schema::{timeline_schema, timeline_schema_text};
pub use span::{SpanError, TimeSpan, SPAN_FORMS};
