//! The credentials the scenarios store, and the bytes that must never show up in a file or in
//! output.

use chrono::{DateTime, TimeZone as _, Utc};
use relay_core::config::{Cloud, Connection, CredentialKind};
use relay_core::Sensitive;
use relay_secrets::{
    load_credential, set_credentials, CertificateInput, MemoryStore, NewCredential, SetRequest,
    StoredCredential,
};

/// Shaped like an Entra secret Value and unlike anything else in the files scanned.
pub const SECRET: &str = "Q7r8Q~keyring.fixture_secret-value-0123456789aBcD";
pub const PFX_PASSWORD: &str = "fixture-password";
pub const PFX: &[u8] = include_bytes!("../fixtures/modern.pfx");
pub const CERT_SHA1: &str = "E12B03E817C74F53F4CD994902BE20C34E33E8FB";

pub const SECRET_TENANT: &str = "contoso.onmicrosoft.com";
pub const CERTIFICATE_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid date")
}

pub fn secret_request() -> SetRequest {
    SetRequest {
        cloud: Cloud::Global,
        tenant_id: SECRET_TENANT.to_owned(),
        client_id: CLIENT.to_owned(),
        // As read from `--secret-stdin`, newline included.
        credential: NewCredential::ClientSecret(Sensitive::new(format!("{SECRET}\n"))),
    }
}

pub fn certificate_request() -> SetRequest {
    SetRequest {
        cloud: Cloud::Global,
        tenant_id: CERTIFICATE_TENANT.to_owned(),
        client_id: CLIENT.to_owned(),
        credential: NewCredential::Certificate(CertificateInput {
            file: "fixtures/modern.pfx".to_owned(),
            bytes: Sensitive::new(PFX.to_vec()),
            password: Some(Sensitive::new(PFX_PASSWORD.to_owned())),
        }),
    }
}

pub fn secret_connection() -> Connection {
    connection(SECRET_TENANT, CredentialKind::ClientSecret)
}

pub fn certificate_connection() -> Connection {
    connection(CERTIFICATE_TENANT, CredentialKind::Certificate)
}

fn connection(tenant: &str, kind: CredentialKind) -> Connection {
    Connection {
        cloud: Cloud::Global,
        tenant_id: tenant.to_owned(),
        client_id: CLIENT.to_owned(),
        credential: kind,
        authority_url: None,
        graph_url: None,
        secret_expires_at: None,
    }
}

/// What a leak would look like: the secret, the PFX password, and the stored private key both
/// as DER and as PEM text (its last, most secret lines: the CRT parameters).
pub fn needles() -> Vec<(&'static str, Vec<u8>)> {
    let memory = MemoryStore::new();
    set_credentials(&memory, certificate_request(), now()).expect("the fixture certificate");
    let Ok(Some(StoredCredential::Certificate {
        private_key_pem, ..
    })) = load_credential(&memory, &certificate_connection())
    else {
        panic!("the fixture certificate loads back");
    };
    let body: Vec<&str> = private_key_pem
        .expose()
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let pem_line = body[body.len() - 2].as_bytes().to_vec();
    let der = base64_decode(&body.concat());
    let der_tail = der[der.len() - 64..].to_vec();
    vec![
        ("the client secret", SECRET.as_bytes().to_vec()),
        ("the PFX password", PFX_PASSWORD.as_bytes().to_vec()),
        ("the private key (PEM line)", pem_line),
        ("the private key (DER bytes)", der_tail),
    ]
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("PEM body is base64")
}
