//! The one trait the rest of the app uses to keep secrets, so the engine and the UI run in tests
//! with a [`crate::MemoryStore`] and in the app with a [`crate::KeyringStore`].

use std::fmt;
use std::sync::Arc;

use relay_core::Sensitive;

use crate::error::SecretError;
use crate::key::SecretKey;

/// A place to keep secret bytes by [`SecretKey`].
///
/// Calls block (a keyring call is a D-Bus or OS round trip, and may wait for an unlock prompt);
/// async callers use `tokio::task::spawn_blocking`. Implementations that talk to an OS keyring
/// bound every call with a timeout ([`crate::TimeoutStore`]).
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The value stored under `key`, or `Ok(None)` when there is none.
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError>;

    /// Stores `value` under `key`, replacing any value there.
    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError>;

    /// Removes the value under `key`; `Ok(false)` when there was none.
    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError>;
}

impl<S: SecretStore + ?Sized> SecretStore for Arc<S> {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        (**self).get(key)
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        (**self).set(key, value)
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        (**self).delete(key)
    }
}
