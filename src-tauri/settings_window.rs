//! The settings window itself, as its own process shows it (`window_process`): created from its
//! entry in tauri.conf.json, brought to the front when asked for again.

use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder};

pub const LABEL: &str = "settings";

/// Creates the settings window from its entry in tauri.conf.json.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == LABEL)
        // tauri.conf.json has no window labelled "settings" (a packaging mistake).
        .ok_or(tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, config)?.build()?;
    Ok(())
}

/// Brings the settings window to the front.
pub fn raise<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(LABEL) else {
        return;
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(err) = shown {
        tracing::warn!("cannot bring the settings window to the front: {err}");
    }
}
