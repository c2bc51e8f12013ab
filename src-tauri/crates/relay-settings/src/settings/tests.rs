use relay_api::Mode;
use relay_secrets::MemoryStore;

use super::*;

const PIN: &str = "246810";

fn pin(text: &str) -> Pin {
    serde_json::from_value(serde_json::Value::String(text.into())).expect("a string")
}

fn settings(dir: &tempfile::TempDir) -> Settings {
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    Settings::new(
        dir.path().join("config.json"),
        dir.path().join("logs"),
        Ok(store),
    )
    .with_pin_hasher(PinHasher::with_iterations(1_000))
}

fn locked_kiosk(settings: &Settings, window: &str) {
    settings.set_pin(window, Some(pin(PIN))).expect("PIN set");
    let mut document = settings.config_get().expect("readable");
    document.settings.kiosk.locked = true;
    settings.config_save(window, document).expect("lock on");
}

fn window_is_refused(settings: &Settings, window: &str) {
    let document = settings.config_get().expect("reading is allowed");
    let codes = [
        settings.config_save(window, document).map(|_| ()),
        settings.connection_clear(window),
        settings.set_pin(window, None),
        settings
            .connection_set(
                window,
                serde_json::from_value(serde_json::json!({
                    "cloud": "global",
                    "tenantId": "contoso.onmicrosoft.com",
                    "clientId": "11111111-2222-3333-4444-555555555555",
                    "credential": {"kind": "keep"}
                }))
                .expect("input"),
                chrono::Utc::now(),
            )
            .map(|_| ()),
    ]
    .map(|result| result.expect_err("locked").code);
    assert_eq!(codes, [ErrorCode::KioskLocked; 4]);
}

#[test]
fn the_pin_is_stored_only_as_a_hash_and_never_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings(&dir);
    settings.set_pin("settings", Some(pin(PIN))).expect("set");
    let text = std::fs::read_to_string(settings.config_file()).expect("file");
    assert!(!text.contains(PIN), "{text}");
    assert!(text.contains("$pbkdf2-sha256$"), "{text}");
    assert_eq!(
        settings
            .config_get()
            .expect("readable")
            .settings
            .kiosk
            .pin_hash,
        None
    );
    let info = settings.app_info("settings", None, None);
    assert!(info.kiosk.pin_set && !info.kiosk.locked);

    let refused = settings
        .set_pin("settings", Some(pin("12")))
        .expect_err("too short");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
}

#[test]
fn a_locked_kiosk_refuses_changes_until_the_window_unlocks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings(&dir);
    locked_kiosk(&settings, "admin");
    assert!(
        settings.app_info("admin", None, None).kiosk.unlocked,
        "the window that turned the lock on keeps its access"
    );

    window_is_refused(&settings, "settings");
    let wrong = settings
        .unlock("settings", &pin("000000"), unlock_time())
        .expect_err("wrong");
    assert_eq!(wrong.code, ErrorCode::WrongPin);
    window_is_refused(&settings, "settings");

    settings
        .unlock("settings", &pin(PIN), unlock_time())
        .expect("unlocked");
    let document = settings.config_get().expect("readable");
    settings
        .config_save("settings", document)
        .expect("allowed now");
    assert!(settings.app_info("settings", None, None).kiosk.unlocked);

    settings.window_closed("settings");
    window_is_refused(&settings, "settings");
}

#[test]
fn removing_the_pin_lifts_the_lock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings(&dir);
    locked_kiosk(&settings, "admin");
    settings.set_pin("admin", None).expect("removed");
    let info = settings.app_info("other", None, None);
    assert!(!info.kiosk.locked && !info.kiosk.pin_set);
    settings.connection_clear("other").expect("allowed");
}

#[test]
fn app_info_follows_the_running_relay_and_the_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings(&dir);
    let before = settings.app_info("settings", None, Some("moved aside".into()));
    assert_eq!(before.mode, Mode::Simulated);
    assert!(before.demo);
    assert_eq!(before.users, 0);
    assert_eq!(before.config_problem.as_deref(), Some("moved aside"));
    assert!(before.config_file.ends_with("config.json"));

    let demo = settings.app_info(
        "settings",
        Some(Running {
            simulated: true,
            users: 3,
        }),
        None,
    );
    assert_eq!((demo.mode, demo.users), (Mode::Simulated, 3));
}

#[test]
fn without_a_keyring_the_connection_commands_say_so_and_store_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings::new(
        dir.path().join("config.json"),
        dir.path().join("logs"),
        Err(SecretError::Unavailable {
            reason: "no keyring in this build".into(),
        }),
    );
    let input = serde_json::from_value(serde_json::json!({
        "cloud": "global",
        "tenantId": "contoso.onmicrosoft.com",
        "clientId": "11111111-2222-3333-4444-555555555555",
        "credential": {"kind": "client_secret", "secret": "Zx8Q~value"}
    }))
    .expect("input");
    let error = settings
        .connection_set("settings", input, chrono::Utc::now())
        .expect_err("no keyring");
    assert_eq!(error.code, ErrorCode::KeyringUnavailable);
    assert!(!settings.config_file().exists());
    assert_eq!(settings.connection_get().expect("readable"), None);
}

#[test]
fn the_audit_log_is_read_from_the_log_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings(&dir);
    let page = settings
        .audit_query(&AuditQuery {
            user: None,
            rule: None,
            result: None,
            limit: 10,
        })
        .expect("no log yet is empty");
    assert!(page.entries.is_empty());
}

/// When the tests' unlocks happen (one wrong PIN costs no wait, so any fixed time does).
fn unlock_time() -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
        .single()
        .expect("valid time")
}
