//! The logic of `presence-relay credentials set | status | clear`, as plain functions over a
//! [`SecretStore`], plus [`load_credential`] for the engine. The config file's `connection`
//! section says which app registration and which kind of credential are in use; this module
//! never writes that file: [`set_credentials`] returns what the caller saves there.

use chrono::{DateTime, Utc};
use relay_core::config::{Cloud, Connection, CredentialKind};
use relay_core::Sensitive;
use serde::{Deserialize, Serialize};

use crate::certificate::{pem_encode, CertificateCredential, CertificateInfo, CertificateInput};
use crate::error::SecretError;
use crate::key::{is_guid, CredentialTarget, EntryKind, MAX_VALUE_BYTES};
use crate::store::SecretStore;

/// What `credentials set` stores.
#[derive(Clone, Debug)]
pub struct SetRequest {
    pub cloud: Cloud,
    /// Directory (tenant) ID: a GUID or a verified domain.
    pub tenant_id: String,
    /// Application (client) ID: a GUID.
    pub client_id: String,
    pub credential: NewCredential,
}

/// The credential handed in, exactly one of the two kinds.
#[derive(Clone, Debug)]
pub enum NewCredential {
    /// A client secret's Value (not its ID). Surrounding whitespace is ignored.
    ClientSecret(Sensitive<String>),
    /// A certificate file with its private key.
    Certificate(CertificateInput),
}

/// What was stored: everything the caller needs for the config's `connection` section and for
/// telling the user, and nothing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CredentialSummary {
    pub cloud: Cloud,
    /// Trimmed and lower-cased, as the keyring entry is named.
    pub tenant_id: String,
    /// Trimmed and lower-cased, as the keyring entry is named.
    pub client_id: String,
    pub kind: CredentialKind,
    /// For a certificate: subject, thumbprints and validity (the UI warns before `not_after`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateInfo>,
}

impl CredentialSummary {
    /// The `connection` section to save. Host overrides of `previous` (proxies, tests) are kept
    /// while the cloud stays the same, since they belong to that cloud.
    pub fn connection(&self, previous: Option<&Connection>) -> Connection {
        let same_cloud = previous.filter(|previous| previous.cloud == self.cloud);
        Connection {
            cloud: self.cloud,
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            credential: self.kind,
            authority_url: same_cloud.and_then(|previous| previous.authority_url.clone()),
            graph_url: same_cloud.and_then(|previous| previous.graph_url.clone()),
            // A new credential: the old secret's expiry says nothing about it.
            secret_expires_at: None,
        }
    }
}

/// Whether the configured connection has its credential, for the UI and `credentials status`.
/// Serialized as `{"state": "configured" | "missing" | "keyring_unavailable" | "keyring_locked",
/// …}`; it never holds a secret. The point is the distinction: a locked or unreachable keyring
/// is not "not configured", and must not send the user off to re-enter a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CredentialState {
    /// The credential of `kind` is in the keyring.
    Configured {
        kind: CredentialKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate: Option<CertificateInfo>,
    },
    /// The keyring works, and holds no credential of `kind` for this connection.
    Missing { kind: CredentialKind },
    /// The keyring cannot be reached; `reason` is the platform's explanation.
    KeyringUnavailable { reason: String },
    /// The keyring is locked (or did not answer, which usually means an unlock prompt waits).
    KeyringLocked { reason: String },
}

impl CredentialState {
    pub fn is_configured(&self) -> bool {
        matches!(self, CredentialState::Configured { .. })
    }

    /// One line for people: what the state is and, when something is wrong, what to do.
    pub fn message(&self) -> String {
        match self {
            CredentialState::Configured {
                kind: CredentialKind::ClientSecret,
                ..
            } => "a client secret is stored in the OS keyring".to_owned(),
            CredentialState::Configured {
                certificate: Some(info),
                ..
            } => format!(
                "a certificate is stored in the OS keyring: {}, thumbprint {}, valid until {}",
                info.subject,
                info.sha1_thumbprint,
                info.not_after.format("%Y-%m-%d")
            ),
            CredentialState::Configured { .. } => {
                "a certificate is stored in the OS keyring".to_owned()
            }
            CredentialState::Missing { kind } => format!(
                "no {} is stored for this connection; set one with `presence-relay credentials \
                 set`",
                kind_name(*kind)
            ),
            CredentialState::KeyringUnavailable { reason } => SecretError::Unavailable {
                reason: reason.clone(),
            }
            .to_string(),
            CredentialState::KeyringLocked { reason } => SecretError::Locked {
                reason: reason.clone(),
            }
            .to_string(),
        }
    }

