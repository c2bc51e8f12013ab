//! The shell's commands through Tauri's IPC layer on the mock runtime (no display needed): the
//! argument names, the answers' and errors' shapes, and that no secret comes back. The logic
//! behind each command is tested in relay-settings.

use std::sync::Arc;

use presence_relay_app::{configure, AppState, AppStatus};
use relay_config::AppPaths;
use relay_secrets::{MemoryStore, SecretStore};
use relay_settings::{PinHasher, Settings};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

const SECRET: &str = "Zx8Q~shell-test-secret-value.abcdefgh";
const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

struct Shell {
    app: tauri::App<tauri::test::MockRuntime>,
    store: Arc<MemoryStore>,
    dir: tempfile::TempDir,
}

impl Shell {
    fn start(status: AppStatus) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = AppPaths {
            config_dir: dir.path().join("config"),
            log_dir: dir.path().join("logs"),
        };
        let store = Arc::new(MemoryStore::new());
        let secrets: Arc<dyn SecretStore> = store.clone();
        let settings = Settings::new(paths.config_file(), paths.log_dir.clone(), Ok(secrets))
            .with_pin_hasher(PinHasher::with_iterations(1_000));
        let state = AppState::new(paths, status).with_settings(settings);
        let app = configure(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .expect("mock app builds");
        Self { app, store, dir }
    }

    fn config_file(&self) -> std::path::PathBuf {
        self.dir.path().join("config").join("config.json")
    }

    fn invoke(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        self.invoke_in("settings", cmd, body)
    }

    fn invoke_in(&self, label: &str, cmd: &str, body: Value) -> Result<Value, Value> {
        let window = match self.app.get_webview_window(label) {
            Some(window) => window,
            None => WebviewWindowBuilder::new(&self.app, label, Default::default())
                .build()
                .expect("window"),
        };
        // The IPC origin must be local for the OS (tauri://localhost on Linux and macOS).
        let url = if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        };
        get_ipc_response(
            &window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: url.parse().expect("url"),
                body: InvokeBody::Json(body),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|response| response.deserialize::<Value>().expect("json"))
    }
}

fn simulated() -> AppStatus {
    AppStatus {
        mode: presence_relay_app::Mode::Simulated,
        users: 0,
        paused: false,
        config_problem: None,
        start_problem: None,
        kiosk_locked: false,
    }
}

fn code(error: &Value) -> &str {
    error["code"].as_str().unwrap_or("(no code)")
}

fn connection_input() -> Value {
    json!({"input": {
        "cloud": "global",
        "tenantId": TENANT,
        "clientId": CLIENT,
        "credential": {"kind": "client_secret", "secret": SECRET, "expiresAt": "2027-01-31T00:00:00Z"}
    }})
}

#[test]
fn app_info_reports_mode_users_kiosk_and_config_path() {
    let shell = Shell::start(simulated());
    let info = shell
        .invoke("app_info", json!({}))
        .expect("app_info answers");
    assert_eq!(info["mode"], "simulated");
    assert_eq!(info["demo"], true);
    assert_eq!(info["users"], 0);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info["configFile"],
        shell.config_file().display().to_string()
    );
    assert_eq!(info["configProblem"], Value::Null);
    assert_eq!(
        info["kiosk"],
        json!({"locked": false, "pinSet": false, "unlocked": false})
    );
}

#[test]
fn a_config_problem_reaches_the_window() {
    let shell = Shell::start(AppStatus {
        config_problem: Some("moved aside".into()),
        ..simulated()
    });
    let info = shell
        .invoke("app_info", json!({}))
        .expect("app_info answers");
    assert_eq!(info["configProblem"], "moved aside");
}

