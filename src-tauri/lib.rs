//! The Tauri shell: one tokio runtime, the tray, the lazily created settings window and the
//! commands the window may call. It renders state; it decides nothing about presence.

mod commands;
mod console;
mod settings_window;
pub mod status;
mod tray;

use std::process::ExitCode;
use std::sync::Mutex;

use relay_config::{AppPaths, ConfigParser, ConfigStore, LoadOutcome};
use relay_core::clock::{Clock, SystemClock};
use tauri::{Manager, RunEvent, Runtime};

pub use console::attach_parent_console;
pub use status::{AppStatus, Mode};

/// Shared state of the running app, managed by Tauri.
#[derive(Debug)]
pub struct AppState {
    pub paths: AppPaths,
    pub status: Mutex<AppStatus>,
}

impl AppState {
    /// A poisoned lock only means a panic elsewhere; the status is plain data and still usable.
    pub fn status(&self) -> std::sync::MutexGuard<'_, AppStatus> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Starts the tray app and blocks until it quits.
pub fn run_tray() -> ExitCode {
    let paths = match AppPaths::from_env() {
        Ok(paths) => paths,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let _logging = relay_cli::logging::init(&relay_cli::logging::LogSetup {
        log_dir: &paths.log_dir,
        file_level: "info",
        stderr_level: Some("info"),
    });
    let status = load_status(&paths, &SystemClock);

    // One runtime for the whole process, shared with Tauri.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("presence-relay")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());

    let state = AppState {
        paths,
        status: Mutex::new(status),
    };
    let builder = configure(tauri::Builder::default(), state)
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("another launch asked for the settings window");
            settings_window::show(app);
        }))
        .setup(|app| {
            tray::create(app.handle())?;
            if std::env::var_os(SHOW_SETTINGS_AT_START_ENV).is_some() {
                settings_window::show(app.handle());
            }
            Ok(())
        });
    let app = match builder.build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("cannot start the tray app: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("Presence Relay {} started", env!("CARGO_PKG_VERSION"));
    let exit_code = app.run_return(|_app, event| {
        // Closing the last window must not end a tray app; only Quit (an explicit exit) does.
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            api.prevent_exit();
        }
    });
    tracing::info!("Presence Relay stopped");
    ExitCode::from(u8::try_from(exit_code).unwrap_or(1))
}

/// State and commands: the part shared by the real app and the `tauri::test` mock runtime (the
/// tray and the single-instance plugin need a desktop session, so `run_tray` adds them).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready
        ])
}

/// Set to open the settings window at start (end-to-end tests need it visible to click in it).
const SHOW_SETTINGS_AT_START_ENV: &str = "PRESENCE_RELAY_SHOW_SETTINGS";

/// Loads the config and turns it into what the tray shows before the engine runs.
fn load_status(paths: &AppPaths, clock: &dyn Clock) -> AppStatus {
    let store = ConfigStore::new(paths.config_file());
    match store.load_at_start(&ConfigParser::new(), clock.now()) {
        Ok(outcome) => {
            if let LoadOutcome::MovedAside { moved_to, issues } = &outcome {
                tracing::error!(
                    "the config file was unusable and was moved aside to {}; starting unconfigured",
                    moved_to.display()
                );
                for issue in issues {
                    tracing::error!("{issue}");
                }
            }
            AppStatus::from_load(&outcome)
        }
        Err(err) => {
            tracing::error!("{err}");
            AppStatus::unreadable(err.to_string())
        }
    }
}

/// The app's state, for commands and the tray.
pub(crate) fn state<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}
