//! Certificate credentials: the file a user hands in is checked when it is set, and turned into
//! what the keyring keeps.
//!
//! In: a PEM file with a `CERTIFICATE` block and its private key (`PRIVATE KEY`, `RSA PRIVATE
//! KEY`, or `ENCRYPTED PRIVATE KEY` with its password), or a PFX / PKCS#12 file with its password.
//! Out: the certificate that belongs to the key, as DER, and the RSA key as unencrypted PKCS#8 DER,
//! each for its own keyring entry, plus the facts the UI shows (subject, thumbprints, validity).
//!
//! Why convert instead of keeping the PFX and its password: Windows Credential Manager holds at
//! most 2560 bytes per entry, and a PFX (or a PEM key, as UTF-16) often does not fit, while a
//! 4096-bit key as PKCS#8 DER does; the key is in the keyring either way, so the PFX's password
//! adds no protection there, only a second secret to keep; and checking everything once, here,
//! means a broken file is refused before anything is stored.

mod pem;

use std::io::Read as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use relay_core::Sensitive;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use rsa::traits::PublicKeyParts as _;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use x509_cert::der::{Decode as _, Encode as _};

use crate::error::SecretError;
use crate::key::MAX_VALUE_BYTES;

pub(crate) use pem::encode as pem_encode;

/// What a certificate file must look like; ends the messages about unusable files.
const EXPECTED: &str = "expected a PEM file with a CERTIFICATE and a PRIVATE KEY block, or a \
                        .pfx/.p12 file with its password";

/// Entra needs RSA keys of at least this many bits for certificate credentials.
const MIN_KEY_BITS: usize = 2048;
/// The largest RSA key whose PKCS#8 form fits one Windows credential ([`MAX_VALUE_BYTES`]).
const MAX_KEY_BITS: usize = 4096;

/// A certificate file to be checked and stored.
#[derive(Clone, Debug)]
pub struct CertificateInput {
    /// How the file is named in messages (its path, usually).
    pub file: String,
    /// The file's bytes; secret, since they hold the private key.
    pub bytes: Sensitive<Vec<u8>>,
    /// The PFX's or the encrypted PEM key's password; `None` (or empty) when it has none.
    pub password: Option<Sensitive<String>>,
}

impl CertificateInput {
    /// Larger files are refused unread: a certificate with its key and chain is a few KiB.
    pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

    /// Reads the file at `path` (nothing is written anywhere).
    pub fn read_file(
        path: &Path,
        password: Option<Sensitive<String>>,
    ) -> Result<Self, SecretError> {
        let file = path.display().to_string();
        let fail = |problem| SecretError::Certificate {
            file: file.clone(),
            problem,
        };
        let handle = std::fs::File::open(path).map_err(|err| {
            fail(CertificateError::Unreadable {
                reason: err.to_string(),
            })
        })?;
        let mut bytes = Vec::new();
        handle
            .take(Self::MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|err| {
                fail(CertificateError::Unreadable {
                    reason: err.to_string(),
                })
            })?;
        if bytes.len() as u64 > Self::MAX_FILE_BYTES {
            return Err(fail(CertificateError::TooLarge));
        }
        Ok(Self {
            file,
            bytes: Sensitive::new(bytes),
            password,
        })
    }

    fn password(&self) -> Option<&str> {
        self.password
            .as_ref()
            .map(|password| password.expose().as_str())
            .filter(|password| !password.is_empty())
    }
}

/// What the UI and the CLI may show about a stored certificate. Nothing here is secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// The subject, RFC 4514 style (`CN=Presence Relay`).
    pub subject: String,
    /// Upper-case hex, as the Entra portal lists the certificate ("Thumbprint").
    pub sha1_thumbprint: String,
    /// Upper-case hex SHA-256 of the DER certificate.
    pub sha256_thumbprint: String,
    pub not_before: DateTime<Utc>,
    /// The UI warns as this approaches: Entra refuses the certificate afterwards.
    pub not_after: DateTime<Utc>,
}

