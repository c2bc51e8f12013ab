//! The I/O handles the client's parts share: the HTTP client, the clock and the sleeper.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use relay_core::clock::Clock;

use crate::error::{GraphError, GraphErrorKind};
use crate::sleep::Sleeper;

#[derive(Clone, Debug)]
pub(crate) struct Io {
    pub http: reqwest::Client,
    pub clock: Arc<dyn Clock>,
    pub sleeper: Arc<dyn Sleeper>,
}

/// Builds the HTTP client: rustls on Linux, the OS TLS on Windows and macOS (see Cargo.toml), no redirects (Graph and Entra do not redirect these
/// calls, and a redirect must never carry a token elsewhere), bounded timeouts.
pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::Client, GraphError> {
    reqwest::Client::builder()
        .user_agent(concat!("PresenceRelay/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .timeout(timeout)
        .build()
        .map_err(|e| {
            GraphError::new(
                GraphErrorKind::Config {
                    detail: format!("the HTTP client cannot start ({e})"),
                },
                "building the Graph client",
            )
        })
}

/// A short description of why no answer came, without the URL (callers name the place).
pub(crate) fn describe_transport_error(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer was cut off"
    } else {
        "the connection failed"
    };
    // The innermost cause says the most (e.g. "connection reset by peer").
    let mut cause: Option<&dyn std::error::Error> = error.source();
    let mut innermost = None;
    while let Some(next) = cause {
        innermost = Some(next.to_string());
        cause = next.source();
    }
    match innermost {
        Some(detail) => format!("{what}: {detail}"),
        None => what.to_owned(),
    }
}
