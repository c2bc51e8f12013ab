//! Errors of the simulator's Rust API (starting it, and the test hooks on [`crate::SimControl`]).
//!
//! HTTP clients never see these: over HTTP the simulator answers in Graph's or Entra's own error
//! shapes (see `graph::error` and `auth::entra_error`).

use uuid::Uuid;

/// Something the simulator could not do for its caller.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(
        "the simulated tenant could not listen on 127.0.0.1:{port}: {source}; pick another port, \
         or 0 for any free one"
    )]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid simulator options: {0}")]
    InvalidOptions(String),
    #[error("the simulated tenant's server stopped unexpectedly: {0}")]
    ServerStopped(String),
    #[error(
        "no simulated user has object id {0}; add it first (SimControl::add_user or \
         POST /_sim/users)"
    )]
    UnknownUser(Uuid),
    #[error("a simulated user with object id {0} already exists; object ids must be unique")]
    DuplicateUser(Uuid),
    #[error("no app registration has client id {0}; register it first (SimControl::register_app)")]
    UnknownApp(Uuid),
    #[error("an app registration with client id {0} already exists")]
    DuplicateApp(Uuid),
    #[error("the certificate for app {client_id} was refused: {reason}")]
    InvalidCertificate { client_id: Uuid, reason: String },
    #[error("{0}")]
    InvalidPresence(String),
    #[error("a client secret must not be empty")]
    EmptySecret,
}
