//! The contract between Presence Relay's shell and its settings window: the arguments and results
//! of every command ([`COMMANDS`]), the events ([`EVENTS`]) and the error ([`UiError`]), as serde
//! types with camelCase names on the wire. The config document the window edits is relay-core's
//! [`relay_core::config::ConfigFile`] unchanged (its names are the config file's snake_case ones).
//!
//! The TypeScript the window compiles against, `ui/src/generated/bindings.ts`, is generated from
//! these types ([`bindings::generate`]); the `bindings` test fails while the committed file is
//! stale and says how to regenerate it.
//!
//! Secrets only ever travel into the shell: the types that carry one derive `Deserialize` only
//! and hold it in [`relay_core::Sensitive`].

pub mod app;
pub mod audit;
pub mod bindings;
pub mod commands;
pub mod config;
pub mod connection;
pub mod control;
pub mod error;
pub mod kiosk;
pub mod preview;
mod secret;
pub mod signals;
pub mod status;
pub mod window_link;

pub use app::{AppInfo, KioskView, Mode};
pub use audit::{run_query, AuditEntry, AuditPage, AuditQuery, ResultFilter};
pub use commands::{CommandSpec, EventSpec, COMMANDS, EVENTS};
pub use config::{SaveOutcome, ValidationReport};
pub use connection::{
    CertificateView, ConnectionInput, ConnectionTestReport, ConnectionView, CredentialInput,
    CredentialStatus, TestStep,
};
pub use control::{ControlRequest, OverrideLength, OverrideTarget, SnoozeLength};
pub use error::{ErrorCode, Issue, IssueSeverity, UiError};
pub use kiosk::Pin;
pub use preview::{
    PreviewCause, PreviewChange, PreviewPresence, PreviewSignals, PreviewState, RulesPreview,
    UserPreview,
};
pub use signals::{SignalHealth, SignalReading, SignalValue, SignalView};
pub use status::StatusView;
