//! Commands the settings window may call. Each is a thin adapter; errors reach the UI as
//! `{code, message}` and the UI branches on `code` only.

use serde::Serialize;
use tauri::{AppHandle, Runtime};

use crate::status::Mode;

/// Basic facts for the overview page. Mirrored by `AppInfo` in ui/src/backend.ts.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    config_file: String,
    mode: Mode,
    users: usize,
    config_problem: Option<String>,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    let state = crate::state(&app);
    let status = state.status();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        config_file: state.paths.config_file().display().to_string(),
        mode: status.mode,
        users: status.users,
        config_problem: status.config_problem.clone(),
    }
}

/// The window reports that a page has rendered; logged for support and waited on by smoke tests.
#[tauri::command]
pub fn ui_ready(page: String) {
    tracing::info!(target: "ui", "settings window rendered page {page:?}");
}
