use relay_api::{ErrorCode, IssueSeverity};
use relay_core::config::{Cloud, Connection, CredentialKind, User};

use super::*;

const ADA: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn connection() -> Connection {
    Connection {
        cloud: Cloud::Global,
        tenant_id: "contoso.onmicrosoft.com".into(),
        client_id: "11111111-2222-3333-4444-555555555555".into(),
        credential: CredentialKind::ClientSecret,
        authority_url: None,
        graph_url: None,
        secret_expires_at: None,
    }
}

/// A locked kiosk with a connection, saved the way the app would have saved it.
fn saved(dir: &tempfile::TempDir) -> ConfigDocument {
    let mut file = ConfigFile::empty();
    file.connection = Some(connection());
    file.settings.kiosk.locked = true;
    file.settings.kiosk.pin_hash = Some("$pbkdf2-sha256$i=1$c2FsdA$aGFzaA".into());
    let document = ConfigDocument::new(dir.path().join("config.json"));
    ConfigStore::new(document.path())
        .save(&validate(file).expect("valid"))
        .expect("saved");
    document
}

fn on_disk(document: &ConfigDocument) -> ConfigFile {
    document
        .read()
        .expect("readable")
        .usable(document.path())
        .expect("valid")
}

#[test]
fn no_file_yet_reads_as_the_empty_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = ConfigDocument::new(dir.path().join("config.json"));
    assert_eq!(document.get().expect("empty"), ConfigFile::empty());
}

#[test]
fn get_leaves_the_pin_hash_out_and_save_puts_it_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = saved(&dir);
    let mut edited = document.get().expect("readable");
    assert_eq!(edited.settings.kiosk.pin_hash, None);
    assert!(edited.settings.kiosk.locked);
    assert!(!std::fs::read_to_string(document.path())
        .expect("file")
        .is_empty());

    // Without the hash put back, a locked kiosk would not validate.
    let report = document.validate(edited.clone()).expect("validates");
    assert!(report.ok, "{report:?}");

    edited.users.push(User {
        display_name: "Ada".into(),
        object_id: ADA.into(),
    });
    document.save(edited).expect("saved");
    let file = on_disk(&document);
    assert_eq!(file.users.len(), 1);
    assert_eq!(
        file.settings.kiosk.pin_hash.as_deref(),
        Some("$pbkdf2-sha256$i=1$c2FsdA$aGFzaA")
    );
}

#[test]
fn the_connection_is_not_the_documents_to_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = saved(&dir);
    let mut stale = document.get().expect("readable");
    stale.connection = None;
    document.save(stale).expect("saved");
    assert_eq!(on_disk(&document).connection, Some(connection()));
}

#[test]
fn an_invalid_document_is_refused_with_its_issues_and_the_file_stays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = saved(&dir);
    let before = std::fs::read_to_string(document.path()).expect("file");
    let mut broken = document.get().expect("readable");
    broken.users.push(User {
        display_name: "Ada".into(),
        object_id: "not-a-guid".into(),
    });

    let report = document.validate(broken.clone()).expect("a report");
    assert!(!report.ok);
    assert!(report.issues.iter().any(
        |issue| issue.pointer == "/users/0/object_id" && issue.severity == IssueSeverity::Error
    ));

    let refused = document.save(broken).expect_err("refused");
    assert_eq!(refused.code, ErrorCode::InvalidConfig);
    assert!(refused
        .issues
        .iter()
        .any(|issue| issue.pointer == "/users/0/object_id"));
    assert_eq!(
        std::fs::read_to_string(document.path()).expect("file"),
        before
    );
}

#[test]
fn a_file_broken_by_hand_is_reported_not_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = ConfigDocument::new(dir.path().join("config.json"));
    std::fs::write(document.path(), r#"{"schema_version": 1, "rules": 7}"#).expect("write");
    let error = document.get().expect_err("invalid");
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert!(error.message.contains("config.json"), "{}", error.message);
    assert!(!error.issues.is_empty());
    assert!(document.save(ConfigFile::empty()).is_err());
    assert_eq!(
        std::fs::read_to_string(document.path()).expect("file"),
        r#"{"schema_version": 1, "rules": 7}"#
    );
}

#[test]
fn an_unwritable_place_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A file where the config directory should be.
    std::fs::write(dir.path().join("not-a-dir"), "").expect("write");
    let document = ConfigDocument::new(dir.path().join("not-a-dir").join("config.json"));
    let error = document
        .save(ConfigFile::empty())
        .expect_err("no directory");
    assert_eq!(error.code, ErrorCode::Io);
    assert!(error.message.contains("not-a-dir"), "{}", error.message);
}