impl CertificateInfo {
    /// Reads the facts from a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        let certificate = x509_cert::Certificate::from_der(der).map_err(|err| {
            CertificateError::BadCertificate {
                reason: err.to_string(),
            }
        })?;
        Ok(Self::of(&certificate, der))
    }

    fn of(certificate: &x509_cert::Certificate, der: &[u8]) -> Self {
        let tbs = certificate.tbs_certificate();
        Self {
            subject: tbs.subject().to_string(),
            sha1_thumbprint: hex_upper(&sha1::Sha1::digest(der)),
            sha256_thumbprint: hex_upper(&sha2::Sha256::digest(der)),
            not_before: to_utc(tbs.validity().not_before),
            not_after: to_utc(tbs.validity().not_after),
        }
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now > self.not_after
    }
}

/// Why a certificate file cannot be used. Each message says what is wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    #[error("the file cannot be read ({reason})")]
    Unreadable { reason: String },
    #[error("the file is larger than 1 MiB, far more than a certificate and its key; {EXPECTED}")]
    TooLarge,
    #[error("the file is empty; {EXPECTED}")]
    Empty,
    #[error("this is neither PEM text nor a PFX/PKCS#12 file; {EXPECTED}")]
    UnknownFormat,
    #[error("{problem}; {EXPECTED}")]
    MalformedPem { problem: String },
    #[error(
        "the file holds a certificate but no private key; Presence Relay signs in with the \
         certificate's private key, so {EXPECTED}"
    )]
    NoPrivateKey,
    #[error("the file holds a private key but no CERTIFICATE block; {EXPECTED}")]
    NoCertificate,
    #[error(
        "the file holds {count} private keys; keep only the one that belongs to the certificate"
    )]
    SeveralPrivateKeys { count: usize },
    #[error("the private key is encrypted; give its password")]
    PasswordNeeded,
    #[error("the password does not open the private key (wrong password, or a damaged file)")]
    WrongPassword,
    #[error(
        "the private key uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert it \
         with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out NEW.pem` and give the new \
         file and its password, or export a .pfx/.p12"
    )]
    LegacyEncryptedPem,
    #[error(
        "a password was given, but the file's private key is not encrypted; leave the password out"
    )]
    UnexpectedPassword,
    #[error(
        "the private key is {algorithm}; Entra certificate credentials here need an RSA key of \
         {MIN_KEY_BITS} to {MAX_KEY_BITS} bits"
    )]
    NotRsa { algorithm: String },
    #[error("the RSA key has {bits} bits; use a key of {MIN_KEY_BITS} to {MAX_KEY_BITS} bits")]
    KeySize { bits: usize },
    #[error("the private key cannot be read ({reason})")]
    BadKey { reason: String },
    #[error("the certificate cannot be read as X.509 ({reason})")]
    BadCertificate { reason: String },
    #[error(
        "no certificate in the file belongs to the private key; use the certificate that was \
         created with this key"
    )]
    KeyMismatch,
    #[error("the PFX file cannot be read ({reason}); export it again as .pfx/.p12")]
    BadPfx { reason: String },
    #[error(
        "the PFX file holds no private key; export the certificate together with its private key"
    )]
    PfxWithoutKey,
    #[error(
        "the PFX file holds no certificate; export the certificate together with its private key"
    )]
    PfxWithoutCertificate,
    #[error(
        "the certificate (thumbprint {thumbprint}) expired on {}; create a new one, upload its \
         public part to the app registration and set it here",
        not_after.format("%Y-%m-%d")
    )]
    Expired {
        thumbprint: String,
        not_after: DateTime<Utc>,
    },
    #[error(
        "the certificate is {size} bytes, more than one keyring entry may hold on Windows \
         ({MAX_VALUE_BYTES}); use a certificate with fewer extensions"
    )]
    CertificateTooLarge { size: usize },
}

/// A certificate credential ready for the keyring.
pub(crate) struct CertificateCredential {
    pub certificate_der: Vec<u8>,
    pub private_key_der: Sensitive<Vec<u8>>,
    pub info: CertificateInfo,
}

impl CertificateCredential {
    /// Checks `input` and converts it; `now` decides whether the certificate has expired.
    pub(crate) fn from_input(
        input: &CertificateInput,
        now: DateTime<Utc>,
    ) -> Result<Self, SecretError> {
        Self::parse(input.bytes.expose(), input.password(), now).map_err(|problem| {
            SecretError::Certificate {
                file: input.file.clone(),
                problem,
            }
        })
    }