#[test]
fn every_command_of_the_contract_is_registered_granted_and_nothing_else() {
    let shell = Shell::start(simulated());
    let unknown = shell
        .invoke("get_secret", json!({}))
        .expect_err("unknown commands are refused");
    let not_found = |error: &Value| error.as_str().is_some_and(|e| e.contains("not found"));
    assert!(not_found(&unknown), "{unknown}");
    let names: Vec<&str> = relay_api::COMMANDS.iter().map(|c| c.name).collect();
    for name in &names {
        // Without arguments a command fails on them or answers; never as an unknown command.
        if let Err(error) = shell.invoke(name, json!({})) {
            assert!(!not_found(&error), "{name} is not registered: {error}");
        }
    }

    let build = std::fs::read_to_string("src-tauri/build.rs").expect("build.rs");
    let conf: Value =
        serde_json::from_str(&std::fs::read_to_string("tauri.conf.json").expect("tauri.conf.json"))
            .expect("json");
    let mut granted: Vec<String> = conf["app"]["security"]["capabilities"][0]["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    granted.sort();
    let mut expected: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    expected.sort();
    assert_eq!(granted, expected, "the capability grants exactly COMMANDS");
    for name in &names {
        assert!(
            build.contains(&format!("\"{name}\"")),
            "{name} missing from build.rs"
        );
    }
}

#[test]
fn ui_ready_needs_its_page_argument() {
    let shell = Shell::start(simulated());
    assert!(shell
        .invoke("ui_ready", json!({"page": "overview"}))
        .is_ok());
    let err = shell
        .invoke("ui_ready", json!({}))
        .expect_err("missing page");
    assert!(err.to_string().contains("page"), "{err}");
}

#[test]
fn engine_commands_say_engine_unavailable_before_the_relay_runs() {
    let shell = Shell::start(simulated());
    for (cmd, body) in [
        ("status", json!({})),
        ("signals", json!({})),
        ("control", json!({"request": {"action": "pause"}})),
    ] {
        let error = shell.invoke(cmd, body).expect_err("no engine");
        assert_eq!(code(&error), "engine_unavailable", "{cmd}: {error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(error.get("issues").is_none(), "{error}");
    }
}

#[test]
fn config_round_trip_and_refusal_with_issues_at_their_pointers() {
    let shell = Shell::start(simulated());
    let mut config = shell.invoke("config_get", json!({})).expect("empty config");
    assert_eq!(config["schema_version"], 1);
    config["users"] =
        json!([{"display_name": "Ada", "object_id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}]);
    let report = shell
        .invoke("config_validate", json!({"config": config}))
        .expect("report");
    assert_eq!(report["ok"], true);
    let saved = shell
        .invoke("config_save", json!({"config": config}))
        .expect("saved");
    assert!(saved["warnings"].is_array());
    let back = shell.invoke("config_get", json!({})).expect("config");
    assert_eq!(back["users"][0]["display_name"], "Ada");

    config["users"][0]["object_id"] = json!("not-a-guid");
    let error = shell
        .invoke("config_save", json!({"config": config}))
        .expect_err("invalid");
    assert_eq!(code(&error), "invalid_config");
    assert_eq!(error["issues"][0]["pointer"], "/users/0/object_id");
    assert_eq!(error["issues"][0]["severity"], "error");
}

#[test]
fn connection_set_keeps_the_secret_in_the_keyring_only() {
    let shell = Shell::start(simulated());
    assert_eq!(
        shell.invoke("connection_get", json!({})).expect("none"),
        Value::Null
    );
    let view = shell
        .invoke("connection_set", connection_input())
        .expect("stored");
    assert_eq!(view["credential"], "configured");
    assert_eq!(view["secretExpiresAt"], "2027-01-31T00:00:00Z");
    assert_eq!(shell.store.accounts().len(), 1);
    let got = shell.invoke("connection_get", json!({})).expect("view");
    let config = shell.invoke("config_get", json!({})).expect("config");
    let file = std::fs::read_to_string(shell.config_file()).expect("config file");
    for text in [view.to_string(), got.to_string(), config.to_string(), file] {
        assert!(!text.contains(SECRET), "the secret leaked: {text}");
    }

    shell
        .invoke("connection_clear", json!({}))
        .expect("cleared");
    assert!(shell.store.accounts().is_empty());
    assert_eq!(
        shell.invoke("connection_get", json!({})).expect("none"),
        Value::Null
    );
}

#[test]
fn a_locked_keyring_is_reported_as_such() {
    let shell = Shell::start(simulated());
    shell
        .store
        .set_outage(Some(relay_secrets::SecretError::Locked {
            reason: "collection locked".into(),
        }));
    let error = shell
        .invoke("connection_set", connection_input())
        .expect_err("locked");
    assert_eq!(code(&error), "keyring_locked");
    assert!(!error.to_string().contains(SECRET));
    assert!(!shell.config_file().exists());
}

#[test]
fn connection_test_without_a_connection_fails_its_config_step() {
    let shell = Shell::start(simulated());
    let report = shell
        .invoke("connection_test", json!({}))
        .expect("a report");
    assert_eq!(report["ok"], false);
    assert_eq!(report["steps"][0]["step"], "config");
    assert!(report["steps"][0]["fix"].is_string());
}

#[test]
fn the_kiosk_lock_is_per_window_and_needs_the_pin() {
    let shell = Shell::start(simulated());
    let bad = shell
        .invoke("settings_set_pin", json!({"pin": "12"}))
        .expect_err("too short");
    assert_eq!(code(&bad), "invalid_input");
    shell
        .invoke("settings_set_pin", json!({"pin": "2468"}))
        .expect("PIN set");
    let mut config = shell.invoke("config_get", json!({})).expect("config");
    assert!(config["settings"]["kiosk"].get("pin_hash").is_none());
    config["settings"]["kiosk"]["locked"] = json!(true);
    shell
        .invoke("config_save", json!({"config": config}))
        .expect("lock on");

    let refused = shell
        .invoke_in("kiosk", "connection_clear", json!({}))
        .expect_err("locked");
    assert_eq!(code(&refused), "kiosk_locked");
    let wrong = shell
        .invoke_in("kiosk", "kiosk_unlock", json!({"pin": "1357"}))
        .expect_err("wrong");
    assert_eq!(code(&wrong), "wrong_pin");
    shell
        .invoke_in("kiosk", "kiosk_unlock", json!({"pin": "2468"}))
        .expect("unlocked");
    let info = shell
        .invoke_in("kiosk", "app_info", json!({}))
        .expect("info");
    assert_eq!(
        info["kiosk"],
        json!({"locked": true, "pinSet": true, "unlocked": true})
    );
    shell
        .invoke_in("kiosk", "connection_clear", json!({}))
        .expect("allowed once unlocked");

    let file = std::fs::read_to_string(shell.config_file()).expect("config file");
    assert!(!file.contains("\"2468\""), "{file}");
}

#[test]
fn audit_query_reads_the_log_directory() {
    let shell = Shell::start(simulated());
    relay_engine::AuditLog::new(shell.dir.path().join("logs"))
        .append(&[relay_engine::AuditRecord {
            at: "2026-03-02T09:00:00Z".parse().expect("time"),
            user: "aaaa".into(),
            decided_by: "rule: Lunch".into(),
            write: "setPresence Away/Away PT15M".into(),
            result: "ok".into(),
            request_id: Some("req-1".into()),
        }])
        .expect("append");
    let page = shell
        .invoke(
            "audit_query",
            json!({"query": {"limit": 10, "rule": "Lunch"}}),
        )
        .expect("page");
    assert_eq!(page["entries"][0]["decidedBy"], "rule: Lunch");
    assert_eq!(page["truncated"], false);
}

#[test]
fn no_window_exists_until_asked_for() {
    let shell = Shell::start(simulated());
    assert!(shell.app.get_webview_window("settings").is_none());
}
