use chrono::TimeZone;
use relay_api::ErrorCode;
use relay_core::config::{Cloud, ConfigFile};
use relay_secrets::{MemoryStore, SecretError};

use super::*;

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const OTHER_CLIENT: &str = "99999999-2222-3333-4444-555555555555";
const SECRET: &str = "Zx8Q~not-a-real-secret-value.abcdefghij";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn input(client: &str, credential: serde_json::Value) -> ConnectionInput {
    serde_json::from_value(serde_json::json!({
        "cloud": "global",
        "tenantId": TENANT,
        "clientId": client,
        "credential": credential,
    }))
    .expect("input parses")
}

fn secret_input(client: &str) -> ConnectionInput {
    input(
        client,
        serde_json::json!({
            "kind": "client_secret",
            "secret": SECRET,
            "expiresAt": "2027-01-31T00:00:00Z",
        }),
    )
}

fn keep(client: &str) -> ConnectionInput {
    input(client, serde_json::json!({"kind": "keep"}))
}

fn document(dir: &tempfile::TempDir) -> ConfigDocument {
    ConfigDocument::new(dir.path().join("config.json"))
}

fn file_text(config: &ConfigDocument) -> String {
    std::fs::read_to_string(config.path()).unwrap_or_default()
}

#[test]
fn set_stores_the_secret_in_the_keyring_and_only_names_it_in_the_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();

    let view = set(&config, &store, secret_input(CLIENT), now()).expect("set");
    assert_eq!(view.credential, CredentialStatus::Configured);
    assert_eq!(view.credential_kind, CredentialKind::ClientSecret);
    assert_eq!(view.client_id, CLIENT);
    assert_eq!(
        view.secret_expires_at,
        Some(
            Utc.with_ymd_and_hms(2027, 1, 31, 0, 0, 0)
                .single()
                .expect("valid")
        )
    );
    assert_eq!(
        store.accounts(),
        [format!("global/{TENANT}/{CLIENT}/client-secret")]
    );

    let text = file_text(&config);
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("\"secret_expires_at\": \"2027-01-31T00:00:00Z\""),
        "{text}"
    );
    assert!(!serde_json::to_string(&view).expect("json").contains(SECRET));

    let got = get(&config, &store).expect("readable").expect("configured");
    assert_eq!(got, view);
}

#[test]
fn no_connection_is_none_and_a_missing_credential_says_to_enter_it_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    assert_eq!(get(&config, &store).expect("readable"), None);

    set(&config, &store, secret_input(CLIENT), now()).expect("set");
    let emptied = MemoryStore::new();
    let view = get(&config, &emptied)
        .expect("readable")
        .expect("configured");
    assert_eq!(view.credential, CredentialStatus::Missing);
    assert!(
        view.credential_detail.contains("enter it again"),
        "{}",
        view.credential_detail
    );
}

#[test]
fn a_locked_or_missing_keyring_fails_and_leaves_no_trace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    store.set_outage(Some(SecretError::Locked {
        reason: "collection locked".into(),
    }));
    let locked = set(&config, &store, secret_input(CLIENT), now()).expect_err("locked");
    assert_eq!(locked.code, ErrorCode::KeyringLocked);
    assert!(locked.message.contains("unlock"), "{}", locked.message);
    assert!(!config.path().exists(), "nothing written");

    store.set_outage(Some(SecretError::Unavailable {
        reason: "no Secret Service".into(),
    }));
    let unavailable = set(&config, &store, secret_input(CLIENT), now()).expect_err("down");
    assert_eq!(unavailable.code, ErrorCode::KeyringUnavailable);
    assert!(!config.path().exists(), "no plaintext fallback");

    store.set_outage(None);
    set(&config, &store, secret_input(CLIENT), now()).expect("set");
    store.set_outage(Some(SecretError::Locked {
        reason: "collection locked".into(),
    }));
    let view = get(&config, &store).expect("readable").expect("configured");
    assert_eq!(view.credential, CredentialStatus::KeyringLocked);
}

#[test]
fn bad_input_is_refused_before_anything_is_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    let error = set(&config, &store, secret_input("not-a-guid"), now()).expect_err("bad id");
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(store.accounts().is_empty());

    let relative = input(
        CLIENT,
        serde_json::json!({"kind": "certificate", "path": "app.pfx"}),
    );
    let error = set(&config, &store, relative, now()).expect_err("relative path");
    assert_eq!(error.code, ErrorCode::InvalidInput);

    let missing_file = input(
        CLIENT,
        serde_json::json!({"kind": "certificate", "path": dir.path().join("none.pfx")}),
    );
    let error = set(&config, &store, missing_file, now()).expect_err("no such file");
    assert_eq!(error.code, ErrorCode::CertificateUnusable);
    assert!(!config.path().exists());
}

#[test]
fn keep_needs_the_same_registration_and_a_stored_credential() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    assert_eq!(
        set(&config, &store, keep(CLIENT), now())
            .expect_err("nothing to keep")
            .code,
        ErrorCode::InvalidInput
    );

    set(&config, &store, secret_input(CLIENT), now()).expect("set");
    let kept = set(&config, &store, keep(&CLIENT.to_uppercase()), now()).expect("kept");
    assert_eq!(kept.credential, CredentialStatus::Configured);
    assert!(kept.secret_expires_at.is_some(), "the expiry stays");

    let other = set(&config, &store, keep(OTHER_CLIENT), now()).expect_err("other app");
    assert_eq!(other.code, ErrorCode::InvalidInput);
}

#[test]
fn a_new_registration_replaces_the_old_ones_keyring_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    set(&config, &store, secret_input(CLIENT), now()).expect("first");
    set(&config, &store, secret_input(OTHER_CLIENT), now()).expect("second");
    assert_eq!(
        store.accounts(),
        [format!("global/{TENANT}/{OTHER_CLIENT}/client-secret")]
    );
}

#[test]
fn host_overrides_of_the_same_cloud_are_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    let mut file = ConfigFile::empty();
    file.connection = Some(Connection {
        cloud: Cloud::Global,
        tenant_id: TENANT.into(),
        client_id: CLIENT.into(),
        credential: CredentialKind::ClientSecret,
        authority_url: Some("http://127.0.0.1:9/".into()),
        graph_url: None,
        secret_expires_at: None,
    });
    relay_config::ConfigStore::new(config.path())
        .save(&relay_core::config::validate(file).expect("valid"))
        .expect("saved");
    set(&config, &store, secret_input(CLIENT), now()).expect("set");
    let saved = config
        .read()
        .expect("readable")
        .usable(config.path())
        .expect("valid");
    assert_eq!(
        saved.connection.and_then(|c| c.authority_url).as_deref(),
        Some("http://127.0.0.1:9/")
    );
}

#[test]
fn clear_removes_the_keyring_entries_and_the_connection_unless_the_keyring_is_down() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = document(&dir);
    let store = MemoryStore::new();
    set(&config, &store, secret_input(CLIENT), now()).expect("set");

    store.set_outage(Some(SecretError::Locked {
        reason: "collection locked".into(),
    }));
    let refused = clear(&config, &store).expect_err("locked");
    assert_eq!(refused.code, ErrorCode::KeyringLocked);
    store.set_outage(None);
    assert!(
        get(&config, &store).expect("readable").is_some(),
        "unchanged"
    );

    clear(&config, &store).expect("cleared");
    assert!(store.accounts().is_empty());
    assert_eq!(get(&config, &store).expect("readable"), None);
    clear(&config, &store).expect("clearing nothing is fine");
}
