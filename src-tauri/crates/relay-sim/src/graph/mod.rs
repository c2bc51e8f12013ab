//! The Microsoft Graph side: presence endpoints under `/v1.0`, `$batch`, and Graph's errors.

pub(crate) mod batch;
pub(crate) mod error;
pub(crate) mod handlers;
pub(crate) mod pipeline;
pub(crate) mod route;
