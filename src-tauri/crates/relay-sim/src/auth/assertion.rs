//! Client assertions (certificate credentials): a JWT signed with the app's certificate key.
//!
//! Accepted as Entra's docs describe them now and did before: `PS256` with `x5t#S256`
//! (base64url SHA-256 thumbprint) and `RS256` with `x5t` (base64url SHA-1 thumbprint), in any
//! combination. Claims: `aud` = the token endpoint URL, `iss` = `sub` = the client id, `exp`,
//! optional `nbf`, and a `jti`.

use chrono::{DateTime, Duration, Utc};
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::Sha256;

use super::certificate::RegisteredCertificate;
use super::entra_error::EntraError;
use super::jwt::{decode_segment, CompactJws};

/// Clock skew tolerated on `nbf` and `exp`, as identity providers usually allow.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// What an assertion is checked against.
#[derive(Debug)]
pub(crate) struct AssertionCheck<'a> {
    /// The `client_id` form parameter (or the registered id when only the assertion names it).
    pub(crate) client_id: &'a str,
    pub(crate) certificates: &'a [RegisteredCertificate],
    /// Token endpoint URLs the client may have addressed (the simulator's and Entra's hosts).
    pub(crate) audiences: &'a [String],
    pub(crate) now: DateTime<Utc>,
}

pub(crate) fn verify(assertion: &str, check: &AssertionCheck<'_>) -> Result<(), EntraError> {
    let jws = CompactJws::parse(assertion.trim()).ok_or_else(|| {
        EntraError::malformed_assertion(
            "The client assertion is not a compact JWT (base64url header.payload.signature).",
        )
    })?;
    let algorithm = jws.header_str("alg").unwrap_or_default();
    if algorithm != "PS256" && algorithm != "RS256" {
        return Err(EntraError::assertion_signature(&format!(
            "The signing algorithm '{algorithm}' is not supported; sign with PS256 or RS256"
        )));
    }
    let certificate = find_certificate(&jws, check.certificates)?;
    verify_signature(&jws, algorithm, certificate)?;
    check_claims(&jws, check)
}

fn find_certificate<'c>(
    jws: &CompactJws<'_>,
    certificates: &'c [RegisteredCertificate],
) -> Result<&'c RegisteredCertificate, EntraError> {
    let by_sha256 = jws.header_str("x5t#S256");
    let by_sha1 = jws.header_str("x5t");
    let Some(named) = by_sha256.or(by_sha1) else {
        return Err(EntraError::assertion_signature(
            "The assertion header names no certificate; add x5t#S256 (or x5t) with the \
             certificate's thumbprint",
        ));
    };
    let wanted = decode_segment(named).unwrap_or_default();
    certificates
        .iter()
        .find(|certificate| {
            if by_sha256.is_some() {
                certificate.sha256[..] == wanted[..]
            } else {
                certificate.sha1[..] == wanted[..]
            }
        })
        .ok_or_else(|| {
            EntraError::assertion_signature(&format!(
                "The key was not found., Thumbprint of key used by client: '{named}'. Upload \
                 this certificate to the app registration"
            ))
        })
}

fn verify_signature(
    jws: &CompactJws<'_>,
    algorithm: &str,
    certificate: &RegisteredCertificate,
) -> Result<(), EntraError> {
    let invalid =
        || EntraError::assertion_signature("Client assertion contains an invalid signature");
    let message = jws.signing_input.as_bytes();
    let verified = if algorithm == "PS256" {
        let signature =
            rsa::pss::Signature::try_from(jws.signature.as_slice()).map_err(|_| invalid())?;
        // RFC 7518 PS256: MGF1 with SHA-256 and a salt as long as the hash.
        rsa::pss::VerifyingKey::<Sha256>::new(certificate.key.clone()).verify(message, &signature)
    } else {
        let signature =
            rsa::pkcs1v15::Signature::try_from(jws.signature.as_slice()).map_err(|_| invalid())?;
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(certificate.key.clone())
            .verify(message, &signature)
    };
    verified.map_err(|_| invalid())
}

fn check_claims(jws: &CompactJws<'_>, check: &AssertionCheck<'_>) -> Result<(), EntraError> {
    let issuer = jws.claim_str("iss").unwrap_or_default();
    let subject = jws.claim_str("sub").unwrap_or_default();
    if !issuer.eq_ignore_ascii_case(check.client_id)
        || !subject.eq_ignore_ascii_case(check.client_id)
    {
        return Err(EntraError::assertion_subject(check.client_id));
    }

    let audiences: Vec<&str> = match jws.claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let normalise = |url: &str| url.trim_end_matches('/').to_ascii_lowercase();
    let accepted = audiences.iter().any(|given| {
        check
            .audiences
            .iter()
            .any(|expected| normalise(expected) == normalise(given))
    });
    if !accepted {
        return Err(EntraError::assertion_audience(
            &audiences.join(" "),
            check
                .audiences
                .first()
                .map(String::as_str)
                .unwrap_or_default(),
        ));
    }

    let expires = jws
        .claim_seconds("exp")
        .ok_or_else(|| EntraError::malformed_assertion("The client assertion has no exp claim."))?;
    let now = check.now.timestamp();
    if now >= expires + CLOCK_SKEW.num_seconds() {
        return Err(EntraError::assertion_time_range());
    }
    if let Some(not_before) = jws.claim_seconds("nbf") {
        if now < not_before - CLOCK_SKEW.num_seconds() {
            return Err(EntraError::assertion_time_range());
        }
    }
    if jws.claim_str("jti").is_none_or(str::is_empty) {
        return Err(EntraError::malformed_assertion(
            "The client assertion has no jti claim; give each assertion a unique GUID.",
        ));
    }
    Ok(())
}
