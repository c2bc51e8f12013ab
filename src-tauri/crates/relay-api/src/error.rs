//! How a failed command reaches the web view: `{code, message, issues?}`. The UI branches on
//! `code` only and shows `message`; `issues` locate config problems at their fields.

use std::fmt;

use relay_core::config::{ConfigIssue, Severity};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure a command reports. The UI decides what to offer (retry, re-enter the
/// secret, unlock) from this alone, never by reading `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An argument is malformed (e.g. a tenant id that is no GUID); `message` says which.
    InvalidInput,
    /// The config would not validate; `issues` lists every problem with its JSON pointer.
    InvalidConfig,
    /// The OS keyring cannot be reached; the secret was neither read nor stored.
    KeyringUnavailable,
    /// The OS keyring is locked (an unlock prompt may be waiting).
    KeyringLocked,
    /// A certificate file could not be read or used (wrong password, no key, expired).
    CertificateUnusable,
    /// Settings are behind the kiosk PIN: call `kiosk_unlock` first.
    KioskLocked,
    /// The PIN given to `kiosk_unlock` is not the configured one.
    WrongPin,
    /// Too many wrong PINs in a row: `kiosk_unlock` hears the next try only after a wait, which
    /// `message` gives.
    TooManyPinAttempts,
    /// The engine is not running (yet); try again shortly.
    EngineUnavailable,
    /// A file (config, audit log) could not be read or written; `message` names it.
    Io,
    /// A bug or an unexpected state. Also what the UI reports for failures that carry no code
    /// (the IPC itself failed).
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::KeyringUnavailable => "keyring_unavailable",
            ErrorCode::KeyringLocked => "keyring_locked",
            ErrorCode::CertificateUnusable => "certificate_unusable",
            ErrorCode::KioskLocked => "kiosk_locked",
            ErrorCode::WrongPin => "wrong_pin",
            ErrorCode::TooManyPinAttempts => "too_many_pin_attempts",
            ErrorCode::EngineUnavailable => "engine_unavailable",
            ErrorCode::Io => "io",
            ErrorCode::Internal => "internal",
        }
    }
}

/// How bad an [`Issue`] is: errors block a save, warnings are shown and kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IssueSeverity {
    Error,
    Warning,
}

/// One problem in the config document, located by a JSON pointer (RFC 6901) such as
/// `/rules/2/then/mode`, so the UI can show it at the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub severity: IssueSeverity,
    /// Empty for the whole document.
    pub pointer: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl From<&ConfigIssue> for Issue {
    fn from(issue: &ConfigIssue) -> Self {
        Self {
            severity: match issue.severity {
                Severity::Error => IssueSeverity::Error,
                Severity::Warning => IssueSeverity::Warning,
            },
            pointer: issue.pointer.clone(),
            message: issue.message.clone(),
        }
    }
}

/// The error every command returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiError {
    pub code: ErrorCode,
    /// For people: what went wrong and what to do.
    pub message: String,
    /// With `invalid_config`: every problem found; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
}

impl UiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            issues: Vec::new(),
        }
    }

    /// `config_save` refused the document; `issues` are what validation found.
    pub fn invalid_config(issues: &[ConfigIssue]) -> Self {
        let errors = issues.iter().filter(|issue| issue.is_error()).count();
        Self {
            code: ErrorCode::InvalidConfig,
            message: format!(
                "the settings were not saved: {errors} problem{} to fix first",
                if errors == 1 { "" } else { "s" }
            ),
            issues: issues.iter().map(Issue::from).collect(),
        }
    }
}

impl fmt::Display for UiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for UiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::KeyringUnavailable,
            ErrorCode::WrongPin,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn invalid_config_carries_every_issue_and_counts_errors() {
        let issues = [
            ConfigIssue::error("/rules/0/then/mode", "needs assertive"),
            ConfigIssue::warning("/rules/1/then/mode", "polite away loses"),
        ];
        let error = UiError::invalid_config(&issues);
        let json = serde_json::to_value(&error).expect("serialize");
        assert_eq!(json["code"], "invalid_config");
        assert_eq!(json["issues"][0]["pointer"], "/rules/0/then/mode");
        assert_eq!(json["issues"][1]["severity"], "warning");
        assert!(
            error.message.contains("1 problem to fix"),
            "{}",
            error.message
        );
    }

    #[test]
    fn issues_are_left_out_when_there_are_none() {
        let json = serde_json::to_value(UiError::new(ErrorCode::Io, "disk full")).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "io", "message": "disk full"})
        );
    }
}
