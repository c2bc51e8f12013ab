//! Certificate files as OpenSSL writes them (see `tests/fixtures/make-fixtures.sh`).

use chrono::TimeZone as _;
use rsa::pkcs8::DecodePrivateKey as _;

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
        .as_slice()
    };
}

const PASSWORD: &str = "fixture-password";
const CERT_SHA1: &str = "E12B03E817C74F53F4CD994902BE20C34E33E8FB";
const CERT_SHA256: &str = "F85A24410ADCA4F9300DD65566A5464208B7FDB5DD64903FDFEC8618EF631A10";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid date")
}

fn parse(bytes: &[u8], password: Option<&str>) -> Result<CertificateCredential, CertificateError> {
    CertificateCredential::parse(bytes, password, now())
}

fn joined(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&b"\n"[..])
}

/// The stored key is the fixture key as PKCS#8, whatever form it came in.
fn assert_is_fixture_pair(credential: &CertificateCredential) {
    let expected = rsa::PrivateKey::from_pkcs8_der(
        &pem::blocks(std::str::from_utf8(fixture!("key.pem")).expect("ascii")).expect("pem")[0].der,
    )
    .expect("fixture key");
    let stored =
        rsa::PrivateKey::from_pkcs8_der(credential.private_key_der.expose()).expect("PKCS#8");
    assert!(stored == expected, "the stored key is not the fixture key");
    assert_eq!(credential.certificate_der, fixture!("cert.der"));
    assert_eq!(credential.info.sha1_thumbprint, CERT_SHA1);
    assert_eq!(credential.info.sha256_thumbprint, CERT_SHA256);
    assert_eq!(credential.info.subject, "CN=Presence Relay fixture");
    assert_eq!(
        credential.info.not_after,
        Utc.with_ymd_and_hms(2045, 1, 1, 0, 0, 0)
            .single()
            .expect("date")
    );
    assert_eq!(
        credential.info.not_before,
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
            .single()
            .expect("date")
    );
}

#[test]
fn accepts_every_form_real_tools_write() {
    let cases: [(&str, Vec<u8>, Option<&str>); 8] = [
        (
            "PEM, key then certificate",
            joined(&[fixture!("key.pem"), fixture!("cert.pem")]),
            None,
        ),
        (
            "PEM, certificate then PKCS#1 key, with a chain",
            joined(&[
                fixture!("other-cert.pem"),
                fixture!("cert.pem"),
                fixture!("key-pkcs1.pem"),
            ]),
            None,
        ),
        (
            "PEM with an encrypted PKCS#8 key",
            joined(&[fixture!("cert.pem"), fixture!("key-encrypted.pem")]),
            Some(PASSWORD),
        ),
        (
            "PEM with Windows line endings and bag attributes",
            format!(
                "Bag Attributes\r\n    friendlyName: relay\r\n{}{}",
                String::from_utf8_lossy(fixture!("cert.pem")),
                String::from_utf8_lossy(fixture!("key.pem"))
            )
            .replace('\n', "\r\n")
            .into_bytes(),
            None,
        ),
        (
            "modern PFX",
            fixture!("modern.pfx").to_vec(),
            Some(PASSWORD),
        ),
        (
            "legacy PFX (RC2/3DES)",
            fixture!("legacy.pfx").to_vec(),
            Some(PASSWORD),
        ),
        (
            "PFX without a password",
            fixture!("no-password.pfx").to_vec(),
            None,
        ),
        (
            "PFX without a password, empty given",
            fixture!("no-password.pfx").to_vec(),
            Some(""),
        ),
    ];
    for (name, bytes, password) in cases {
        // Empty passwords count as none (CertificateInput::password filters them).
        let password = password.filter(|p| !p.is_empty());
        let credential = parse(&bytes, password).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_is_fixture_pair(&credential);
    }
}

