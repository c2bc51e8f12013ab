//! How the app proves who it is to Entra: a client secret, or a certificate (PEM, or a PFX /
//! PKCS#12 file with a password) whose private key signs a short-lived JWT client assertion.
//!
//! Certificates are loaded and checked once, when the client is built: the key must be RSA of at
//! least 2048 bits, must belong to the certificate, and the certificate must be within its
//! validity period. Each failure names the fix, before anything is sent to Entra.

mod assertion;
mod pem;

use chrono::{DateTime, Utc};
use p12_keystore::Pkcs12Archive;
use relay_core::Sensitive;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::traits::PublicKeyParts as _;
use sha1::Digest as _;
use x509_cert::der::{Decode as _, Encode as _};

pub use assertion::AssertionAlgorithm;
pub(crate) use assertion::{client_assertion, AssertionClaims};

/// The app credential, as it comes out of the keyring. Every secret part is [`Sensitive`].
#[derive(Clone, Debug)]
pub enum Credential {
    /// A client secret's *value* (not its ID).
    ClientSecret(Sensitive<String>),
    /// A certificate and its private key, both PEM. The key may be PKCS#8 (`PRIVATE KEY`) or
    /// PKCS#1 (`RSA PRIVATE KEY`), unencrypted; either text may hold both blocks.
    CertificatePem {
        certificate_pem: String,
        private_key_pem: Sensitive<String>,
    },
    /// A PFX / PKCS#12 file holding the certificate and its private key, and its password
    /// (empty if it has none). Modern (AES-256, PBKDF2) and legacy (3DES, RC2) files both work.
    Pkcs12 {
        pfx: Sensitive<Vec<u8>>,
        password: Sensitive<String>,
    },
}

/// A credential ready to use.
#[derive(Debug)]
pub(crate) enum LoadedCredential {
    Secret(Sensitive<String>),
    Certificate(Box<CertificateKey>),
}

impl LoadedCredential {
    /// Loads and checks `credential`; `now` is used for the certificate's validity period.
    pub(crate) fn load(credential: &Credential, now: DateTime<Utc>) -> Result<Self, String> {
        let key = match credential {
            Credential::ClientSecret(secret) => {
                if secret.expose().trim().is_empty() {
                    return Err(
                        "the client secret is empty; paste the secret's Value from the app \
                                registration's Certificates & secrets page"
                            .to_owned(),
                    );
                }
                return Ok(LoadedCredential::Secret(secret.clone()));
            }
            Credential::CertificatePem {
                certificate_pem,
                private_key_pem,
            } => CertificateKey::from_pem(certificate_pem, private_key_pem.expose())?,
            Credential::Pkcs12 { pfx, password } => {
                CertificateKey::from_pkcs12(pfx.expose(), password.expose())?
            }
        };
        key.check_validity(now)?;
        Ok(LoadedCredential::Certificate(Box::new(key)))
    }
}

/// An RSA private key with its certificate and the certificate's thumbprints.
pub(crate) struct CertificateKey {
    key: Sensitive<rsa::PrivateKey>,
    sha1_thumbprint: [u8; 20],
    sha256_thumbprint: [u8; 32],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl std::fmt::Debug for CertificateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateKey")
            .field("key", &self.key)
            .field("thumbprint", &self.thumbprint_hex())
            .field("not_after", &self.not_after)
            .finish()
    }
}

/// Entra needs RSA keys of at least this many bits for certificate credentials.
const MIN_KEY_BITS: usize = 2048;

impl CertificateKey {
    pub(crate) fn from_pem(certificate_pem: &str, private_key_pem: &str) -> Result<Self, String> {
        let key_blocks = pem::blocks(private_key_pem)?;
        let key = key_blocks
            .iter()
            .find_map(|block| match block.label.as_str() {
                "PRIVATE KEY" => Some(rsa::PrivateKey::from_pkcs8_der(&block.der).map_err(|e| {
                    format!("the PKCS#8 private key is not an RSA key this client can read ({e})")
                })),
                "RSA PRIVATE KEY" => Some(
                    rsa::PrivateKey::from_pkcs1_der(&block.der)
                        .map_err(|e| format!("the PKCS#1 RSA private key cannot be read ({e})")),
                ),
                "ENCRYPTED PRIVATE KEY" => Some(Err(
                    "the private key is encrypted; store it unencrypted in the keyring, or use a \
                     PFX file with its password"
                        .to_owned(),
                )),
                "EC PRIVATE KEY" => Some(Err(
                    "the private key is an EC key; Entra certificate credentials here need an \
                     RSA key of at least 2048 bits"
                        .to_owned(),
                )),
                _ => None,
            })
            .ok_or(
                "no private key found: expected a PEM block \"BEGIN PRIVATE KEY\" or \"BEGIN RSA \
                 PRIVATE KEY\"",
            )??;
        let certificates: Vec<Vec<u8>> = pem::blocks(certificate_pem)?
            .into_iter()
            .filter(|block| block.label == "CERTIFICATE")
            .map(|block| block.der)
            .collect();
        if certificates.is_empty() {
            return Err(
                "no certificate found: expected a PEM block \"BEGIN CERTIFICATE\"".to_owned(),
            );
        }
        Self::from_parts(key, &certificates)
    }

