//! The connection wizard's commands: what is configured (`connection_get`), storing a new
//! credential (`connection_set`) and going back to the simulated tenant (`connection_clear`).
//!
//! The credential goes to the OS keyring only: when the keyring cannot take it, the command
//! fails with `keyring_unavailable` or `keyring_locked` and nothing is written anywhere else.
//! The config's `connection` section names the app registration and the kind of credential; it
//! is saved only after the keyring took the credential.

use std::path::Path;

use chrono::{DateTime, Utc};
use relay_api::{
    CertificateView, ConnectionInput, ConnectionView, CredentialInput, CredentialStatus, ErrorCode,
    UiError,
};
use relay_core::config::{Connection, CredentialKind};
use relay_secrets::{
    CertificateInput, CredentialState, CredentialTarget, NewCredential, SecretStore, SetRequest,
};

use crate::config::{ConfigDocument, OnDisk};
use crate::errors::secret_error;

/// `connection_get`: the configured connection and whether its credential is in the keyring;
/// `None` when none is configured (the simulated tenant is in use).
pub fn get(
    config: &ConfigDocument,
    store: &dyn SecretStore,
) -> Result<Option<ConnectionView>, UiError> {
    let connection = match config.read()? {
        OnDisk::Missing => None,
        on_disk => on_disk.usable(config.path())?.connection,
    };
    Ok(connection.map(|connection| {
        let state = relay_secrets::credential_status(store, &connection);
        view(&connection, &state)
    }))
}

/// `connection_set`: checks the input, stores the credential in the keyring, then records the
/// connection in the config file (keeping the host overrides of the same cloud). A credential
/// left behind under another app registration is removed afterwards.
pub fn set(
    config: &ConfigDocument,
    store: &dyn SecretStore,
    input: ConnectionInput,
    now: DateTime<Utc>,
) -> Result<ConnectionView, UiError> {
    let ((connection, state, replaced), _saved) = config.update(|file| {
        let previous = file.connection.clone();
        let (connection, state) = store_credential(store, previous.as_ref(), input, now)?;
        file.connection = Some(connection.clone());
        let replaced = previous.filter(|previous| {
            CredentialTarget::from_connection(previous)
                != CredentialTarget::from_connection(&connection)
        });
        Ok((connection, state, replaced))
    })?;
    tracing::info!(
        tenant = %connection.tenant_id,
        client = %connection.client_id,
        cloud = connection.cloud.as_str(),
        "connection set from the settings window; recorded in {}",
        config.path().display()
    );
    if let Some(replaced) = replaced {
        // Best effort: the new connection works either way; an old secret left in the keyring
        // is only clutter, and the log says so.
        if let Err(error) = relay_secrets::clear_credentials(store, &replaced) {
            tracing::warn!(
                tenant = %replaced.tenant_id,
                client = %replaced.client_id,
                "could not remove the previous connection's credential from the OS keyring: {error}"
            );
        }
    }
    Ok(view(&connection, &state))
}

/// `connection_clear`: removes the connection's keyring entries, then the `connection` section.
/// When the keyring cannot be reached nothing changes (the entries would be left behind).
pub fn clear(config: &ConfigDocument, store: &dyn SecretStore) -> Result<(), UiError> {
    let (removed, _saved) = config.update(|file| {
        let Some(connection) = file.connection.take() else {
            return Ok(None);
        };
        relay_secrets::clear_credentials(store, &connection)
            .map_err(|error| secret_error(&error))?;
        Ok(Some(connection))
    })?;
    if let Some(connection) = removed {
        tracing::info!(
            tenant = %connection.tenant_id,
            client = %connection.client_id,
            "connection cleared from the settings window: back to the simulated tenant"
        );
    }
    Ok(())
}

