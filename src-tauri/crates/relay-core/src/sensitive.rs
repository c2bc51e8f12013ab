//! A wrapper for secrets (client secrets, private keys, access tokens).
//!
//! `Debug` and `Display` print a fixed placeholder, and `Serialize` fails, so a secret cannot reach
//! a log line, a JSON response to the web view or a config file by accident. Reading the value is
//! an explicit, greppable call: [`Sensitive::expose`].

use std::fmt;

/// The text printed instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// Holds a secret value; see the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Gives access to the secret. Call sites are the only places a secret is read; keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> serde::Serialize for Sensitive<T> {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "refusing to serialize a secret (Sensitive<T>)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let secret = Sensitive::new(String::from("p@ssw0rd-value"));
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(format!("{secret}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&secret)), format!("Some({REDACTED})"));
        assert_eq!(secret.expose(), "p@ssw0rd-value");
    }

    #[test]
    fn serialize_refuses() {
        let secret = Sensitive::new("p@ssw0rd-value");
        let err = serde_json::to_string(&secret).expect_err("serializing a secret must fail");
        assert!(err.to_string().contains("refusing to serialize a secret"));
    }
}