    fn from_error(error: &SecretError) -> Self {
        match error {
            SecretError::Unavailable { reason } => CredentialState::KeyringUnavailable {
                reason: reason.clone(),
            },
            SecretError::Locked { reason } => CredentialState::KeyringLocked {
                reason: reason.clone(),
            },
            SecretError::TimedOut { waited } => CredentialState::KeyringLocked {
                reason: format!(
                    "no answer within {} s; an unlock prompt is probably waiting",
                    waited.as_secs_f32()
                ),
            },
            // The keyring answered with something unusable (e.g. duplicate entries).
            other => CredentialState::KeyringUnavailable {
                reason: other.to_string(),
            },
        }
    }
}

/// The credential as the engine needs it (see `relay_graph::Credential`). Secret parts stay in
/// [`Sensitive`].
#[derive(Clone, Debug)]
pub enum StoredCredential {
    ClientSecret(Sensitive<String>),
    Certificate {
        /// The certificate, PEM (`CERTIFICATE`).
        certificate_pem: String,
        /// Its RSA key, unencrypted PKCS#8 PEM (`PRIVATE KEY`).
        private_key_pem: Sensitive<String>,
        info: CertificateInfo,
    },
}

/// Checks the request and stores its credential in `store`; on success, removes a credential of
/// the other kind stored for the same app registration, so no unused private key or secret is
/// left behind. Nothing is written anywhere else. `now` decides whether a certificate has expired.
pub fn set_credentials(
    store: &dyn SecretStore,
    request: SetRequest,
    now: DateTime<Utc>,
) -> Result<CredentialSummary, SecretError> {
    let target = CredentialTarget::new(request.cloud, &request.tenant_id, &request.client_id);
    target.validate()?;
    let (kind, certificate, replaced) = match &request.credential {
        NewCredential::ClientSecret(secret) => {
            let value = checked_client_secret(secret)?;
            store.set(&target.key(EntryKind::ClientSecret), &value)?;
            tracing::info!(
                account = %target.key(EntryKind::ClientSecret).account(),
                "stored a client secret in the OS keyring"
            );
            (
                CredentialKind::ClientSecret,
                None,
                &[EntryKind::CertificateKey, EntryKind::Certificate][..],
            )
        }
        NewCredential::Certificate(input) => {
            let credential = CertificateCredential::from_input(input, now)?;
            store_certificate(store, &target, &credential)?;
            tracing::info!(
                account = %target.key(EntryKind::Certificate).account(),
                thumbprint = %credential.info.sha1_thumbprint,
                not_after = %credential.info.not_after,
                "stored a certificate and its private key in the OS keyring"
            );
            (
                CredentialKind::Certificate,
                Some(credential.info),
                &[EntryKind::ClientSecret][..],
            )
        }
    };
    for other in replaced {
        store.delete(&target.key(*other))?;
    }
    Ok(CredentialSummary {
        cloud: target.cloud(),
        tenant_id: target.tenant_id().to_owned(),
        client_id: target.client_id().to_owned(),
        kind,
        certificate,
    })
}

/// Says whether the credential named by `connection` is stored, without exposing it.
pub fn credential_status(store: &dyn SecretStore, connection: &Connection) -> CredentialState {
    let target = CredentialTarget::from_connection(connection);
    let kind = connection.credential;
    let read = || -> Result<CredentialState, SecretError> {
        let missing = CredentialState::Missing { kind };
        match kind {
            CredentialKind::ClientSecret => {
                Ok(match store.get(&target.key(EntryKind::ClientSecret))? {
                    Some(_) => CredentialState::Configured {
                        kind,
                        certificate: None,
                    },
                    None => missing,
                })
            }
            CredentialKind::Certificate => {
                let Some(certificate) = store.get(&target.key(EntryKind::Certificate))? else {
                    return Ok(missing);
                };
                if store.get(&target.key(EntryKind::CertificateKey))?.is_none() {
                    return Ok(missing);
                }
                match CertificateInfo::from_der(certificate.expose()) {
                    Ok(info) => Ok(CredentialState::Configured {
                        kind,
                        certificate: Some(info),
                    }),
                    Err(problem) => {
                        tracing::warn!(
                            account = %target.key(EntryKind::Certificate).account(),
                            %problem,
                            "the stored certificate cannot be read; reporting it as missing"
                        );
                        Ok(missing)
                    }
                }
            }
        }
    };
    read().unwrap_or_else(|error| CredentialState::from_error(&error))
}

