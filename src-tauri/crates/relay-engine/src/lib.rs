//! The Presence Relay engine: local signals in, Graph writes out, kept alive, bounded in time,
//! converging after any fault.
//!
//! - [`Reconciler`] does one step at a time in whatever time it is given (pure decisions come
//!   from `relay-core`; writes go through a [`PresenceWriter`]).
//! - [`Engine`] drives it in real time on the app's tokio runtime: observations and commands in,
//!   a [`EngineStatus`] out, a timer for the next step, and a bounded release on shutdown.

pub mod audit;
mod describe;
mod driver;
pub mod held_file;
pub mod reconciler;
pub mod status;
pub mod writer;

pub use audit::{AuditLog, AuditRecord};
pub use describe::describe;
pub use driver::{Engine, EngineCommand, EngineHandle, RELEASE_BUDGET};
pub use held_file::{HeldFile, HeldFileError, HeldState};
pub use reconciler::{EngineOptions, Reconciler, StepReport};
pub use status::{EngineStatus, UserStatus};
pub use writer::{GraphWriter, Observed, PresenceWriter, WriteFailure};
