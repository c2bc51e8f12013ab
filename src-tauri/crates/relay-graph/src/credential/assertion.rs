//! The signed JWT a certificate credential sends as `client_assertion`.
//!
//! Header: `alg` PS256 with `x5t#S256` (the SHA-256 thumbprint of the certificate), as current
//! Entra docs describe; or RS256 with `x5t` (SHA-1 thumbprint), as older docs do, kept as a
//! fallback for tenants or proxies that want it. Claims: `aud` = the token URL, `iss` = `sub` =
//! the client ID, a fresh `jti`, `nbf` = `iat` = now, and a short `exp`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use relay_core::Sensitive;
use serde_json::json;

use super::CertificateKey;

/// The signature algorithm of the client assertion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssertionAlgorithm {
    /// RSASSA-PSS with SHA-256, header `x5t#S256`. What Entra documents today.
    #[default]
    Ps256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, header `x5t` (SHA-1 thumbprint). The older form.
    Rs256,
}

/// The claims that vary per assertion.
#[derive(Clone, Debug)]
pub(crate) struct AssertionClaims<'a> {
    /// The token endpoint the assertion is sent to.
    pub audience: &'a str,
    pub client_id: &'a str,
    /// A unique ID, so Entra can refuse a replayed assertion.
    pub jti: String,
    pub now: DateTime<Utc>,
    /// How long the assertion is valid; Entra asks for minutes, not hours.
    pub lifetime: chrono::Duration,
}

/// Builds and signs a client assertion. The result is a credential in its own right (anyone
/// holding it can fetch a token until `exp`), so it is [`Sensitive`].
pub(crate) fn client_assertion(
    key: &CertificateKey,
    algorithm: AssertionAlgorithm,
    claims: &AssertionClaims<'_>,
) -> Result<Sensitive<String>, String> {
    let header = match algorithm {
        AssertionAlgorithm::Ps256 => json!({
            "alg": "PS256",
            "typ": "JWT",
            "x5t#S256": URL_SAFE_NO_PAD.encode(key.sha256_thumbprint),
        }),
        AssertionAlgorithm::Rs256 => json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": URL_SAFE_NO_PAD.encode(key.sha1_thumbprint),
        }),
    };
    let issued = claims.now.timestamp();
    let payload = json!({
        "aud": claims.audience,
        "iss": claims.client_id,
        "sub": claims.client_id,
        "jti": claims.jti,
        "nbf": issued,
        "iat": issued,
        "exp": (claims.now + claims.lifetime).timestamp(),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let private_key = key.key.expose();
    let signature = match algorithm {
        AssertionAlgorithm::Ps256 => {
            private_key.pss_sign::<rsa::sha2::Sha256>(signing_input.as_bytes())
        }
        AssertionAlgorithm::Rs256 => {
            private_key.pkcs1v15_sign::<rsa::sha2::Sha256>(signing_input.as_bytes())
        }
    }
    .map_err(|e| format!("signing the client assertion failed ({e})"))?;
    Ok(Sensitive::new(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    )))
}