/// Removes every credential stored for the app registration of `connection` (both kinds).
/// Returns whether anything was there.
pub fn clear_credentials(
    store: &dyn SecretStore,
    connection: &Connection,
) -> Result<bool, SecretError> {
    let target = CredentialTarget::from_connection(connection);
    let mut removed = false;
    for kind in EntryKind::ALL {
        removed |= store.delete(&target.key(kind))?;
    }
    if removed {
        tracing::info!(
            tenant = %target.tenant_id(),
            client = %target.client_id(),
            "removed the stored credentials from the OS keyring"
        );
    }
    Ok(removed)
}

/// The credential of the kind `connection` names, or `None` when it is not stored.
pub fn load_credential(
    store: &dyn SecretStore,
    connection: &Connection,
) -> Result<Option<StoredCredential>, SecretError> {
    let target = CredentialTarget::from_connection(connection);
    match connection.credential {
        CredentialKind::ClientSecret => {
            let key = target.key(EntryKind::ClientSecret);
            let Some(value) = store.get(&key)? else {
                return Ok(None);
            };
            let secret = String::from_utf8(value.into_inner()).map_err(|_| {
                SecretError::invalid(
                    key.to_string(),
                    "the stored client secret is not text; set the credentials again",
                )
            })?;
            Ok(Some(StoredCredential::ClientSecret(Sensitive::new(secret))))
        }
        CredentialKind::Certificate => {
            let certificate_key = target.key(EntryKind::Certificate);
            let Some(certificate) = store.get(&certificate_key)? else {
                return Ok(None);
            };
            let Some(private_key) = store.get(&target.key(EntryKind::CertificateKey))? else {
                return Ok(None);
            };
            let info = CertificateInfo::from_der(certificate.expose()).map_err(|problem| {
                SecretError::invalid(
                    certificate_key.to_string(),
                    format!("{problem}; set the credentials again"),
                )
            })?;
            Ok(Some(StoredCredential::Certificate {
                certificate_pem: pem_encode("CERTIFICATE", certificate.expose()),
                private_key_pem: Sensitive::new(pem_encode("PRIVATE KEY", private_key.expose())),
                info,
            }))
        }
    }
}

/// The secret's bytes, refusing what cannot be a client secret's Value.
fn checked_client_secret(secret: &Sensitive<String>) -> Result<Sensitive<Vec<u8>>, SecretError> {
    // Entra generates Values from letters, digits and `~._-`, so surrounding whitespace is
    // always a copy-and-paste artefact (or the newline of `--secret-stdin`).
    let value = secret.expose().trim();
    if value.is_empty() {
        return Err(SecretError::invalid(
            "client secret",
            "it is empty; paste the secret's Value from the app registration's \"Certificates & \
             secrets\" page",
        ));
    }
    if is_guid(value) {
        return Err(SecretError::invalid(
            "client secret",
            "this is shaped like the secret's ID (a GUID), not its Value; paste the Value column \
             from the app registration's \"Certificates & secrets\" page",
        ));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(SecretError::invalid(
            "client secret",
            format!(
                "it is {} bytes, longer than any Entra client secret",
                value.len()
            ),
        ));
    }
    Ok(Sensitive::new(value.as_bytes().to_vec()))
}

/// Key first, then certificate: a half-written pair then has no certificate, which status reads
/// as missing. If the certificate cannot be stored, the key is taken out again.
fn store_certificate(
    store: &dyn SecretStore,
    target: &CredentialTarget,
    credential: &CertificateCredential,
) -> Result<(), SecretError> {
    let key_entry = target.key(EntryKind::CertificateKey);
    store.set(&key_entry, &credential.private_key_der)?;
    let certificate = Sensitive::new(credential.certificate_der.clone());
    if let Err(error) = store.set(&target.key(EntryKind::Certificate), &certificate) {
        if let Err(cleanup) = store.delete(&key_entry) {
            tracing::warn!(
                account = %key_entry.account(),
                %cleanup,
                "could not remove the private key after failing to store its certificate"
            );
        }
        return Err(error);
    }
    Ok(())
}

fn kind_name(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::ClientSecret => "client secret",
        CredentialKind::Certificate => "certificate",
    }
}

#[cfg(test)]
mod tests;