    fn parse(
        bytes: &[u8],
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self, CertificateError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(CertificateError::Empty);
        }
        let (key, certificates) = if contains(bytes, b"-----BEGIN ") {
            read_pem(&String::from_utf8_lossy(bytes), password)?
        } else if bytes.first() == Some(&0x30) {
            // DER: a PFX, or a lone certificate (.cer) that lacks its key.
            read_pfx(bytes, password)?
        } else {
            return Err(CertificateError::UnknownFormat);
        };
        let credential = assemble(&key, &certificates)?;
        if credential.info.is_expired(now) {
            return Err(CertificateError::Expired {
                thumbprint: credential.info.sha1_thumbprint.clone(),
                not_after: credential.info.not_after,
            });
        }
        Ok(credential)
    }
}

fn read_pem(
    text: &str,
    password: Option<&str>,
) -> Result<(rsa::PrivateKey, Vec<Vec<u8>>), CertificateError> {
    let blocks = pem::blocks(text).map_err(|problem| CertificateError::MalformedPem { problem })?;
    let keys: Vec<&pem::Block> = blocks
        .iter()
        .filter(|block| block.label.ends_with("PRIVATE KEY"))
        .collect();
    let certificates: Vec<Vec<u8>> = blocks
        .iter()
        .filter(|block| block.label == "CERTIFICATE")
        .map(|block| block.der.clone())
        .collect();
    let key_block = match keys.as_slice() {
        [] if certificates.is_empty() => {
            return Err(CertificateError::MalformedPem {
                problem: "the PEM text has no CERTIFICATE or PRIVATE KEY block".to_owned(),
            })
        }
        [] => return Err(CertificateError::NoPrivateKey),
        [one] => *one,
        several => {
            return Err(CertificateError::SeveralPrivateKeys {
                count: several.len(),
            })
        }
    };
    if certificates.is_empty() {
        return Err(CertificateError::NoCertificate);
    }
    let encrypted = key_block.label == "ENCRYPTED PRIVATE KEY";
    if key_block.legacy_encrypted {
        return Err(CertificateError::LegacyEncryptedPem);
    }
    if password.is_some() && !encrypted {
        return Err(CertificateError::UnexpectedPassword);
    }
    let der = key_block.der.as_slice();
    let key = match key_block.label.as_str() {
        "PRIVATE KEY" => rsa_from_pkcs8(der)?,
        "RSA PRIVATE KEY" => {
            rsa::PrivateKey::from_pkcs1_der(der).map_err(|err| CertificateError::BadKey {
                reason: err.to_string(),
            })?
        }
        "ENCRYPTED PRIVATE KEY" => {
            let password = password.ok_or(CertificateError::PasswordNeeded)?;
            let sealed = rsa::pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(|err| {
                CertificateError::BadKey {
                    reason: err.to_string(),
                }
            })?;
            let plain = sealed.decrypt(password).map_err(|err| match err {
                rsa::pkcs8::Error::EncryptedPrivateKey(rsa::pkcs8::pkcs5::Error::DecryptFailed) => {
                    CertificateError::WrongPassword
                }
                // An encryption scheme we do not support, or a damaged structure.
                other => CertificateError::BadKey {
                    reason: other.to_string(),
                },
            })?;
            rsa_from_pkcs8(plain.as_bytes())?
        }
        "EC PRIVATE KEY" => {
            return Err(CertificateError::NotRsa {
                algorithm: "an EC key".to_owned(),
            })
        }
        other => {
            return Err(CertificateError::NotRsa {
                algorithm: format!("a \"{other}\""),
            })
        }
    };
    Ok((key, certificates))
}

