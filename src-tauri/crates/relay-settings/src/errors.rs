//! The errors of the crates this one calls, as the window's [`UiError`]: the code the UI
//! branches on, and a message that says what to do.

use relay_api::{ErrorCode, UiError};
use relay_config::StoreError;
use relay_secrets::SecretError;

/// A keyring or credential failure. A locked keyring (or one that does not answer, which
/// usually means an unlock prompt is waiting) is not an unavailable one: the UI offers
/// different things for the two.
pub fn secret_error(error: &SecretError) -> UiError {
    let code = match error {
        SecretError::Unavailable { .. } => ErrorCode::KeyringUnavailable,
        SecretError::Locked { .. } | SecretError::TimedOut { .. } => ErrorCode::KeyringLocked,
        SecretError::Certificate { .. } => ErrorCode::CertificateUnusable,
        SecretError::Invalid { .. } => ErrorCode::InvalidInput,
        // A new kind of failure: report it, with its message, rather than guess its code.
        _ => ErrorCode::Internal,
    };
    UiError::new(code, error.to_string())
}

/// The config file could not be read or written; the message names it.
pub fn store_error(error: &StoreError) -> UiError {
    UiError::new(ErrorCode::Io, error.to_string())
}

/// The relay is not running (still starting, or it could not start).
pub fn engine_unavailable() -> UiError {
    UiError::new(
        ErrorCode::EngineUnavailable,
        "the relay is not running yet; try again in a moment (if it stays like this, the \
         overview page says why it could not start)",
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn keyring_failures_keep_locked_and_unavailable_apart() {
        let cases = [
            (
                SecretError::Unavailable {
                    reason: "no bus".into(),
                },
                ErrorCode::KeyringUnavailable,
            ),
            (
                SecretError::Locked {
                    reason: "dismissed".into(),
                },
                ErrorCode::KeyringLocked,
            ),
            (
                SecretError::TimedOut {
                    waited: Duration::from_secs(30),
                },
                ErrorCode::KeyringLocked,
            ),
            (
                SecretError::Invalid {
                    subject: "client ID".into(),
                    problem: "not a GUID".into(),
                },
                ErrorCode::InvalidInput,
            ),
        ];
        for (error, code) in cases {
            let ui = secret_error(&error);
            assert_eq!(ui.code, code, "{error}");
            assert_eq!(ui.message, error.to_string());
        }
        let unavailable = secret_error(&SecretError::Unavailable {
            reason: "no bus".into(),
        });
        assert!(
            unavailable
                .message
                .contains(relay_secrets::NO_FILE_FALLBACK),
            "{}",
            unavailable.message
        );
    }
}
