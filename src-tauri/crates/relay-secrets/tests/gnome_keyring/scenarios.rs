//! The child side: each scenario runs in its own process, whose environment (session bus address,
//! XDG directories) the parent chose, because keyring 3 reads `DBUS_SESSION_BUS_ADDRESS` from the
//! environment. A scenario panics on failure, which exits the process with a non-zero code. What
//! it prints is what the `credentials` commands would print; the parent checks it for secrets.

use std::time::Duration;

use relay_core::config::{Cloud, CredentialKind};
use relay_core::Sensitive;
use relay_secrets::{
    clear_credentials, credential_status, load_credential, set_credentials, CredentialState,
    CredentialTarget, EntryKind, KeyringStore, SecretError, SecretStore, StoredCredential,
    NO_FILE_FALLBACK,
};

use crate::fixture::{
    certificate_connection, certificate_request, now, secret_connection, secret_request, CERT_SHA1,
    SECRET,
};

/// Far longer than any answer takes here: a scenario that expects an error must get the error,
/// not this timeout, which proves the failure was immediate rather than a hang.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(60);

pub fn run(scenario: &str) {
    // Everything the library logs goes to stderr, which the parent scans for secrets.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let store = KeyringStore::open(KEYRING_TIMEOUT).expect("the keyring store opens");
    match scenario {
        "write" => write(&store),
        "read" => read(&store),
        "write_certificate" => {
            show_summary(set_credentials(&store, certificate_request(), now()));
        }
        "locked" => locked(&store),
        "unavailable" => unavailable(&store),
        other => panic!("unknown scenario {other}"),
    }
}

/// Prints what `credentials set` would print.
fn show_summary(result: Result<relay_secrets::CredentialSummary, SecretError>) {
    match result {
        Ok(summary) => println!(
            "{}",
            serde_json::to_string(&summary).expect("a summary serializes")
        ),
        Err(error) => panic!("set failed: {error}"),
    }
}

/// Prints what `credentials status` and `credentials status --json` would print.
fn show_state(state: &CredentialState) {
    println!("{}", state.message());
    println!(
        "{}",
        serde_json::to_string(state).expect("a state serializes")
    );
}

fn write(store: &KeyringStore) {
    // Raw bytes, every value once: the Secret Service must keep binary values (DER keys) intact.
    let key = CredentialTarget::new(Cloud::Global, "bytes.example", crate::fixture::CLIENT)
        .key(EntryKind::CertificateKey);
    let bytes: Vec<u8> = (0..=255).rev().collect();
    assert_eq!(store.get(&key), Ok(None));
    store
        .set(&key, &Sensitive::new(bytes.clone()))
        .expect("set raw bytes");
    assert_eq!(
        store.get(&key).expect("get").map(Sensitive::into_inner),
        Some(bytes)
    );
    assert_eq!(store.delete(&key), Ok(true));
    assert_eq!(store.get(&key), Ok(None));
    assert_eq!(store.delete(&key), Ok(false));

    show_summary(set_credentials(store, secret_request(), now()));
    show_summary(set_credentials(store, certificate_request(), now()));
    let state = credential_status(store, &secret_connection());
    show_state(&state);
    assert!(state.is_configured(), "{state:?}");
}

/// A new process, so what it finds was persisted by gnome-keyring, not kept in memory.
fn read(store: &KeyringStore) {
    let state = credential_status(store, &secret_connection());
    show_state(&state);
    assert_eq!(
        state,
        CredentialState::Configured {
            kind: CredentialKind::ClientSecret,
            certificate: None
        }
    );
    match load_credential(store, &secret_connection()) {
        Ok(Some(StoredCredential::ClientSecret(secret))) => assert!(secret.expose() == SECRET),
        other => panic!("expected the stored secret, got {other:?}"),
    }

    let state = credential_status(store, &certificate_connection());
    show_state(&state);
    match &state {
        CredentialState::Configured {
            kind: CredentialKind::Certificate,
            certificate: Some(info),
        } => assert_eq!(info.sha1_thumbprint, CERT_SHA1),
        other => panic!("expected a configured certificate, got {other:?}"),
    }
    match load_credential(store, &certificate_connection()) {
        Ok(Some(StoredCredential::Certificate {
            certificate_pem,
            private_key_pem,
            info,
        })) => {
            assert!(certificate_pem.starts_with("-----BEGIN CERTIFICATE-----"));
            assert!(private_key_pem
                .expose()
                .starts_with("-----BEGIN PRIVATE KEY-----"));
            assert_eq!(info.sha1_thumbprint, CERT_SHA1);
        }
        other => panic!("expected the stored certificate, got {other:?}"),
    }

    assert_eq!(clear_credentials(store, &secret_connection()), Ok(true));
    let state = credential_status(store, &secret_connection());
    show_state(&state);
    assert_eq!(
        state,
        CredentialState::Missing {
            kind: CredentialKind::ClientSecret
        }
    );
    assert_eq!(clear_credentials(store, &secret_connection()), Ok(false));
    // The other tenant's certificate is untouched.
    assert!(credential_status(store, &certificate_connection()).is_configured());
}

/// The login keyring holds the certificate but is locked, and no prompt can be shown.
fn locked(store: &KeyringStore) {
    let state = credential_status(store, &certificate_connection());
    show_state(&state);
    assert!(
        matches!(state, CredentialState::KeyringLocked { .. }),
        "a locked keyring must not read as missing or unavailable: {state:?}"
    );
    match load_credential(store, &certificate_connection()) {
        Err(error @ SecretError::Locked { .. }) => {
            assert!(error.to_string().contains(NO_FILE_FALLBACK), "{error}");
            eprintln!("error: {error}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    match set_credentials(store, secret_request(), now()) {
        Err(error) => {
            assert_eq!(error.code(), "keyring_locked", "{error}");
            eprintln!("error: {error}");
        }
        Ok(summary) => panic!("stored into a locked keyring: {summary:?}"),
    }
}

/// No Secret Service (or no bus): a clear error at once, for status, set and read.
fn unavailable(store: &KeyringStore) {
    let state = credential_status(store, &secret_connection());
    show_state(&state);
    let CredentialState::KeyringUnavailable { reason } = &state else {
        panic!("expected KeyringUnavailable, got {state:?}");
    };
    if let Ok(expected) = std::env::var(crate::harness::EXPECT_REASON_ENV) {
        assert!(
            reason.contains(&expected),
            "{reason:?} should mention {expected:?}"
        );
    }
    for result in [
        set_credentials(store, secret_request(), now()).map(|_| ()),
        set_credentials(store, certificate_request(), now()).map(|_| ()),
        load_credential(store, &secret_connection()).map(|_| ()),
        clear_credentials(store, &secret_connection()).map(|_| ()),
    ] {
        match result {
            Err(error @ SecretError::Unavailable { .. }) => {
                let message = error.to_string();
                assert!(message.contains(NO_FILE_FALLBACK), "{message}");
                assert!(message.contains("gnome-keyring"), "{message}");
                eprintln!("error: {message}");
            }
            other => panic!("expected Unavailable at once, got {other:?}"),
        }
    }
}
