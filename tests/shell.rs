//! The shell's commands through Tauri's IPC layer on the mock runtime (no display needed).

use presence_relay_app::{configure, AppState, AppStatus};
use relay_config::AppPaths;
use serde_json::json;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

fn app(status: AppStatus) -> tauri::App<tauri::test::MockRuntime> {
    let state = AppState::new(
        AppPaths {
            config_dir: "/tmp/presence-relay-test/config".into(),
            log_dir: "/tmp/presence-relay-test/logs".into(),
        },
        status,
    );
    configure(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("mock app builds")
}

fn invoke(
    app: &tauri::App<tauri::test::MockRuntime>,
    cmd: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let window = match app.get_webview_window("settings") {
        Some(window) => window,
        None => WebviewWindowBuilder::new(app, "settings", Default::default())
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
    .map(|response| response.deserialize::<serde_json::Value>().expect("json"))
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

#[test]
fn app_info_reports_mode_users_and_config_path() {
    let app = app(AppStatus {
        users: 2,
        ..simulated()
    });
    let info = invoke(&app, "app_info", json!({})).expect("app_info answers");
    assert_eq!(info["mode"], "simulated");
    assert_eq!(info["users"], 2);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info["configFile"],
        "/tmp/presence-relay-test/config/config.json"
    );
    assert_eq!(info["configProblem"], serde_json::Value::Null);
}

#[test]
fn a_config_problem_reaches_the_window() {
    let app = app(AppStatus {
        config_problem: Some("moved aside".into()),
        ..simulated()
    });
    let info = invoke(&app, "app_info", json!({})).expect("app_info answers");
    assert_eq!(info["configProblem"], "moved aside");
}

#[test]
fn ui_ready_needs_its_page_argument() {
    let app = app(simulated());
    assert!(invoke(&app, "ui_ready", json!({"page": "overview"})).is_ok());
    let err = invoke(&app, "ui_ready", json!({})).expect_err("missing page");
    assert!(err.to_string().contains("page"), "{err}");
}

#[test]
fn unknown_commands_are_refused() {
    let app = app(simulated());
    assert!(invoke(&app, "get_secret", json!({})).is_err());
}

#[test]
fn no_window_exists_until_asked_for() {
    let app = app(simulated());
    assert!(app.get_webview_window("settings").is_none());
}
