//! The OS keyring through the `keyring` crate (v3): Secret Service over libdbus on Linux and the
//! BSDs, Credential Manager on Windows, the login keychain on macOS. Every quirk of that crate is
//! kept in this module: which store is in use, how its errors map to [`SecretError`], and how an
//! ambiguous entry is cleared.

use std::fmt;
use std::time::Duration;

use keyring::credential::{CredentialBuilder, CredentialPersistence};
use keyring::Entry;
use relay_core::Sensitive;

use crate::error::SecretError;
use crate::key::SecretKey;
use crate::store::SecretStore;
use crate::timeout::TimeoutStore;

/// The OS keyring, with every call bounded by a timeout (see [`TimeoutStore`]).
#[derive(Debug)]
pub struct KeyringStore {
    bounded: TimeoutStore<OsKeyring>,
}

impl KeyringStore {
    /// Long enough for a person to answer an unlock prompt, short enough that a headless command
    /// does not seem to hang when the prompt cannot be seen.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Opens the platform's keyring. Nothing is contacted yet (each call connects anew), so this
    /// fails only when the build has no persistent store for this OS, or the worker thread cannot
    /// start.
    pub fn open(timeout: Duration) -> Result<Self, SecretError> {
        let keyring = OsKeyring::platform()?;
        Ok(Self {
            bounded: TimeoutStore::new(keyring, timeout)?,
        })
    }

    /// The name of the platform store, for messages and documentation.
    pub fn backend_name() -> &'static str {
        if cfg!(windows) {
            "Windows Credential Manager"
        } else if cfg!(target_os = "macos") {
            "macOS login keychain"
        } else {
            "Secret Service (gnome-keyring or KWallet)"
        }
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        self.bounded.get(key)
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        self.bounded.set(key, value)
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        self.bounded.delete(key)
    }
}

/// The platform's credential builder, used directly (never the crate's global default, which
/// another library could replace with a mock).
pub(crate) struct OsKeyring {
    builder: Box<CredentialBuilder>,
}

impl OsKeyring {
    /// The builder this build was compiled with, refused unless it persists credentials: with no
    /// store feature for the target, keyring 3 silently hands out an in-memory mock.
    pub(crate) fn platform() -> Result<Self, SecretError> {
        let builder = keyring::default::default_credential_builder();
        if !matches!(builder.persistence(), CredentialPersistence::UntilDelete) {
            return Err(SecretError::Unavailable {
                reason: format!(
                    "this build of Presence Relay has no OS keyring back end for {} (only an \
                     in-memory store that would forget credentials)",
                    std::env::consts::OS
                ),
            });
        }
        Ok(Self { builder })
    }

    fn entry(&self, key: &SecretKey) -> Result<Entry, SecretError> {
        let credential = self
            .builder
            .build(None, key.service(), &key.account())
            .map_err(|err| map_error(err, key))?;
        Ok(Entry::new_with_credential(credential))
    }

    #[cfg(test)]
    pub(crate) fn builder(&self) -> &CredentialBuilder {
        self.builder.as_ref()
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        match self.entry(key)?.get_secret() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_error(err, key)),
        }
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        self.entry(key)?
            .set_secret(value.expose())
            .map_err(|err| map_error(err, key))
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            // Duplicates (e.g. the same item in two Secret Service collections): remove them all,
            // which is what "clear" means.
            Err(keyring::Error::Ambiguous(duplicates)) => {
                for duplicate in duplicates {
                    match duplicate.delete_credential() {
                        Ok(()) | Err(keyring::Error::NoEntry) => {}
                        Err(err) => return Err(map_error(err, key)),
                    }
                }
                Ok(true)
            }
            Err(err) => Err(map_error(err, key)),
        }
    }
}

impl fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OsKeyring(")?;
        f.write_str(KeyringStore::backend_name())?;
        f.write_str(")")
    }
}

