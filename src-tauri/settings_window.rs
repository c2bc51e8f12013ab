//! The settings window is created on first use and destroyed when closed, so an idle tray does not
//! carry the webview's render process (~230 MiB while open). Measured figures, and what stays
//! after the first open (WebKit's network process), are in docs/BENCHMARKS.md, "Tray memory".

use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder};

pub const LABEL: &str = "settings";

/// Shows the settings window, creating it if needed, and brings it to the front.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let shown = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus());
        if let Err(err) = shown {
            tracing::warn!("cannot bring the settings window to the front: {err}");
        }
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == LABEL) else {
        tracing::error!("tauri.conf.json has no window labelled {LABEL:?}");
        return;
    };
    match WebviewWindowBuilder::from_config(app, config).and_then(|b| b.build()) {
        Ok(_) => tracing::info!("settings window opened"),
        Err(err) => tracing::error!("cannot open the settings window: {err}"),
    }
}
