//! Names of keyring entries.
//!
//! Every entry lives under the service [`SERVICE`]; its account names the connection and what the
//! entry holds, `{cloud}/{tenant}/{client id}/{kind}`, so credentials for several tenants or app
//! registrations can sit side by side. Tenant and client IDs are compared without regard to case
//! (Entra treats them so), hence lower-cased here.

use relay_core::ids::is_domain;
pub(crate) use relay_core::ids::is_guid;
use std::fmt;

use relay_core::config::{Cloud, Connection};

use crate::error::SecretError;

/// The keyring service name of every entry Presence Relay owns.
pub const SERVICE: &str = "presence-relay";

/// The largest value any entry may hold: Windows Credential Manager's limit for one credential
/// (`CRED_MAX_CREDENTIAL_BLOB_SIZE`, 5 × 512 bytes). Enforced on every OS so a credential that
/// works on one machine works on all.
pub const MAX_VALUE_BYTES: usize = 2560;

/// The app registration a credential belongs to: cloud, tenant and client ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialTarget {
    cloud: Cloud,
    tenant_id: String,
    client_id: String,
}

impl CredentialTarget {
    /// A target for these IDs, trimmed and lower-cased. Use [`CredentialTarget::validate`] before
    /// storing anything under it.
    pub fn new(cloud: Cloud, tenant_id: &str, client_id: &str) -> Self {
        Self {
            cloud,
            tenant_id: tenant_id.trim().to_ascii_lowercase(),
            client_id: client_id.trim().to_ascii_lowercase(),
        }
    }

    /// The target of the connection in the config file.
    pub fn from_connection(connection: &Connection) -> Self {
        Self::new(
            connection.cloud,
            &connection.tenant_id,
            &connection.client_id,
        )
    }

    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The entry of `kind` for this target.
    pub fn key(&self, kind: EntryKind) -> SecretKey {
        SecretKey {
            target: self.clone(),
            kind,
        }
    }

    /// Refuses IDs that Entra would refuse too, before anything is written under them. (The same
    /// rules as the config's validation, so what is stored here can be saved there.)
    pub fn validate(&self) -> Result<(), SecretError> {
        if self.cloud == Cloud::China {
            return Err(SecretError::invalid(
                "cloud",
                "Microsoft Graph offers no presence APIs in the China (21Vianet) cloud; use \
                 \"global\", \"us_gov_l4\" or \"us_gov_l5\"",
            ));
        }
        if !is_guid(&self.tenant_id) && !is_domain(&self.tenant_id) {
            return Err(SecretError::invalid(
                "tenant ID",
                format!(
                    "\"{}\" is neither a GUID nor a domain; use the Directory (tenant) ID from \
                     the app registration's overview",
                    self.tenant_id
                ),
            ));
        }
        if !is_guid(&self.client_id) {
            return Err(SecretError::invalid(
                "client ID",
                format!(
                    "\"{}\" is not a GUID; use the Application (client) ID from the app \
                     registration's overview",
                    self.client_id
                ),
            ));
        }
        Ok(())
    }
}

/// What one keyring entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A client secret's value, UTF-8.
    ClientSecret,
    /// A certificate credential's RSA private key, PKCS#8 DER.
    CertificateKey,
    /// The certificate that belongs to that key, X.509 DER. Public, but kept beside its key so
    /// that the app owns no credential file at all.
    Certificate,
}

impl EntryKind {
    pub const ALL: [EntryKind; 3] = [
        EntryKind::ClientSecret,
        EntryKind::CertificateKey,
        EntryKind::Certificate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::ClientSecret => "client-secret",
            EntryKind::CertificateKey => "certificate-key",
            EntryKind::Certificate => "certificate",
        }
    }
}

/// The full name of one keyring entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretKey {
    target: CredentialTarget,
    kind: EntryKind,
}

impl SecretKey {
    pub fn service(&self) -> &'static str {
        SERVICE
    }

    /// `{cloud}/{tenant}/{client id}/{kind}`; unambiguous because validated IDs hold no `/`.
    pub fn account(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.target.cloud.as_str(),
            self.target.tenant_id,
            self.target.client_id,
            self.kind.as_str()
        )
    }

    pub fn target(&self) -> &CredentialTarget {
        &self.target
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "keyring entry {}:{}", SERVICE, self.account())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: &str = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
    const CLIENT: &str = "00000000-0000-0000-0000-0000000000aA";

    #[test]
    fn accounts_name_cloud_tenant_client_and_kind_case_insensitively() {
        let target = CredentialTarget::new(Cloud::UsGovL4, &format!(" {TENANT} "), CLIENT);
        let key = target.key(EntryKind::CertificateKey);
        assert_eq!(key.service(), "presence-relay");
        assert_eq!(
            key.account(),
            "us_gov_l4/72f988bf-86f1-41af-91ab-2d7cd011db47/00000000-0000-0000-0000-0000000000aa/certificate-key"
        );
        assert_eq!(
            key,
            CredentialTarget::new(Cloud::UsGovL4, &TENANT.to_lowercase(), CLIENT)
                .key(EntryKind::CertificateKey)
        );
        let accounts: Vec<String> = EntryKind::ALL
            .iter()
            .map(|kind| target.key(*kind).account())
            .collect();
        assert_eq!(accounts.len(), 3);
        assert!(accounts
            .iter()
            .all(|a| accounts.iter().filter(|b| *b == a).count() == 1));
        assert_ne!(
            key.account(),
            CredentialTarget::new(Cloud::Global, TENANT, CLIENT)
                .key(EntryKind::CertificateKey)
                .account()
        );
    }

    #[test]
    fn validation_accepts_guids_and_domains_and_names_the_bad_field() {
        assert_eq!(
            CredentialTarget::new(Cloud::Global, TENANT, CLIENT).validate(),
            Ok(())
        );
        assert_eq!(
            CredentialTarget::new(Cloud::Global, "contoso.onmicrosoft.com", CLIENT).validate(),
            Ok(())
        );
        let cases = [
            (Cloud::China, TENANT, CLIENT, "cloud"),
            (Cloud::Global, "contoso", CLIENT, "tenant ID"),
            (Cloud::Global, "a/b.example", CLIENT, "tenant ID"),
            (Cloud::Global, "", CLIENT, "tenant ID"),
            (Cloud::Global, TENANT, "my-app", "client ID"),
            (Cloud::Global, TENANT, "", "client ID"),
        ];
        for (cloud, tenant, client, field) in cases {
            match CredentialTarget::new(cloud, tenant, client).validate() {
                Err(SecretError::Invalid { subject, .. }) => {
                    assert_eq!(subject, field, "{tenant} {client}")
                }
                other => panic!("{tenant} {client}: expected Invalid, got {other:?}"),
            }
        }
    }
}