/// Turns a keyring error into one the user can act on. Never formats `BadEncoding`, whose payload
/// is the secret itself.
fn map_error(err: keyring::Error, key: &SecretKey) -> SecretError {
    match err {
        keyring::Error::NoStorageAccess(source) => SecretError::Locked {
            reason: source.to_string(),
        },
        keyring::Error::PlatformFailure(source) if is_locked_failure(source.as_ref()) => {
            SecretError::Locked {
                reason: source.to_string(),
            }
        }
        keyring::Error::PlatformFailure(source) => SecretError::Unavailable {
            reason: source.to_string(),
        },
        keyring::Error::TooLong(field, limit) => SecretError::invalid(
            key.to_string(),
            format!("its {field} is longer than this keyring allows ({limit})"),
        ),
        keyring::Error::Invalid(field, why) => SecretError::invalid(
            key.to_string(),
            format!("the keyring refuses its {field}: {why}"),
        ),
        keyring::Error::BadEncoding(_) => SecretError::invalid(
            key.to_string(),
            "the stored value cannot be decoded; set it again",
        ),
        keyring::Error::Ambiguous(duplicates) => SecretError::invalid(
            key.to_string(),
            format!(
                "{} keyring items match it; run `presence-relay credentials clear` and set the \
                 credentials again",
                duplicates.len()
            ),
        ),
        keyring::Error::NoEntry => SecretError::invalid(key.to_string(), "no such entry"),
        other => SecretError::Unavailable {
            reason: other.to_string(),
        },
    }
}

/// The D-Bus error a Secret Service returns for an operation on a locked collection.
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
const SECRET_SERVICE_IS_LOCKED: &str = "org.freedesktop.Secret.Error.IsLocked";

/// keyring 3 reports some "locked" answers as platform failures: when unlocking for a `set` is
/// refused, it goes on to create the item anyway, and the Secret Service answers
/// `org.freedesktop.Secret.Error.IsLocked`. That is a locked keyring, not a missing one.
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn is_locked_failure(source: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    match source.downcast_ref::<dbus_secret_service::Error>() {
        Some(dbus_secret_service::Error::Dbus(err)) => err.name() == Some(SECRET_SERVICE_IS_LOCKED),
        Some(dbus_secret_service::Error::Locked) => true,
        _ => false,
    }
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn is_locked_failure(_: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store compiled in must be a real one: keyring 3 without a store feature uses its
    /// in-memory mock, which reports a shorter persistence than `UntilDelete`.
    #[test]
    fn the_compiled_in_store_persists() {
        let keyring = OsKeyring::platform().expect("a persistent store is compiled in");
        assert!(matches!(
            keyring.builder().persistence(),
            CredentialPersistence::UntilDelete
        ));
        let mock = keyring::mock::default_credential_builder();
        assert!(!matches!(
            mock.persistence(),
            CredentialPersistence::UntilDelete
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_uses_the_secret_service() {
        let keyring = OsKeyring::platform().expect("a persistent store is compiled in");
        assert!(keyring
            .builder()
            .as_any()
            .is::<keyring::secret_service::SsCredentialBuilder>());
    }

    #[test]
    fn errors_keep_locked_and_unavailable_apart_and_never_show_a_value() {
        let key = crate::key::CredentialTarget::new(
            relay_core::config::Cloud::Global,
            "contoso.onmicrosoft.com",
            "00000000-0000-0000-0000-000000000001",
        )
        .key(crate::key::EntryKind::ClientSecret);
        let boxed = |text: &str| -> Box<dyn std::error::Error + Send + Sync> { text.into() };

        assert_eq!(
            map_error(
                keyring::Error::NoStorageAccess(boxed("prompt dismissed")),
                &key
            ),
            SecretError::Locked {
                reason: "prompt dismissed".to_owned()
            }
        );
        assert_eq!(
            map_error(
                keyring::Error::PlatformFailure(boxed("ServiceUnknown")),
                &key
            ),
            SecretError::Unavailable {
                reason: "ServiceUnknown".to_owned()
            }
        );
        #[cfg(target_os = "linux")]
        {
            let is_locked = dbus::Error::new_custom(
                SECRET_SERVICE_IS_LOCKED,
                "Cannot create an item in a locked collection",
            );
            assert_eq!(
                map_error(
                    keyring::Error::PlatformFailure(Box::new(dbus_secret_service::Error::Dbus(
                        is_locked
                    ))),
                    &key
                )
                .code(),
                "keyring_locked"
            );
            let unknown = dbus::Error::new_custom(
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "The name org.freedesktop.secrets was not provided by any .service files",
            );
            assert_eq!(
                map_error(
                    keyring::Error::PlatformFailure(Box::new(dbus_secret_service::Error::Dbus(
                        unknown
                    ))),
                    &key
                )
                .code(),
                "keyring_unavailable"
            );
        }
        let bad = map_error(keyring::Error::BadEncoding(b"s3cret-bytes".to_vec()), &key);
        assert!(!format!("{bad} {bad:?}").contains("s3cret"), "{bad:?}");
        let too_long = map_error(keyring::Error::TooLong("secret".to_owned(), 2560), &key);
        assert_eq!(too_long.code(), "invalid_input");
        assert!(too_long.to_string().contains("client-secret"), "{too_long}");
    }
}
