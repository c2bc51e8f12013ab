//! One typed error for everything the client can report.
//!
//! A [`GraphError`] carries what went wrong ([`GraphErrorKind`]), what was being done, and the
//! identifiers Microsoft support asks for (`request-id`, `client-request-id`, `date`). The UI
//! branches on [`GraphError::code`] only; the message is for people and says what to fix.

use std::fmt;
use std::time::Duration;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphErrorKind {
    /// Graph answered 429 (or kept answering 503/504) and retries ran out, or the wait it asked for
    /// is longer than one call may block.
    Throttled { retry_after: Option<Duration> },
    /// Graph answered 403: the app lacks the Presence.ReadWrite.All application permission or its
    /// admin consent. Writes for the tenant stop until [`crate::GraphClient::resume_writes`].
    ConsentMissing { consent_url: String },
    /// Entra refused the app's credentials (an `AADSTS` error from the token endpoint).
    InvalidCredentials {
        aadsts: Option<u32>,
        what_to_fix: String,
    },
    /// The certificate, key or PFX could not be used (checked locally, nothing was sent).
    CredentialUnusable { what_to_fix: String },
    /// Graph answered 400. Never retried: the same request would fail again.
    BadRequest { detail: String },
    /// Graph answered 404 (unknown user, or no presence session to clear).
    NotFound,
    /// Graph answered 401 even with a freshly fetched token.
    Unauthorized,
    /// Graph answered 5xx and retries ran out.
    Transient,
    /// No HTTP answer: connection refused or dropped, timeout, TLS failure.
    Transport { detail: String },
    /// Refused before sending: an illegal pair, a duration out of range, a malformed ID.
    InvalidInput { detail: String },
    /// The China (21Vianet) cloud: Graph has no presence APIs there.
    UnsupportedCloud,
    /// The client's configuration cannot work (a malformed URL override, tenant or client ID).
    Config { detail: String },
    /// Graph or Entra answered with a status or body this client does not understand.
    UnexpectedResponse { detail: String },
}

impl GraphErrorKind {
    /// A stable, machine-readable name for the UI. Never change an existing value.
    pub fn code(&self) -> &'static str {
        match self {
            GraphErrorKind::Throttled { .. } => "throttled",
            GraphErrorKind::ConsentMissing { .. } => "consent_missing",
            GraphErrorKind::InvalidCredentials { .. } => "invalid_credentials",
            GraphErrorKind::CredentialUnusable { .. } => "credential_unusable",
            GraphErrorKind::BadRequest { .. } => "bad_request",
            GraphErrorKind::NotFound => "not_found",
            GraphErrorKind::Unauthorized => "unauthorized",
            GraphErrorKind::Transient => "transient",
            GraphErrorKind::Transport { .. } => "transport",
            GraphErrorKind::InvalidInput { .. } => "invalid_input",
            GraphErrorKind::UnsupportedCloud => "unsupported_cloud",
            GraphErrorKind::Config { .. } => "config",
            GraphErrorKind::UnexpectedResponse { .. } => "unexpected_response",
        }
    }
}

impl fmt::Display for GraphErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphErrorKind::Throttled {
                retry_after: Some(wait),
            } => write!(
                f,
                "Microsoft Graph is throttling this tenant; try again in {} s",
                wait.as_secs().max(1)
            ),
            GraphErrorKind::Throttled { retry_after: None } => f.write_str(
                "Microsoft Graph is throttling this tenant and retries ran out; try again later",
            ),
            GraphErrorKind::ConsentMissing { consent_url } => write!(
                f,
                "admin consent for Presence.ReadWrite.All is missing: add the application \
                 permission Presence.ReadWrite.All to the app registration and have an \
                 administrator grant consent at {consent_url} ; presence writes for this \
                 tenant are stopped until then"
            ),
            GraphErrorKind::InvalidCredentials {
                aadsts: Some(code),
                what_to_fix,
            } => write!(
                f,
                "Entra refused the app's credentials (AADSTS{code}): {what_to_fix}"
            ),
            GraphErrorKind::InvalidCredentials {
                aadsts: None,
                what_to_fix,
            } => write!(f, "Entra refused the app's credentials: {what_to_fix}"),
            GraphErrorKind::CredentialUnusable { what_to_fix } => {
                write!(
                    f,
                    "the certificate credential cannot be used: {what_to_fix}"
                )
            }
            GraphErrorKind::BadRequest { detail } => write!(
                f,
                "Microsoft Graph rejected the request as invalid ({detail}); it is not retried, \
                 because the same request would fail again"
            ),
            GraphErrorKind::NotFound => f.write_str(
                "Microsoft Graph found no such user or presence session; check that the user's \
                 object ID (a GUID from Entra) is right",
            ),
            GraphErrorKind::Unauthorized => f.write_str(
                "Microsoft Graph refused the access token even after a fresh one was fetched; \
                 check that the cloud setting matches the tenant (a token from one cloud is not \
                 accepted by another)",
            ),
            GraphErrorKind::Transient => f.write_str(
                "Microsoft Graph kept failing with a server error and retries ran out; it will \
                 be tried again later",
            ),
            GraphErrorKind::Transport { detail } => write!(
                f,
                "no answer from the service ({detail}); check the network connection, proxy \
                 and firewall"
            ),
            GraphErrorKind::InvalidInput { detail } => write!(f, "not sent: {detail}"),
            GraphErrorKind::UnsupportedCloud => f.write_str(
                "Microsoft Graph offers no presence APIs in the China (21Vianet) cloud; use \
                 the global, us_gov_l4 or us_gov_l5 cloud",
            ),
            GraphErrorKind::Config { detail } => f.write_str(detail),
            GraphErrorKind::UnexpectedResponse { detail } => {
                write!(f, "unexpected answer: {detail}")
            }
        }
    }
}

