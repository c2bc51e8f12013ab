//! Entra ID's token endpoint errors: `{error, error_description, error_codes, timestamp,
//! trace_id, correlation_id, error_uri}` with the AADSTS code leading the description.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

/// One AADSTS error the simulator emits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EntraError {
    /// HTTP status.
    pub(crate) status: u16,
    /// The OAuth `error` value.
    pub(crate) error: &'static str,
    /// The AADSTS number.
    pub(crate) code: u32,
    /// The description after `AADSTSnnnn: `.
    pub(crate) message: String,
}

impl EntraError {
    fn new(status: u16, error: &'static str, code: u32, message: String) -> Self {
        Self {
            status,
            error,
            code,
            message,
        }
    }

    pub(crate) fn missing_parameter(name: &str) -> Self {
        Self::new(
            400,
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    pub(crate) fn post_only() -> Self {
        Self::new(
            400,
            "invalid_request",
            900_561,
            "The endpoint only accepts POST requests.".to_owned(),
        )
    }

    pub(crate) fn unsupported_grant_type(given: &str) -> Self {
        Self::new(
            400,
            "unsupported_grant_type",
            70_003,
            format!(
                "The app requested an unsupported grant type '{given}'; this endpoint emulates \
                 client_credentials only."
            ),
        )
    }

    pub(crate) fn tenant_not_found(tenant: &str) -> Self {
        Self::new(
            400,
            "invalid_request",
            90_002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID \
                 and are signing into the correct cloud."
            ),
        )
    }

    pub(crate) fn app_not_found(client_id: &str, tenant: &str) -> Self {
        Self::new(
            400,
            "unauthorized_client",
            700_016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory \
                 '{tenant}'. This can happen if the application has not been installed by the \
                 administrator of the tenant or consented to by any user in the tenant."
            ),
        )
    }

    pub(crate) fn invalid_scope(scope: &str) -> Self {
        Self::new(
            400,
            "invalid_scope",
            70_011,
            format!(
                "The provided request must include a 'scope' input parameter. The provided \
                 value for the input parameter 'scope' is not valid. The scope {scope} is not \
                 valid. Client credential flows need exactly one scope: a resource followed by \
                 /.default."
            ),
        )
    }

    pub(crate) fn no_credential() -> Self {
        Self::new(
            401,
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or \
             'client_secret'."
                .to_owned(),
        )
    }

    pub(crate) fn invalid_secret(client_id: &str) -> Self {
        Self::new(
            401,
            "invalid_client",
            7_000_215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is \
                 the client secret value, not the client secret ID, for a secret added to app \
                 '{client_id}'."
            ),
        )
    }

    pub(crate) fn expired_secret(client_id: &str) -> Self {
        Self::new(
            401,
            "invalid_client",
            7_000_222,
            format!(
                "The provided client secret keys for app '{client_id}' are expired. Visit the \
                 Azure portal to create new keys for your app."
            ),
        )
    }

    pub(crate) fn malformed_assertion(detail: &str) -> Self {
        Self::new(
            400,
            "invalid_request",
            50_027,
            format!("JWT token is invalid or malformed. {detail}"),
        )
    }

    pub(crate) fn assertion_signature(reason: &str) -> Self {
        Self::new(
            401,
            "invalid_client",
            700_027,
            format!("Client assertion failed signature validation. [Reason - {reason}]"),
        )
    }

    pub(crate) fn assertion_subject(client_id: &str) -> Self {
        Self::new(
            401,
            "invalid_client",
            700_021,
            format!(
                "Client assertion application identifier doesn't match 'client_id' parameter. \
                 iss and sub must both be '{client_id}'."
            ),
        )
    }

    pub(crate) fn assertion_audience(given: &str, expected: &str) -> Self {
        Self::new(
            401,
            "invalid_client",
            700_023,
            format!(
                "Client assertion audience claim does not match Realm issuer. Review the \
                 documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials. \
                 The aud was '{given}'; expected the token endpoint URL, e.g. '{expected}'."
            ),
        )
    }

    pub(crate) fn assertion_time_range() -> Self {
        Self::new(
            401,
            "invalid_client",
            700_024,
            "Client assertion is not within its valid time range.".to_owned(),
        )
    }

    /// The JSON body, with fresh trace and correlation ids.
    pub(crate) fn body(&self, now: DateTime<Utc>, trace_id: Uuid, correlation_id: &str) -> Value {
        let timestamp = now.format("%Y-%m-%d %H:%M:%SZ").to_string();
        json!({
            "error": self.error,
            "error_description": format!(
                "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
                self.code, self.message
            ),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id.to_string(),
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn body_has_entras_shape() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let body = EntraError::invalid_secret("abc").body(now, Uuid::nil(), "corr");
        assert_eq!(body["error"], "invalid_client");
        assert_eq!(body["error_codes"], json!([7_000_215]));
        assert_eq!(body["timestamp"], "2026-03-02 09:00:00Z");
        assert_eq!(body["correlation_id"], "corr");
        let description = body["error_description"].as_str().expect("string");
        assert!(description.starts_with("AADSTS7000215: Invalid client secret"));
        assert!(description.contains("\r\nCorrelation ID: corr\r\n"));
    }
}
