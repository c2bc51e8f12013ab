//! The configured tenant: the connection from the config, its credential from the OS keyring,
//! and a Graph client for it. Every failure says what to do.

use std::sync::Arc;

use relay_core::clock::SystemClock;
use relay_core::config::Connection;
use relay_graph::{Credential, GraphClient, GraphClientConfig, TokioSleeper};
use relay_secrets::{KeyringStore, StoredCredential};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the OS keyring cannot be used: {0}. Credentials are never kept anywhere else; unlock or install a keyring (Secret Service on Linux) and start again")]
    Keyring(String),
    #[error("no credential for tenant {tenant} is in the OS keyring; store it in Settings > Connection or with `presence-relay credentials set`")]
    Missing { tenant: String },
    #[error("cannot build a Graph client: {0}")]
    Client(String),
}

/// A client for `connection` with the credential stored in the OS keyring.
pub fn configured_tenant(connection: &Connection) -> Result<GraphClient, ConnectError> {
    let keyring = KeyringStore::open(KeyringStore::DEFAULT_TIMEOUT)
        .map_err(|err| ConnectError::Keyring(err.to_string()))?;
    let stored = relay_secrets::load_credential(&keyring, connection)
        .map_err(|err| ConnectError::Keyring(err.to_string()))?
        .ok_or_else(|| ConnectError::Missing {
            tenant: connection.tenant_id.to_string(),
        })?;
    let config = GraphClientConfig::from_connection(connection, graph_credential(stored), |name| {
        std::env::var(name).ok()
    });
    GraphClient::new(config, Arc::new(SystemClock), Arc::new(TokioSleeper))
        .map_err(|err| ConnectError::Client(err.to_string()))
}

/// The keyring's credential in the Graph client's terms.
pub fn graph_credential(stored: StoredCredential) -> Credential {
    match stored {
        StoredCredential::ClientSecret(secret) => Credential::ClientSecret(secret),
        StoredCredential::Certificate {
            certificate_pem,
            private_key_pem,
            ..
        } => Credential::CertificatePem {
            certificate_pem,
            private_key_pem,
        },
    }
}

/// The machine's time zone (for "end of day", time windows and all-day events); UTC when it
/// cannot be found.
pub fn system_zone() -> chrono_tz::Tz {
    relay_calendar::inspect::system_zone().unwrap_or(chrono_tz::UTC)
}
