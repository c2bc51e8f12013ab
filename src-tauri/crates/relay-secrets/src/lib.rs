//! Presence Relay's credentials in the OS keyring, and the logic of the `credentials` commands.
//!
//! - [`SecretStore`]: get / set / delete bytes by a typed [`SecretKey`] (service
//!   `presence-relay`, account `{cloud}/{tenant}/{client id}/{kind}`). [`KeyringStore`] is the
//!   OS keyring (Secret Service over libdbus, Windows Credential Manager, macOS keychain), every
//!   call bounded by a timeout ([`TimeoutStore`]); [`MemoryStore`] is for tests.
//! - [`set_credentials`], [`credential_status`], [`clear_credentials`]: what the CLI and the UI
//!   call. [`CredentialState`] keeps "configured", "missing", "keyring unavailable" and "keyring
//!   locked" apart. [`load_credential`] hands the engine the credential for the Graph client.
//! - Certificates are checked when set (PEM or PFX, RSA 2048–4096, key matches certificate, not
//!   expired) and kept as two keyring entries: the key as PKCS#8 DER and the certificate as DER.
//!
//! There is no file fallback, ever: when the keyring cannot be used, the error says so and how to
//! fix it. Secrets travel in [`relay_core::Sensitive`]; nothing here logs or serializes one. See
//! `docs/CREDENTIALS.md` for the user-facing side.

mod certificate;
mod credentials;
mod error;
mod input;
mod key;
mod keyring_store;
mod memory;
mod store;
mod timeout;

pub use certificate::{CertificateError, CertificateInfo, CertificateInput};
pub use credentials::{
    clear_credentials, credential_status, load_credential, set_credentials, CredentialState,
    CredentialSummary, NewCredential, SetRequest, StoredCredential,
};
pub use error::{SecretError, NO_FILE_FALLBACK};
pub use input::read_secret;
pub use key::{CredentialTarget, EntryKind, SecretKey, MAX_VALUE_BYTES, SERVICE};
pub use keyring_store::KeyringStore;
pub use memory::MemoryStore;
pub use store::SecretStore;
pub use timeout::TimeoutStore;