/// Stores what `input` carries (or checks that the kept credential is there) and returns the
/// connection to record, with the credential's state.
fn store_credential(
    store: &dyn SecretStore,
    previous: Option<&Connection>,
    input: ConnectionInput,
    now: DateTime<Utc>,
) -> Result<(Connection, CredentialState), UiError> {
    let ConnectionInput {
        cloud,
        tenant_id,
        client_id,
        credential,
    } = input;
    let (credential, secret_expires_at) = match credential {
        CredentialInput::Keep => return kept(store, previous, cloud, &tenant_id, &client_id),
        CredentialInput::ClientSecret { secret, expires_at } => {
            (NewCredential::ClientSecret(secret), expires_at)
        }
        CredentialInput::Certificate { path, password } => {
            let path = Path::new(&path);
            if !path.is_absolute() {
                return Err(UiError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "certificate file {:?}: give its full path (choose the file again)",
                        path.display().to_string()
                    ),
                ));
            }
            let input = CertificateInput::read_file(path, password)
                .map_err(|error| secret_error(&error))?;
            (NewCredential::Certificate(input), None)
        }
    };
    let request = SetRequest {
        cloud,
        tenant_id,
        client_id,
        credential,
    };
    let summary = relay_secrets::set_credentials(store, request, now)
        .map_err(|error| secret_error(&error))?;
    let mut connection = summary.connection(previous);
    connection.secret_expires_at = secret_expires_at;
    let state = CredentialState::Configured {
        kind: summary.kind,
        certificate: summary.certificate,
    };
    Ok((connection, state))
}

/// `keep`: only for the app registration the keyring entry is named after, and only when the
/// credential is really there.
fn kept(
    store: &dyn SecretStore,
    previous: Option<&Connection>,
    cloud: relay_core::config::Cloud,
    tenant_id: &str,
    client_id: &str,
) -> Result<(Connection, CredentialState), UiError> {
    let wanted = CredentialTarget::new(cloud, tenant_id, client_id);
    let Some(previous) =
        previous.filter(|previous| CredentialTarget::from_connection(previous) == wanted)
    else {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            "the stored credential belongs to another cloud, tenant or app registration (or none \
             is stored); enter the client secret or choose the certificate for this one",
        ));
    };
    let state = relay_secrets::credential_status(store, previous);
    match &state {
        CredentialState::Configured { .. } => Ok((previous.clone(), state)),
        CredentialState::Missing { .. } => Err(UiError::new(
            ErrorCode::InvalidInput,
            "there is no stored credential to keep; enter the client secret or choose the \
             certificate",
        )),
        CredentialState::KeyringLocked { reason } => {
            Err(secret_error(&relay_secrets::SecretError::Locked {
                reason: reason.clone(),
            }))
        }
        CredentialState::KeyringUnavailable { reason } => {
            Err(secret_error(&relay_secrets::SecretError::Unavailable {
                reason: reason.clone(),
            }))
        }
    }
}

/// What the window shows of a connection: nothing secret.
pub fn view(connection: &Connection, state: &CredentialState) -> ConnectionView {
    let (credential, credential_detail) = match state {
        CredentialState::Configured { .. } => (CredentialStatus::Configured, state.message()),
        CredentialState::Missing { kind } => (
            CredentialStatus::Missing,
            format!(
                "no {} for this connection is in the OS keyring; enter it again on this page",
                match kind {
                    CredentialKind::ClientSecret => "client secret",
                    CredentialKind::Certificate => "certificate",
                }
            ),
        ),
        CredentialState::KeyringUnavailable { .. } => {
            (CredentialStatus::KeyringUnavailable, state.message())
        }
        CredentialState::KeyringLocked { .. } => (CredentialStatus::KeyringLocked, state.message()),
    };
    let certificate = match state {
        CredentialState::Configured {
            certificate: Some(info),
            ..
        } => Some(CertificateView {
            subject: info.subject.clone(),
            thumbprint: info.sha1_thumbprint.clone(),
            not_after: info.not_after,
        }),
        _ => None,
    };
    let secret_expires_at = match (&certificate, connection.credential) {
        (Some(certificate), _) => Some(certificate.not_after),
        (None, CredentialKind::ClientSecret) => connection.secret_expires_at,
        (None, CredentialKind::Certificate) => None,
    };
    ConnectionView {
        cloud: connection.cloud,
        tenant_id: connection.tenant_id.clone(),
        client_id: connection.client_id.clone(),
        credential_kind: connection.credential,
        credential,
        credential_detail,
        secret_expires_at,
        certificate,
    }
}

#[cfg(test)]
mod tests;
