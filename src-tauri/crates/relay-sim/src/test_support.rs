//! Helpers for tests that exercise certificate credentials end to end (feature `test-support`;
//! enable it from `[dev-dependencies]` only).
//!
//! [`TestCertificate`] is a freshly generated 2048-bit RSA key with a self-signed X.509
//! certificate, in the forms a client loads (PEM, PKCS#8 and PKCS#1) and the form the simulator
//! registers (DER). [`TestCertificate::client_assertion`] builds the JWT a client sends, so the
//! simulator's own tests can check assertion handling without a Graph client.

use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use relay_core::Sensitive;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::PrivateKey;
use serde_json::json;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use x509_cert::builder::profile::cabf::Root;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Encode, EncodePem};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

use crate::auth::jwt::{encode_segment, signing_input};

/// Entra's minimum key size, and what the tests use.
const KEY_BITS: usize = 2048;

/// A test key and its self-signed certificate.
#[derive(Debug)]
pub struct TestCertificate {
    key: PrivateKey,
    der: Vec<u8>,
    certificate_pem: String,
    private_key_pem: Sensitive<String>,
    private_key_pkcs1_pem: Sensitive<String>,
}

/// Building a test certificate failed (it should not; the message says where).
#[derive(Debug, thiserror::Error)]
#[error("could not build the test certificate: {0}")]
pub struct TestSupportError(String);

fn fail(step: &str) -> impl Fn(String) -> TestSupportError + '_ {
    move |detail| TestSupportError(format!("{step}: {detail}"))
}

