use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::TimeZone;
use rsa::pkcs8::DecodePublicKey as _;
use x509_cert::der::{Decode as _, Encode as _};

use super::*;

const CERT: &str = include_str!("../../tests/fixtures/test-cert.pem");
const KEY: &str = include_str!("../../tests/fixtures/test-key.pem");
const KEY_PKCS1: &str = include_str!("../../tests/fixtures/test-key-pkcs1.pem");
const EXPIRED_CERT: &str = include_str!("../../tests/fixtures/expired-cert.pem");
const OTHER_CERT: &str = include_str!("../../tests/fixtures/other-cert.pem");
const SMALL_KEY: &str = include_str!("../../tests/fixtures/small-key.pem");
const SMALL_CERT: &str = include_str!("../../tests/fixtures/small-cert.pem");
const MODERN_PFX: &[u8] = include_bytes!("../../tests/fixtures/test-modern.pfx");
const LEGACY_PFX: &[u8] = include_bytes!("../../tests/fixtures/test-legacy.pfx");
const PFX_PASSWORD: &str = "fixture-pfx-password";
/// `openssl x509 -noout -fingerprint` of test-cert.pem.
const THUMBPRINT: &str = "BE7946D5D2A260192018EB3D7CAC7AA42AB408B1";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
        .single()
        .expect("valid")
}

fn pem(certificate: &str, key: &str) -> Credential {
    Credential::CertificatePem {
        certificate_pem: certificate.to_owned(),
        private_key_pem: Sensitive::new(key.to_owned()),
    }
}

fn pfx(bytes: &[u8], password: &str) -> Credential {
    Credential::Pkcs12 {
        pfx: Sensitive::new(bytes.to_vec()),
        password: Sensitive::new(password.to_owned()),
    }
}

fn load_certificate(credential: &Credential) -> Result<CertificateKey, String> {
    match LoadedCredential::load(credential, now())? {
        LoadedCredential::Certificate(key) => Ok(*key),
        LoadedCredential::Secret(_) => Err("expected a certificate".to_owned()),
    }
}

#[test]
fn pem_keys_load_as_pkcs8_pkcs1_or_pasted_together() {
    let combined = format!("{KEY}\n{CERT}");
    for credential in [
        pem(CERT, KEY),
        pem(CERT, KEY_PKCS1),
        pem(&combined, &combined),
    ] {
        let key = load_certificate(&credential).expect("loads");
        assert_eq!(key.thumbprint_hex(), THUMBPRINT);
    }
}

#[test]
fn modern_and_legacy_pfx_files_load() {
    for bytes in [MODERN_PFX, LEGACY_PFX] {
        let key = load_certificate(&pfx(bytes, PFX_PASSWORD)).expect("loads");
        assert_eq!(key.thumbprint_hex(), THUMBPRINT);
        assert_eq!(
            key.not_after(),
            Utc.with_ymd_and_hms(2045, 1, 1, 0, 0, 0)
                .single()
                .expect("valid")
        );
    }
}

#[test]
fn a_wrong_pfx_password_says_so() {
    for bytes in [MODERN_PFX, LEGACY_PFX] {
        let err = load_certificate(&pfx(bytes, "wrong")).expect_err("wrong password");
        assert_eq!(err, "the PFX password is wrong (or the file is damaged)");
    }
    let err = load_certificate(&pfx(b"not a pfx", PFX_PASSWORD)).expect_err("garbage");
    assert!(err.starts_with("the PFX file cannot be read"), "{err}");
}

#[test]
fn unusable_certificates_are_refused_with_the_fix() {
    let cases = [
        (
            pem(OTHER_CERT, KEY),
            "the certificate does not belong to the private key",
        ),
        (pem(EXPIRED_CERT, KEY), "expired on 2021-01-01"),
        (pem(SMALL_CERT, SMALL_KEY), "the RSA key has 1024 bits"),
        (pem(CERT, "nothing"), "no private key found"),
        (pem("nothing", KEY), "no certificate found"),
        (
            pem(
                CERT,
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----",
            ),
            "the private key is encrypted",
        ),
    ];
    for (credential, expected) in cases {
        let err = load_certificate(&credential).expect_err(expected);
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn an_empty_secret_is_refused() {
    let err = LoadedCredential::load(
        &Credential::ClientSecret(Sensitive::new("  ".into())),
        now(),
    )
    .expect_err("empty");
    assert!(err.contains("the client secret is empty"), "{err}");
}

#[test]
fn debug_output_never_shows_key_material() {
    let key = load_certificate(&pem(CERT, KEY)).expect("loads");
    let shown = format!("{key:?} {:?}", pem(CERT, KEY));
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    assert!(shown.contains(THUMBPRINT), "{shown}");
}

fn decode_json(part: &str) -> serde_json::Value {
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

fn certificate_public_key() -> rsa::PublicKey {
    let block = pem::blocks(CERT)
        .expect("pem")
        .into_iter()
        .next()
        .expect("one block");
    let certificate = x509_cert::Certificate::from_der(&block.der).expect("x509");
    let spki = certificate
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .expect("der");
    rsa::PublicKey::from_public_key_der(&spki).expect("rsa public key")
}

#[test]
fn assertions_carry_the_documented_header_and_claims_and_verify() {
    let key = load_certificate(&pem(CERT, KEY)).expect("loads");
    let claims = AssertionClaims {
        audience: "https://login.microsoftonline.com/t1/oauth2/v2.0/token",
        client_id: "c1",
        jti: "5f0c2a4e-0000-4000-8000-000000000001".into(),
        now: now(),
        lifetime: chrono::Duration::minutes(5),
    };
    let public_key = certificate_public_key();
    for algorithm in [AssertionAlgorithm::Ps256, AssertionAlgorithm::Rs256] {
        let jwt = client_assertion(&key, algorithm, &claims).expect("signs");
        let parts: Vec<&str> = jwt.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = decode_json(parts[0]);
        let payload = decode_json(parts[1]);
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("base64url");
        let signed = format!("{}.{}", parts[0], parts[1]);
        match algorithm {
            AssertionAlgorithm::Ps256 => {
                assert_eq!(header["alg"], "PS256");
                assert_eq!(
                    header["x5t#S256"],
                    "SChNrB9LGC76SRnP73knWe8YeemTVVH6G_TwJQlGtck"
                );
                assert!(header.get("x5t").is_none());
                public_key
                    .pss_verify::<rsa::sha2::Sha256>(signed.as_bytes(), &signature)
                    .expect("PS256 signature verifies");
            }
            AssertionAlgorithm::Rs256 => {
                assert_eq!(header["alg"], "RS256");
                assert_eq!(header["x5t"], "vnlG1dKiYBkgGOs9fKx6pCq0CLE");
                public_key
                    .pkcs1v15_verify::<rsa::sha2::Sha256>(signed.as_bytes(), &signature)
                    .expect("RS256 signature verifies");
            }
        }
        assert_eq!(header["typ"], "JWT");
        let issued = now().timestamp();
        assert_eq!(
            payload,
            serde_json::json!({
                "aud": "https://login.microsoftonline.com/t1/oauth2/v2.0/token",
                "iss": "c1",
                "sub": "c1",
                "jti": "5f0c2a4e-0000-4000-8000-000000000001",
                "nbf": issued,
                "iat": issued,
                "exp": issued + 300,
            })
        );
    }
}