fn read_pfx(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<(rsa::PrivateKey, Vec<Vec<u8>>), CertificateError> {
    use p12_keystore::error::Error as P12Error;
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password.unwrap_or("")).map_err(|err| {
            match err {
                // A failed MAC check or a failed decryption both mean the password is not the one.
                P12Error::MacError(_) | P12Error::UnpadError | P12Error::Pkcs5Error(_) => {
                    if password.is_none() {
                        CertificateError::PasswordNeeded
                    } else {
                        CertificateError::WrongPassword
                    }
                }
                P12Error::DerError(_) if x509_cert::Certificate::from_der(bytes).is_ok() => {
                    CertificateError::NoPrivateKey
                }
                other => CertificateError::BadPfx {
                    reason: other.to_string(),
                },
            }
        })?;
    let certificates: Vec<Vec<u8>> = archive
        .certs
        .iter()
        .map(|bag| bag.cert.as_der().to_vec())
        .collect();
    let key_bag = match archive.keys.as_slice() {
        [] => return Err(CertificateError::PfxWithoutKey),
        [one] => one,
        several => {
            return Err(CertificateError::SeveralPrivateKeys {
                count: several.len(),
            })
        }
    };
    if certificates.is_empty() {
        return Err(CertificateError::PfxWithoutCertificate);
    }
    Ok((rsa_from_pkcs8(key_bag.key.as_der())?, certificates))
}

/// An RSA key from PKCS#8 DER; for other algorithms, an error that names the algorithm.
fn rsa_from_pkcs8(der: &[u8]) -> Result<rsa::PrivateKey, CertificateError> {
    rsa::PrivateKey::from_pkcs8_der(der).map_err(
        |err| match rsa::pkcs8::PrivateKeyInfoRef::from_der(der) {
            Ok(info) if info.algorithm.oid != RSA_ENCRYPTION => CertificateError::NotRsa {
                algorithm: algorithm_name(&info.algorithm.oid.to_string()),
            },
            _ => CertificateError::BadKey {
                reason: err.to_string(),
            },
        },
    )
}

const RSA_ENCRYPTION: rsa::pkcs8::ObjectIdentifier =
    rsa::pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.2.1" => "an EC key".to_owned(),
        "1.3.101.112" => "an Ed25519 key".to_owned(),
        "1.3.101.113" => "an Ed448 key".to_owned(),
        "1.2.840.113549.1.1.10" => "an RSA-PSS-only key".to_owned(),
        other => format!("a key of algorithm {other}"),
    }
}

/// Picks the certificate that belongs to `key` (a chain may come along with it) and checks sizes.
fn assemble(
    key: &rsa::PrivateKey,
    certificates: &[Vec<u8>],
) -> Result<CertificateCredential, CertificateError> {
    let bits = key.size() * 8;
    if !(MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
        return Err(CertificateError::KeySize { bits });
    }
    let public_der =
        key.to_public_key()
            .to_public_key_der()
            .map_err(|err| CertificateError::BadKey {
                reason: err.to_string(),
            })?;
    // A chain may come along with the certificate; unreadable extras do not matter as long as
    // one certificate belongs to the key.
    let mut mismatched = false;
    let mut unreadable = None;
    for der in certificates {
        let certificate = match x509_cert::Certificate::from_der(der) {
            Ok(certificate) => certificate,
            Err(err) => {
                unreadable.get_or_insert_with(|| err.to_string());
                continue;
            }
        };
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|err| CertificateError::BadCertificate {
                reason: err.to_string(),
            })?;
        if spki.as_slice() != public_der.as_bytes() {
            mismatched = true;
            continue;
        }
        if der.len() > MAX_VALUE_BYTES {
            return Err(CertificateError::CertificateTooLarge { size: der.len() });
        }
        let private_key_der = key
            .to_pkcs8_der()
            .map_err(|err| CertificateError::BadKey {
                reason: err.to_string(),
            })?
            .as_bytes()
            .to_vec();
        return Ok(CertificateCredential {
            certificate_der: der.clone(),
            private_key_der: Sensitive::new(private_key_der),
            info: CertificateInfo::of(&certificate, der),
        });
    }
    Err(match (mismatched, unreadable) {
        (true, _) => CertificateError::KeyMismatch,
        (false, Some(reason)) => CertificateError::BadCertificate { reason },
        (false, None) => CertificateError::NoCertificate,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

fn to_utc(time: x509_cert::time::Time) -> DateTime<Utc> {
    let since_epoch = time.to_unix_duration();
    i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests;
