//! Reading calendar sources: a local file or an https/webcal URL.
//!
//! Both report [`Loaded::Unchanged`] cheaply when nothing changed (file: same mtime and size;
//! URL: `304 Not Modified` to `If-None-Match`/`If-Modified-Since`), enforce
//! [`crate::Limits::max_bytes`] *while* reading, and refuse bodies that are not calendars, so a
//! failure never replaces the caller's last good copy.
//!
//! Calendar URLs carry secrets (Google's private address, Outlook publish tokens): errors and
//! logs name only the host.

mod body;
mod file;
mod poll;
mod url;

use std::time::Duration;

use thiserror::Error;

pub use body::check_calendar_body;
pub use file::FileSource;
pub use poll::PollPolicy;
pub use url::{http_client, normalize_url, UrlSource};

/// What a load found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loaded {
    /// A new body that starts like a calendar (not yet parsed).
    Changed(Vec<u8>),
    /// Same as last time.
    Unchanged,
}

/// Why a source could not be read. Messages never contain a full URL or calendar content.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("cannot read the calendar file {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("the calendar file {path} is {size} bytes, over the limit of {limit} bytes")]
    FileTooLarge {
        path: String,
        size: u64,
        limit: usize,
    },
    #[error("the calendar from {host} is over the limit of {limit} bytes")]
    BodyTooLarge { host: String, limit: usize },
    #[error("the calendar body is not an iCalendar: it starts with {starts_with}")]
    NotACalendar { starts_with: String },
    #[error("{host} answered HTTP {status}{hint}")]
    Http {
        host: String,
        status: u16,
        hint: &'static str,
        /// `Retry-After`, when the server sent one in seconds.
        retry_after: Option<Duration>,
    },
    #[error("cannot fetch the calendar from {host}: {reason}")]
    Network { host: String, reason: String },
    #[error("{shown} is not a calendar URL: {why}")]
    BadUrl { shown: String, why: String },
    #[error("cannot set up the HTTP client: {reason}")]
    Client { reason: String },
}

impl FetchError {
    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A calendar source: a file or a URL.
#[derive(Debug)]
pub enum Source {
    File(FileSource),
    Url(UrlSource),
}

impl Source {
    /// Loads the source if it changed.
    pub async fn load(&mut self) -> Result<Loaded, FetchError> {
        match self {
            Source::File(f) => f.load().await,
            Source::Url(u) => u.load().await,
        }
    }

    /// Forgets what was last seen, so the next load returns the body again (used after a body
    /// that looked like a calendar failed to parse, so a fixed copy is not missed).
    pub fn forget(&mut self) {
        match self {
            Source::File(f) => f.forget(),
            Source::Url(u) => u.forget(),
        }
    }

    /// A description safe for logs: the file path or the URL's host.
    pub fn describe(&self) -> String {
        match self {
            Source::File(f) => f.path().display().to_string(),
            Source::Url(u) => u.host().to_string(),
        }
    }
}