#[test]
fn a_4096_bit_key_and_its_certificate_fit_one_windows_credential_each() {
    let credential = parse(fixture!("big.pfx"), Some(PASSWORD)).expect("RSA 4096 with a chain");
    assert!(credential.private_key_der.expose().len() <= MAX_VALUE_BYTES);
    assert!(credential.certificate_der.len() <= MAX_VALUE_BYTES);
    // The leaf is picked out of the chain: the one that belongs to the key.
    let big_cert = &pem::blocks(std::str::from_utf8(fixture!("big-cert.pem")).expect("ascii"))
        .expect("pem")[0]
        .der;
    assert_eq!(&credential.certificate_der, big_cert);
    // The PFX itself would not have fitted: that is why the key is converted.
    assert!(fixture!("big.pfx").len() > MAX_VALUE_BYTES);
}

#[test]
fn refuses_garbage_with_what_is_wrong_and_what_is_expected() {
    let key_and = |cert: &[u8]| joined(&[fixture!("key.pem"), cert]);
    let cases: Vec<(&str, Vec<u8>, Option<&str>, CertificateError)> = vec![
        ("empty", b"\n  \n".to_vec(), None, CertificateError::Empty),
        (
            "random bytes",
            b"hello, not a certificate".to_vec(),
            None,
            CertificateError::UnknownFormat,
        ),
        (
            "certificate only (PEM)",
            fixture!("cert.pem").to_vec(),
            None,
            CertificateError::NoPrivateKey,
        ),
        (
            "certificate only (DER .cer)",
            fixture!("cert.der").to_vec(),
            None,
            CertificateError::NoPrivateKey,
        ),
        (
            "key only",
            fixture!("key.pem").to_vec(),
            None,
            CertificateError::NoCertificate,
        ),
        (
            "two keys",
            joined(&[
                fixture!("key.pem"),
                fixture!("other-key.pem"),
                fixture!("cert.pem"),
            ]),
            None,
            CertificateError::SeveralPrivateKeys { count: 2 },
        ),
        (
            "mismatched pair",
            key_and(fixture!("other-cert.pem")),
            None,
            CertificateError::KeyMismatch,
        ),
        (
            "small key",
            joined(&[fixture!("small-key.pem"), fixture!("small-cert.pem")]),
            None,
            CertificateError::KeySize { bits: 1024 },
        ),
        (
            "EC key",
            joined(&[fixture!("ec-key.pem"), fixture!("ec-cert.pem")]),
            None,
            CertificateError::NotRsa {
                algorithm: "an EC key".to_owned(),
            },
        ),
        (
            "encrypted key without password",
            joined(&[fixture!("cert.pem"), fixture!("key-encrypted.pem")]),
            None,
            CertificateError::PasswordNeeded,
        ),
        (
            "encrypted key, wrong password",
            joined(&[fixture!("cert.pem"), fixture!("key-encrypted.pem")]),
            Some("not-it"),
            CertificateError::WrongPassword,
        ),
        (
            "legacy encrypted PEM",
            joined(&[fixture!("cert.pem"), fixture!("key-legacy-encrypted.pem")]),
            Some(PASSWORD),
            CertificateError::LegacyEncryptedPem,
        ),
        (
            "password for a plain PEM",
            key_and(fixture!("cert.pem")),
            Some(PASSWORD),
            CertificateError::UnexpectedPassword,
        ),
        (
            "PFX, no password",
            fixture!("modern.pfx").to_vec(),
            None,
            CertificateError::PasswordNeeded,
        ),
        (
            "PFX, wrong password",
            fixture!("legacy.pfx").to_vec(),
            Some("not-it"),
            CertificateError::WrongPassword,
        ),
        (
            "PFX without key",
            fixture!("cert-only.pfx").to_vec(),
            Some(PASSWORD),
            CertificateError::PfxWithoutKey,
        ),
        (
            "truncated PFX",
            fixture!("modern.pfx")[..400].to_vec(),
            Some(PASSWORD),
            CertificateError::BadPfx {
                reason: String::new(),
            },
        ),
        (
            "broken PEM",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n".to_vec(),
            None,
            CertificateError::MalformedPem {
                problem: String::new(),
            },
        ),
    ];
    for (name, bytes, password, expected) in cases {
        let error = match parse(&bytes, password) {
            Ok(_) => panic!("{name}: accepted"),
            Err(error) => error,
        };
        // Compare variants; reasons coming from parsers are checked for being present only.
        assert_eq!(
            std::mem::discriminant(&error),
            std::mem::discriminant(&expected),
            "{name}: {error:?}"
        );
        if !matches!(
            expected,
            CertificateError::BadPfx { .. } | CertificateError::MalformedPem { .. }
        ) {
            assert_eq!(error, expected, "{name}");
        }
        let message = error.to_string();
        assert!(message.len() > 30, "{name}: message too thin: {message}");
        assert!(!message.contains(PASSWORD), "{name}: {message}");
    }
}