impl TestCertificate {
    /// Generates a new key and certificate. Key generation takes a while in debug builds, so
    /// prefer [`TestCertificate::shared`] unless a test needs a second, different key.
    pub fn generate() -> Result<Self, TestSupportError> {
        let key = PrivateKey::new(&mut rand::rngs::SysRng, KEY_BITS)
            .map_err(|err| fail("generating the RSA key")(err.to_string()))?;
        let public_der = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|err| fail("encoding the public key")(err.to_string()))?;
        let spki = SubjectPublicKeyInfoOwned::try_from(public_der.as_bytes())
            .map_err(|err| fail("reading the public key")(err.to_string()))?;
        let subject = Name::from_str("CN=relay-sim test certificate,O=Presence Relay,C=US")
            .map_err(|err| fail("naming the subject")(err.to_string()))?;
        let profile =
            Root::new(false, subject).map_err(|err| fail("the profile")(err.to_string()))?;
        let validity = Validity::from_now(std::time::Duration::from_secs(365 * 24 * 3600))
            .map_err(|err| fail("the validity")(err.to_string()))?;
        // A random positive serial without a leading zero byte, as RFC 5280 asks.
        let mut serial_bytes = *Uuid::new_v4().as_bytes();
        serial_bytes[0] = (serial_bytes[0] & 0x7F) | 0x01;
        let serial = SerialNumber::new(&serial_bytes)
            .map_err(|err| fail("the serial number")(err.to_string()))?;
        let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
        let certificate = CertificateBuilder::new(profile, serial, validity, spki)
            .map_err(|err| fail("the certificate builder")(err.to_string()))?
            .build::<_, rsa::pkcs1v15::Signature>(&signer)
            .map_err(|err| fail("signing the certificate")(err.to_string()))?;
        let der = certificate
            .to_der()
            .map_err(|err| fail("encoding the certificate")(err.to_string()))?;
        let certificate_pem = certificate
            .to_pem(LineEnding::LF)
            .map_err(|err| fail("PEM-encoding the certificate")(err.to_string()))?;
        let private_key_pem = key
            .to_pkcs8_der()
            .and_then(|document| {
                document
                    .to_pem("PRIVATE KEY", LineEnding::LF)
                    .map_err(Into::into)
            })
            .map_err(|err| fail("PEM-encoding the PKCS#8 key")(err.to_string()))?;
        let private_key_pkcs1_pem = key
            .to_pkcs1_der()
            .and_then(|document| {
                document
                    .to_pem("RSA PRIVATE KEY", LineEnding::LF)
                    .map_err(Into::into)
            })
            .map_err(|err| fail("PEM-encoding the PKCS#1 key")(err.to_string()))?;
        Ok(Self {
            key,
            der,
            certificate_pem,
            private_key_pem: Sensitive::new(private_key_pem.to_string()),
            private_key_pkcs1_pem: Sensitive::new(private_key_pkcs1_pem.to_string()),
        })
    }

    /// One certificate per test binary, generated on first use.
    pub fn shared() -> &'static TestCertificate {
        static SHARED: OnceLock<TestCertificate> = OnceLock::new();
        SHARED.get_or_init(|| {
            TestCertificate::generate().expect("generating a test certificate cannot fail")
        })
    }

    /// The certificate, DER-encoded (what [`crate::SimControl::add_certificate_der`] takes).
    pub fn certificate_der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate, `-----BEGIN CERTIFICATE-----`.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The private key as PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----`.
    pub fn private_key_pem(&self) -> &Sensitive<String> {
        &self.private_key_pem
    }

    /// The private key as PKCS#1 PEM, `-----BEGIN RSA PRIVATE KEY-----`.
    pub fn private_key_pkcs1_pem(&self) -> &Sensitive<String> {
        &self.private_key_pkcs1_pem
    }

    /// Certificate and PKCS#8 key in one PEM file, as many tools export them.
    pub fn combined_pem(&self) -> Sensitive<String> {
        Sensitive::new(format!(
            "{}{}",
            self.certificate_pem,
            self.private_key_pem.expose()
        ))
    }

    /// base64url SHA-1 thumbprint (`x5t`).
    pub fn x5t(&self) -> String {
        encode_segment(&Sha1::digest(&self.der))
    }

    /// base64url SHA-256 thumbprint (`x5t#S256`).
    pub fn x5t_s256(&self) -> String {
        encode_segment(&Sha256::digest(&self.der))
    }

    /// A signed client assertion with these claims.
    pub fn client_assertion(
        &self,
        claims: &AssertionClaims,
        algorithm: AssertionAlgorithm,
    ) -> String {
        let header = match algorithm {
            AssertionAlgorithm::Ps256 => {
                json!({"alg": "PS256", "typ": "JWT", "x5t#S256": self.x5t_s256()})
            }
            AssertionAlgorithm::Rs256 => json!({"alg": "RS256", "typ": "JWT", "x5t": self.x5t()}),
        };
        let mut payload = json!({
            "aud": claims.audience,
            "iss": claims.issuer.as_deref().unwrap_or(&claims.client_id),
            "sub": claims.subject.as_deref().unwrap_or(&claims.client_id),
            "nbf": claims.not_before.timestamp(),
            "iat": claims.not_before.timestamp(),
            "exp": claims.expires.timestamp(),
        });
        if let Some(jti) = &claims.jti {
            payload["jti"] = json!(jti);
        }
        let input = signing_input(&header, &payload);
        let signature = match algorithm {
            AssertionAlgorithm::Ps256 => rsa::pss::SigningKey::<Sha256>::new(self.key.clone())
                .sign(input.as_bytes())
                .to_vec(),
            AssertionAlgorithm::Rs256 => rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone())
                .sign(input.as_bytes())
                .to_vec(),
        };
        format!("{input}.{}", encode_segment(&signature))
    }
}

/// The signature scheme and thumbprint header of an assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertionAlgorithm {
    /// RSASSA-PSS with SHA-256, named by `x5t#S256` (what Entra's docs say now).
    Ps256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, named by `x5t` (what they said before).
    Rs256,
}

/// The claims of a client assertion; the optional fields exist to build bad ones.
#[derive(Clone, Debug)]
pub struct AssertionClaims {
    pub client_id: String,
    /// The token endpoint URL.
    pub audience: String,
    pub not_before: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub jti: Option<String>,
    /// Overrides `iss` (defaults to the client id).
    pub issuer: Option<String>,
    /// Overrides `sub` (defaults to the client id).
    pub subject: Option<String>,
}

impl AssertionClaims {
    /// A valid assertion's claims: ten minutes from `now`, with a fresh `jti`.
    pub fn new(
        client_id: impl Into<String>,
        audience: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            audience: audience.into(),
            not_before: now,
            expires: now + Duration::minutes(10),
            jti: Some(Uuid::new_v4().to_string()),
            issuer: None,
            subject: None,
        }
    }
}