/// An error from the Graph client: what went wrong, while doing what, and the support IDs.
///
/// Boxed inside, so `Result<_, GraphError>` stays one pointer wide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError(Box<ErrorInner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorInner {
    kind: GraphErrorKind,
    operation: String,
    status: Option<u16>,
    graph_code: Option<String>,
    request_id: Option<String>,
    client_request_id: Option<String>,
    date: Option<String>,
}

impl GraphError {
    pub fn new(kind: GraphErrorKind, operation: impl Into<String>) -> Self {
        Self(Box::new(ErrorInner {
            kind,
            operation: operation.into(),
            status: None,
            graph_code: None,
            request_id: None,
            client_request_id: None,
            date: None,
        }))
    }

    pub fn kind(&self) -> &GraphErrorKind {
        &self.0.kind
    }

    /// What was being done, e.g. `setPresence for user 3f2a…`.
    pub fn operation(&self) -> &str {
        &self.0.operation
    }

    /// HTTP status of the answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// Graph's `error.code` (or the OAuth `error` of the token endpoint).
    pub fn graph_code(&self) -> Option<&str> {
        self.0.graph_code.as_deref()
    }

    /// The server's `request-id` (or the token endpoint's trace ID).
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The GUID this client sent as `client-request-id`.
    pub fn client_request_id(&self) -> Option<&str> {
        self.0.client_request_id.as_deref()
    }

    /// The server's `Date` header.
    pub fn date(&self) -> Option<&str> {
        self.0.date.as_deref()
    }

    /// A stable, machine-readable name for the UI, e.g. `consent_missing`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// Whether trying the same call later may succeed without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.0.kind,
            GraphErrorKind::Throttled { .. }
                | GraphErrorKind::Transient
                | GraphErrorKind::Transport { .. }
        )
    }

    /// How long Graph asked us to wait, for throttling errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.0.kind {
            GraphErrorKind::Throttled { retry_after } => retry_after,
            _ => None,
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_graph_code(mut self, code: Option<String>) -> Self {
        self.0.graph_code = code;
        self
    }

    pub(crate) fn with_ids(
        mut self,
        request_id: Option<String>,
        client_request_id: Option<String>,
        date: Option<String>,
    ) -> Self {
        self.0.request_id = request_id;
        self.0.client_request_id = client_request_id;
        self.0.date = date;
        self
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        write!(f, "{}: {}", inner.operation, inner.kind)?;
        let mut facts = Vec::new();
        if let Some(status) = inner.status {
            match &inner.graph_code {
                Some(code) => facts.push(format!("HTTP {status} {code}")),
                None => facts.push(format!("HTTP {status}")),
            }
        }
        if let Some(id) = &inner.request_id {
            facts.push(format!("request-id {id}"));
        }
        if let Some(id) = &inner.client_request_id {
            facts.push(format!("client-request-id {id}"));
        }
        if let Some(date) = &inner.date {
            facts.push(format!("date {date}"));
        }
        if !facts.is_empty() {
            write!(f, " [{}]", facts.join("; "))?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_operation_the_fix_and_the_support_ids() {
        let err = GraphError::new(
            GraphErrorKind::ConsentMissing {
                consent_url: "https://login.microsoftonline.com/t/adminconsent?client_id=c".into(),
            },
            "setPresence for user u1",
        )
        .with_status(403)
        .with_graph_code(Some("Forbidden".into()))
        .with_ids(
            Some("req-1".into()),
            Some("crid-1".into()),
            Some("Mon, 02 Mar 2026 09:00:00 GMT".into()),
        );
        let text = err.to_string();
        assert!(
            text.starts_with(
                "setPresence for user u1: admin consent for Presence.ReadWrite.All is missing"
            ),
            "{text}"
        );
        assert!(
            text.contains("https://login.microsoftonline.com/t/adminconsent?client_id=c"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "[HTTP 403 Forbidden; request-id req-1; client-request-id crid-1; date Mon, 02 \
                 Mar 2026 09:00:00 GMT]"
            ),
            "{text}"
        );
        assert_eq!(err.code(), "consent_missing");
        assert!(!err.is_retryable());
    }

    #[test]
    fn only_throttling_server_and_network_failures_are_retryable() {
        let retryable = [
            GraphErrorKind::Throttled { retry_after: None },
            GraphErrorKind::Transient,
            GraphErrorKind::Transport {
                detail: "reset".into(),
            },
        ];
        for kind in retryable {
            assert!(GraphError::new(kind, "x").is_retryable());
        }
        let final_kinds = [
            GraphErrorKind::BadRequest { detail: "x".into() },
            GraphErrorKind::NotFound,
            GraphErrorKind::Unauthorized,
            GraphErrorKind::InvalidInput { detail: "x".into() },
            GraphErrorKind::UnsupportedCloud,
        ];
        for kind in final_kinds {
            assert!(!GraphError::new(kind, "x").is_retryable());
        }
    }

    #[test]
    fn throttled_reports_its_wait() {
        let err = GraphError::new(
            GraphErrorKind::Throttled {
                retry_after: Some(Duration::from_secs(30)),
            },
            "getPresencesByUserId",
        );
        assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(err.code(), "throttled");
        assert!(err.to_string().contains("try again in 30 s"));
    }
}