    pub(crate) fn from_pkcs12(pfx: &[u8], password: &str) -> Result<Self, String> {
        let archive = Pkcs12Archive::from_pkcs12(pfx, password).map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => {
                "the PFX password is wrong (or the file is damaged)".to_owned()
            }
            other => format!("the PFX file cannot be read ({other}); export it again as PFX"),
        })?;
        let key_bag = archive
            .keys
            .first()
            .ok_or("the PFX file holds no private key; export the certificate *with* its key")?;
        let key = rsa::PrivateKey::from_pkcs8_der(key_bag.key.as_der())
            .map_err(|e| format!("the PFX's private key is not an RSA key ({e})"))?;
        let certificates: Vec<Vec<u8>> = archive
            .certs
            .iter()
            .map(|bag| bag.cert.as_der().to_vec())
            .collect();
        Self::from_parts(key, &certificates)
    }

    /// Picks the certificate that belongs to `key` (a chain may come along with the leaf).
    fn from_parts(key: rsa::PrivateKey, certificates: &[Vec<u8>]) -> Result<Self, String> {
        let bits = key.size() * 8;
        if bits < MIN_KEY_BITS {
            return Err(format!(
                "the RSA key has {bits} bits; Entra needs at least {MIN_KEY_BITS}"
            ));
        }
        let public_der = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| format!("the RSA public key cannot be encoded ({e})"))?;
        let mut parsed_any = false;
        for der in certificates {
            let Ok(certificate) = x509_cert::Certificate::from_der(der) else {
                continue;
            };
            parsed_any = true;
            let tbs = certificate.tbs_certificate();
            let spki = tbs
                .subject_public_key_info()
                .to_der()
                .map_err(|e| format!("the certificate's public key cannot be encoded ({e})"))?;
            if spki.as_slice() != public_der.as_bytes() {
                continue;
            }
            let validity = tbs.validity();
            return Ok(Self {
                key: Sensitive::new(key),
                sha1_thumbprint: sha1::Sha1::digest(der).into(),
                sha256_thumbprint: sha2::Sha256::digest(der).into(),
                not_before: to_utc(validity.not_before),
                not_after: to_utc(validity.not_after),
            });
        }
        Err(if parsed_any {
            "the certificate does not belong to the private key; use the certificate that was \
             created with this key"
                .to_owned()
        } else {
            "the certificate cannot be read as X.509".to_owned()
        })
    }

    fn check_validity(&self, now: DateTime<Utc>) -> Result<(), String> {
        if now > self.not_after {
            return Err(format!(
                "the certificate (thumbprint {}) expired on {}; create a new one, upload its \
                 public part to the app registration and store it here",
                self.thumbprint_hex(),
                self.not_after.format("%Y-%m-%d")
            ));
        }
        if now < self.not_before {
            return Err(format!(
                "the certificate (thumbprint {}) is not valid before {}; check this machine's \
                 clock",
                self.thumbprint_hex(),
                self.not_before.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Ok(())
    }

    /// The SHA-1 thumbprint in upper-case hex, as the Entra portal shows it.
    pub(crate) fn thumbprint_hex(&self) -> String {
        self.sha1_thumbprint
            .iter()
            .map(|byte| format!("{byte:02X}"))
            .collect()
    }

    pub(crate) fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }
}

fn to_utc(time: x509_cert::time::Time) -> DateTime<Utc> {
    let since_epoch = time.to_unix_duration();
    DateTime::<Utc>::from_timestamp(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX), 0)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests;
