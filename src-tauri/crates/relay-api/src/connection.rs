//! The connection wizard: what is configured (`connection_get`), what the admin enters
//! (`connection_set`) and the step-by-step self-test (`connection_test`).
//!
//! Secrets go one way only: [`ConnectionInput`] derives `Deserialize` and not `Serialize`, and
//! holds them in [`Sensitive`], so the shell cannot echo one back to the web view by accident.

use chrono::{DateTime, Utc};
use relay_core::config::{Cloud, CredentialKind};
use relay_core::Sensitive;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret;

/// Whether the credential of the configured connection is in the OS keyring. A locked or
/// unreachable keyring is not "missing": the UI must not ask for the secret again then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    Configured,
    Missing,
    KeyringUnavailable,
    KeyringLocked,
}

/// The certificate in use, for the expiry warning and for matching it in Entra.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CertificateView {
    pub subject: String,
    /// SHA-1 thumbprint, as Entra lists it.
    pub thumbprint: String,
    pub not_after: DateTime<Utc>,
}

/// Answer of `connection_get` (`null` there when no connection is configured: demo mode).
/// Holds nothing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub cloud: Cloud,
    pub tenant_id: String,
    pub client_id: String,
    pub credential_kind: CredentialKind,
    pub credential: CredentialStatus,
    /// One line for people about `credential`, with what to do when it is not `configured`.
    pub credential_detail: String,
    /// When the secret or certificate stops working, if known (the UI warns ahead of it).
    pub secret_expires_at: Option<DateTime<Utc>>,
    pub certificate: Option<CertificateView>,
}

/// Argument of `connection_set`: the app registration and its credential. The credential goes to
/// the OS keyring; the rest to the config's `connection` section.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInput {
    pub cloud: Cloud,
    /// Directory (tenant) id: a GUID or a verified domain.
    pub tenant_id: String,
    /// Application (client) id: a GUID.
    pub client_id: String,
    pub credential: CredentialInput,
}

/// The credential handed in. Write-only: nothing here is ever sent back.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum CredentialInput {
    /// A client secret's Value (not its ID).
    ClientSecret {
        #[serde(deserialize_with = "secret::required")]
        #[ts(type = "string")]
        secret: Sensitive<String>,
        /// The expiry Entra showed when the secret was created, for the warning.
        #[serde(default)]
        #[ts(optional)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// A PFX/PKCS#12 or PEM file on this machine holding the certificate and its private key.
    Certificate {
        path: String,
        #[serde(default, deserialize_with = "secret::optional")]
        #[ts(type = "string", optional)]
        password: Option<Sensitive<String>>,
    },
    /// Keep the credential already stored: only valid while cloud, tenant and client id are
    /// unchanged (the keyring entry is named after them); refused with `invalid_input` otherwise.
    Keep,
}

/// One step of `connection_test`, in the order things depend on each other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestStep {
    /// What was checked, e.g. `sign-in`, `admin consent`, `read presence of Ana`.
    pub step: String,
    pub ok: bool,
    pub detail: String,
    /// What to do about a failure; `null` when the step passed.
    pub fix: Option<String>,
}

/// Answer of `connection_test`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTestReport {
    pub steps: Vec<TestStep>,
    /// Every step passed.
    pub ok: bool,
    /// Where an admin grants consent for this app registration (shown when consent is missing,
    /// and on the wizard's last page).
    pub consent_url: Option<String>,
}

impl ConnectionTestReport {
    /// `ok` follows from the steps; building through here keeps the two from disagreeing.
    pub fn new(steps: Vec<TestStep>, consent_url: Option<String>) -> Self {
        Self {
            ok: !steps.is_empty() && steps.iter().all(|step| step.ok),
            steps,
            consent_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_arrives_in_sensitive_and_stays_redacted() {
        let input: ConnectionInput = serde_json::from_value(serde_json::json!({
            "cloud": "global",
            "tenantId": "contoso.onmicrosoft.com",
            "clientId": "00000000-0000-0000-0000-000000000001",
            "credential": {"kind": "client_secret", "secret": "s3cr3t-value", "expiresAt": "2027-01-31T00:00:00Z"}
        }))
        .expect("parses");
        let CredentialInput::ClientSecret { secret, expires_at } = &input.credential else {
            panic!("wrong kind: {input:?}");
        };
        assert_eq!(secret.expose(), "s3cr3t-value");
        assert!(expires_at.is_some());
        assert!(!format!("{input:?}").contains("s3cr3t"));
    }

    #[test]
    fn certificate_password_is_optional_and_keep_needs_nothing() {
        let cert: CredentialInput =
            serde_json::from_str(r#"{"kind":"certificate","path":"/tmp/app.pfx"}"#).expect("cert");
        assert!(matches!(
            cert,
            CredentialInput::Certificate { password: None, .. }
        ));
        let keep: CredentialInput = serde_json::from_str(r#"{"kind":"keep"}"#).expect("keep");
        assert!(matches!(keep, CredentialInput::Keep));
    }

    #[test]
    fn a_report_is_ok_only_when_every_step_passed() {
        let pass = TestStep {
            step: "sign-in".into(),
            ok: true,
            detail: "token issued".into(),
            fix: None,
        };
        let fail = TestStep {
            step: "admin consent".into(),
            ok: false,
            detail: "no roles".into(),
            fix: Some("grant consent".into()),
        };
        assert!(ConnectionTestReport::new(vec![pass.clone()], None).ok);
        assert!(!ConnectionTestReport::new(vec![pass, fail], Some("https://x".into())).ok);
        assert!(
            !ConnectionTestReport::new(vec![], None).ok,
            "no steps proves nothing"
        );
    }
}
