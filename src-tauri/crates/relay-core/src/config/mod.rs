//! The configuration model: the raw, versioned file shape ([`model`]), schema migrations
//! ([`migrate`]) and validation into a [`ValidConfig`] ([`validate`]).
//!
//! Every problem is reported as a [`ConfigIssue`] that names its place as a JSON pointer
//! (`/rules/2/then/intent`) and says what would be valid.

mod issue;
pub mod migrate;
pub mod model;
mod validate;

pub use issue::{ConfigIssue, Severity};
pub use model::*;
pub use validate::{validate, ValidConfig};
