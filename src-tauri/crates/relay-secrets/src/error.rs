//! What can go wrong with the credential store, in words a user can act on.
//!
//! The variants keep three situations apart that a UI must not blur: the keyring cannot be used at
//! all ([`SecretError::Unavailable`]), it is there but locked ([`SecretError::Locked`], or
//! [`SecretError::TimedOut`] when an unlock prompt nobody answers is the likely cause), and the
//! input is wrong ([`SecretError::Certificate`], [`SecretError::Invalid`]). "Nothing stored" is not
//! an error at all: reads return `Ok(None)`.

use std::time::Duration;

use crate::certificate::CertificateError;

/// Every message about an unusable keyring ends with this: there is no file to fall back to.
pub const NO_FILE_FALLBACK: &str = "Presence Relay never stores credentials in a file";

/// An error from the credential store or from checking credentials before they are stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No keyring service can be reached (no Secret Service on the session bus, no session bus,
    /// a platform failure), or this build has no persistent keyring back end.
    #[error("the OS keyring is unavailable ({reason}); {advice}. {NO_FILE_FALLBACK}", advice = unavailable_advice())]
    Unavailable { reason: String },

    /// The keyring is there but locked, and unlocking it was refused or impossible (for example
    /// the unlock prompt could not be shown or was dismissed).
    #[error("the OS keyring is locked ({reason}); {advice}, then try again. {NO_FILE_FALLBACK}", advice = locked_advice())]
    Locked { reason: String },

    /// The keyring did not answer in time. Usually an unlock prompt is waiting on a screen.
    #[error(
        "the OS keyring did not answer within {} s; it is probably waiting for an unlock prompt \
         to be answered. {advice}, then try again",
        waited.as_secs_f32(),
        advice = capitalized(locked_advice())
    )]
    TimedOut { waited: Duration },

    /// A certificate file that cannot be used; `file` names it, `problem` says what is wrong.
    #[error("certificate {file}: {problem}")]
    Certificate {
        file: String,
        problem: CertificateError,
    },

    /// Input that cannot be stored: an empty secret, a malformed tenant ID, a value too large for
    /// the platform's keyring. `subject` names the thing, `problem` what is wrong and the fix.
    #[error("{subject}: {problem}")]
    Invalid { subject: String, problem: String },
}

impl SecretError {
    /// A stable code for the UI to branch on (the message is for people and may change).
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::Unavailable { .. } => "keyring_unavailable",
            SecretError::Locked { .. } => "keyring_locked",
            SecretError::TimedOut { .. } => "keyring_timeout",
            SecretError::Certificate { .. } => "invalid_certificate",
            SecretError::Invalid { .. } => "invalid_input",
        }
    }

    /// True when the keyring itself is the problem (unavailable, locked or silent), as opposed to
    /// the input. Callers use it to pick an exit code or to decide to retry later.
    pub fn is_keyring_problem(&self) -> bool {
        matches!(
            self,
            SecretError::Unavailable { .. }
                | SecretError::Locked { .. }
                | SecretError::TimedOut { .. }
        )
    }

    pub(crate) fn invalid(subject: impl Into<String>, problem: impl Into<String>) -> Self {
        SecretError::Invalid {
            subject: subject.into(),
            problem: problem.into(),
        }
    }
}

/// What to do when the keyring cannot be reached, for the platform this was built for.
fn unavailable_advice() -> &'static str {
    if cfg!(windows) {
        "check that the Credential Manager service (VaultSvc) is running and that this account has \
         a user profile"
    } else if cfg!(target_os = "macos") {
        "check that the login keychain exists and this app may use it (Keychain Access)"
    } else {
        "start the desktop session's keyring (gnome-keyring, or KWallet with its Secret Service) \
         and unlock it"
    }
}

/// What to do when the keyring is locked, for the platform this was built for.
fn locked_advice() -> &'static str {
    if cfg!(windows) {
        "sign in to Windows as the user who runs Presence Relay"
    } else if cfg!(target_os = "macos") {
        "unlock the login keychain (Keychain Access) and allow Presence Relay to use it"
    } else {
        "unlock the keyring: sign in to the desktop session, or unlock the \"login\" keyring in \
         Passwords and Keys (Seahorse) or KWallet; over SSH, `gnome-keyring-daemon --unlock` reads \
         the password from standard input"
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_messages_say_what_to_do_and_that_there_is_no_file() {
        let unavailable = SecretError::Unavailable {
            reason: "no session bus".to_owned(),
        }
        .to_string();
        assert!(unavailable.contains("no session bus"), "{unavailable}");
        assert!(unavailable.contains(NO_FILE_FALLBACK), "{unavailable}");
        if cfg!(target_os = "linux") {
            assert!(unavailable.contains("gnome-keyring"), "{unavailable}");
        }

        let locked = SecretError::Locked {
            reason: "prompt dismissed".to_owned(),
        }
        .to_string();
        assert!(locked.contains("locked (prompt dismissed)"), "{locked}");
        assert!(locked.contains("unlock"), "{locked}");

        let timed_out = SecretError::TimedOut {
            waited: Duration::from_millis(2500),
        }
        .to_string();
        assert!(timed_out.contains("within 2.5 s"), "{timed_out}");
        assert!(
            timed_out.contains(". Unlock") || timed_out.contains(". Sign"),
            "{timed_out}"
        );
    }

    #[test]
    fn codes_are_stable_and_separate_keyring_from_input_problems() {
        let cases = [
            (
                SecretError::Unavailable {
                    reason: String::new(),
                },
                "keyring_unavailable",
                true,
            ),
            (
                SecretError::Locked {
                    reason: String::new(),
                },
                "keyring_locked",
                true,
            ),
            (
                SecretError::TimedOut {
                    waited: Duration::from_secs(1),
                },
                "keyring_timeout",
                true,
            ),
            (
                SecretError::Certificate {
                    file: "x.pem".to_owned(),
                    problem: CertificateError::NoPrivateKey,
                },
                "invalid_certificate",
                false,
            ),
            (
                SecretError::invalid("tenant ID", "empty"),
                "invalid_input",
                false,
            ),
        ];
        for (error, code, keyring) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.is_keyring_problem(), keyring, "{code}");
        }
    }
}