#[test]
fn format_errors_spell_out_the_expected_input() {
    for error in [
        CertificateError::UnknownFormat,
        CertificateError::NoPrivateKey,
        CertificateError::NoCertificate,
        CertificateError::Empty,
    ] {
        assert!(
            error.to_string().contains(
                "expected a PEM file with a CERTIFICATE and a PRIVATE KEY block, or a .pfx/.p12 \
                 file with its password"
            ),
            "{error}"
        );
    }
}

#[test]
fn expired_certificates_are_refused_with_their_date_and_thumbprint() {
    let bytes = joined(&[fixture!("key.pem"), fixture!("expired-cert.pem")]);
    let error = parse(&bytes, None).err().expect("refused");
    assert_eq!(
        error.to_string(),
        "the certificate (thumbprint 4E3FF130CF92327B371E4FAE4742EC09CB1F1CA9) expired on \
         2021-01-01; create a new one, upload its public part to the app registration and set it \
         here"
    );
    // The same certificate is accepted while it is valid.
    let before = Utc
        .with_ymd_and_hms(2020, 6, 1, 0, 0, 0)
        .single()
        .expect("date");
    assert!(CertificateCredential::parse(&bytes, None, before).is_ok());
}

#[test]
fn errors_name_the_file() {
    let input = CertificateInput {
        file: "/etc/relay/app.pem".to_owned(),
        bytes: Sensitive::new(fixture!("cert.pem").to_vec()),
        password: None,
    };
    let error = CertificateCredential::from_input(&input, now())
        .err()
        .expect("refused");
    assert_eq!(error.code(), "invalid_certificate");
    assert!(
        error.to_string().starts_with(
            "certificate /etc/relay/app.pem: the file holds a certificate but no private key"
        ),
        "{error}"
    );
}

#[test]
fn read_file_refuses_missing_and_oversized_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pfx");
    let error = CertificateInput::read_file(&missing, None).expect_err("missing");
    assert!(
        matches!(&error, SecretError::Certificate { problem: CertificateError::Unreadable { .. }, file } if file.ends_with("missing.pfx")),
        "{error:?}"
    );

    let huge = dir.path().join("huge.pem");
    std::fs::write(&huge, vec![b'A'; 1024 * 1024 + 1]).expect("write");
    let error = CertificateInput::read_file(&huge, None).expect_err("too large");
    assert!(
        matches!(
            &error,
            SecretError::Certificate {
                problem: CertificateError::TooLarge,
                ..
            }
        ),
        "{error:?}"
    );

    let good = dir.path().join("good.pfx");
    std::fs::write(&good, fixture!("modern.pfx")).expect("write");
    let input = CertificateInput::read_file(&good, Some(Sensitive::new(PASSWORD.to_owned())))
        .expect("reads");
    assert_eq!(input.bytes.expose().as_slice(), fixture!("modern.pfx"));
    assert_is_fixture_pair(&CertificateCredential::from_input(&input, now()).expect("valid"));
}

#[test]
fn certificate_info_reads_a_stored_certificate() {
    let info = CertificateInfo::from_der(fixture!("cert.der")).expect("reads");
    assert_eq!(info.sha1_thumbprint, CERT_SHA1);
    assert!(!info.is_expired(now()));
    assert!(matches!(
        CertificateInfo::from_der(b"\x30\x03\x02\x01\x00"),
        Err(CertificateError::BadCertificate { .. })
    ));
}
