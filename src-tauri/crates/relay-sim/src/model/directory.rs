//! App registrations: client secrets, certificates and granted application roles.

use chrono::{DateTime, Utc};
use relay_core::Sensitive;
use uuid::Uuid;

use crate::auth::certificate::RegisteredCertificate;
use crate::snapshot::{AppSnapshot, SecretSnapshot};

/// An app registration to add to the simulated tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRegistration {
    pub client_id: Uuid,
    pub display_name: String,
    /// Application roles granted with admin consent, e.g. `Presence.ReadWrite.All`.
    pub roles: Vec<String>,
}

impl AppRegistration {
    /// An app consented for `Presence.ReadWrite.All`.
    pub fn new(client_id: Uuid, display_name: impl Into<String>) -> Self {
        Self {
            client_id,
            display_name: display_name.into(),
            roles: vec![crate::options::PRESENCE_READ_WRITE_ALL.to_owned()],
        }
    }

    /// The same app with exactly these roles (none: a registration nobody consented to).
    pub fn with_roles<I, S>(self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            roles: roles.into_iter().map(Into::into).collect(),
            ..self
        }
    }
}

/// A client secret as registered: the value stays in the simulator.
#[derive(Clone, Debug)]
pub(crate) struct SecretRecord {
    pub(crate) secret_id: Uuid,
    pub(crate) value: Sensitive<String>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

/// What the token endpoint concluded about a presented secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretCheck {
    Valid,
    Expired,
    Unknown,
}

#[derive(Clone, Debug)]
pub(crate) struct AppRecord {
    pub(crate) registration: AppRegistration,
    pub(crate) secrets: Vec<SecretRecord>,
    pub(crate) certificates: Vec<RegisteredCertificate>,
}

impl AppRecord {
    pub(crate) fn new(registration: AppRegistration) -> Self {
        Self {
            registration,
            secrets: Vec::new(),
            certificates: Vec::new(),
        }
    }

    pub(crate) fn check_secret(&self, presented: &str, now: DateTime<Utc>) -> SecretCheck {
        // Plain comparison: these are fake secrets on loopback, not worth a constant-time compare.
        match self
            .secrets
            .iter()
            .find(|secret| secret.value.expose() == presented)
        {
            Some(secret) if secret.expires_at.is_some_and(|expiry| expiry <= now) => {
                SecretCheck::Expired
            }
            Some(_) => SecretCheck::Valid,
            None => SecretCheck::Unknown,
        }
    }

    pub(crate) fn snapshot(&self) -> AppSnapshot {
        AppSnapshot {
            client_id: self.registration.client_id,
            display_name: self.registration.display_name.clone(),
            roles: self.registration.roles.clone(),
            secrets: self
                .secrets
                .iter()
                .map(|secret| SecretSnapshot {
                    secret_id: secret.secret_id,
                    // The portal shows the first three characters; so do we.
                    hint: secret.value.expose().chars().take(3).collect(),
                    expires_at: secret.expires_at,
                })
                .collect(),
            certificates: self
                .certificates
                .iter()
                .map(RegisteredCertificate::registration)
                .collect(),
        }
    }
}
