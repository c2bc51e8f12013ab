//! Commands the settings window may call, as listed in relay-api's `COMMANDS`. Each is a thin
//! adapter onto relay-settings: the logic, and its tests, live there. Errors reach the UI as
//! `{code, message, issues?}` (relay-api's `UiError`) and the UI branches on `code` only.

use relay_api::{
    AppInfo, AuditPage, AuditQuery, ConnectionInput, ConnectionTestReport, ConnectionView,
    ControlRequest, ErrorCode, Pin, SaveOutcome, SignalView, StatusView, UiError, ValidationReport,
};
use relay_core::config::ConfigFile;
use relay_settings::app_info::Running;
use relay_settings::errors::engine_unavailable;
use relay_settings::{control, selftest, signals, Settings};
use tauri::{AppHandle, Runtime, Window};

type Answer<T> = Result<T, UiError>;

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>, window: Window<R>) -> Answer<AppInfo> {
    let state = crate::state(&app);
    let running = state.engine_link().map(|link| Running {
        simulated: link.simulated,
        users: link.status.borrow().users.len(),
    });
    let problem = state.status().config_problem.clone();
    Ok(state.settings.app_info(window.label(), running, problem))
}

/// The window reports that a page has rendered; logged for support and waited on by smoke tests.
#[tauri::command]
pub fn ui_ready(page: String) -> Answer<()> {
    tracing::info!(target: "ui", "settings window rendered page {page:?}");
    Ok(())
}

#[tauri::command]
pub fn status<R: Runtime>(app: AppHandle<R>) -> Answer<StatusView> {
    relay_settings::status::view(crate::state(&app).engine_status().as_ref())
}

#[tauri::command]
pub async fn config_get<R: Runtime>(app: AppHandle<R>) -> Answer<ConfigFile> {
    blocking(&app, Settings::config_get).await
}

#[tauri::command]
pub async fn config_validate<R: Runtime>(
    app: AppHandle<R>,
    config: ConfigFile,
) -> Answer<ValidationReport> {
    blocking(&app, move |settings| settings.config_validate(config)).await
}

#[tauri::command]
pub async fn config_save<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    config: ConfigFile,
) -> Answer<SaveOutcome> {
    let label = window.label().to_owned();
    let saved = blocking(&app, move |settings| settings.config_save(&label, config)).await;
    kiosk_changed(&app);
    saved
}

#[tauri::command]
pub async fn connection_get<R: Runtime>(app: AppHandle<R>) -> Answer<Option<ConnectionView>> {
    blocking(&app, Settings::connection_get).await
}

#[tauri::command]
pub async fn connection_set<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    input: ConnectionInput,
) -> Answer<ConnectionView> {
    let label = window.label().to_owned();
    let now = crate::state(&app).clock.now();
    blocking(&app, move |settings| {
        settings.connection_set(&label, input, now)
    })
    .await
}

#[tauri::command]
pub async fn connection_clear<R: Runtime>(app: AppHandle<R>, window: Window<R>) -> Answer<()> {
    let label = window.label().to_owned();
    blocking(&app, move |settings| settings.connection_clear(&label)).await
}

#[tauri::command]
pub async fn connection_test<R: Runtime>(app: AppHandle<R>) -> Answer<ConnectionTestReport> {
    let prepared = blocking(&app, Settings::connection_test_prepare).await?;
    Ok(selftest::finish(prepared, selftest::read_once).await)
}

#[tauri::command]
pub fn signals<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<SignalView>> {
    let link = crate::state(&app)
        .engine_link()
        .ok_or_else(engine_unavailable)?;
    let health = link.signal_health.borrow().clone();
    let latest = link.latest_signals.borrow().clone();
    Ok(signals::views(&health, &latest))
}

#[tauri::command]
pub async fn audit_query<R: Runtime>(app: AppHandle<R>, query: AuditQuery) -> Answer<AuditPage> {
    blocking(&app, move |settings| settings.audit_query(&query)).await
}

#[tauri::command]
pub async fn control<R: Runtime>(app: AppHandle<R>, request: ControlRequest) -> Answer<()> {
    let state = crate::state(&app);
    let link = state.engine_link().ok_or_else(engine_unavailable)?;
    let status = link.status.borrow().clone();
    let commands = control::engine_commands(request, &status, state.clock.now(), state.zone)?;
    control::send(&link.commands, commands).await
}

#[tauri::command]
pub async fn settings_set_pin<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    pin: Option<Pin>,
) -> Answer<()> {
    let label = window.label().to_owned();
    let set = blocking(&app, move |settings| settings.set_pin(&label, pin)).await;
    kiosk_changed(&app);
    set
}

#[tauri::command]
pub async fn kiosk_unlock<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    pin: Pin,
) -> Answer<()> {
    let label = window.label().to_owned();
    blocking(&app, move |settings| settings.unlock(&label, &pin)).await
}

/// Runs `job` off the async workers: keyring calls may wait for an unlock prompt, and the PIN
/// hash and file I/O block.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    job: impl FnOnce(&Settings) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    let settings = crate::state(app).settings.clone();
    tauri::async_runtime::spawn_blocking(move || job(&settings))
        .await
        .map_err(|err| UiError::new(ErrorCode::Internal, format!("the command failed: {err}")))?
}

/// The tray hides admin items while the kiosk lock is on: follow the file after a change.
fn kiosk_changed<R: Runtime>(app: &AppHandle<R>) {
    let state = crate::state(app);
    if let Ok(config) = state.settings.config_get() {
        state.status().kiosk_locked = config.settings.kiosk.locked;
    }
    crate::tray::refresh(app);
}
