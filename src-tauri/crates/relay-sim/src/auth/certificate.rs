//! Certificates registered on an app: the public key that verifies client assertions, and the
//! thumbprints assertions name it by.

use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::PublicKey;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

use super::jwt::encode_segment;
use crate::snapshot::CertificateRegistration;

/// Entra refuses RSA keys shorter than this.
const MIN_RSA_BITS: usize = 2048;

#[derive(Clone, Debug)]
pub(crate) struct RegisteredCertificate {
    pub(crate) sha1: [u8; 20],
    pub(crate) sha256: [u8; 32],
    pub(crate) key: PublicKey,
}

impl RegisteredCertificate {
    /// Reads a DER X.509 certificate with an RSA key of at least 2048 bits.
    pub(crate) fn from_der(der: &[u8]) -> Result<Self, String> {
        let certificate = Certificate::from_der(der)
            .map_err(|err| format!("not a DER-encoded X.509 certificate ({err})"))?;
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|err| format!("its public key cannot be re-encoded ({err})"))?;
        let key = PublicKey::from_public_key_der(&spki)
            .map_err(|err| format!("its public key is not an RSA key ({err})"))?;
        let bits = key.size() * 8;
        if bits < MIN_RSA_BITS {
            return Err(format!(
                "its RSA key has {bits} bits; Entra requires at least {MIN_RSA_BITS}"
            ));
        }
        Ok(Self {
            sha1: Sha1::digest(der).into(),
            sha256: Sha256::digest(der).into(),
            key,
        })
    }

    /// Reads a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    pub(crate) fn from_pem(pem: &str) -> Result<Self, String> {
        use x509_cert::der::DecodePem;
        let certificate = Certificate::from_pem(pem.trim().as_bytes())
            .map_err(|err| format!("not a PEM X.509 certificate ({err})"))?;
        let der = certificate
            .to_der()
            .map_err(|err| format!("the certificate cannot be re-encoded ({err})"))?;
        Self::from_der(&der)
    }

    pub(crate) fn registration(&self) -> CertificateRegistration {
        CertificateRegistration {
            thumbprint: self.sha1.iter().map(|b| format!("{b:02X}")).collect(),
            x5t: encode_segment(&self.sha1),
            x5t_s256: encode_segment(&self.sha256),
        }
    }
}
