//! The Tauri shell: one tokio runtime, the tray, the lazily created settings window and the
//! commands the window may call. It renders state; it decides nothing about presence.

mod commands;
mod console;
mod settings_window;
pub mod status;
mod tray;
pub mod tray_view;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use relay_config::{AppPaths, ConfigParser, ConfigStore, LoadOutcome};
use relay_core::clock::{Clock, SystemClock};
use relay_core::config::ValidConfig;
use relay_engine::{EngineCommand, EngineStatus};
use relay_host::{Host, HostSetup, Tenant};
use tauri::{Emitter, Manager, RunEvent, Runtime};
use tokio::sync::{mpsc, watch};

pub use console::attach_parent_console;
pub use status::{AppStatus, Mode};

/// Shared state of the running app, managed by Tauri.
pub struct AppState {
    pub paths: AppPaths,
    pub status: Mutex<AppStatus>,
    pub clock: Arc<dyn Clock>,
    pub zone: chrono_tz::Tz,
    /// The running relay (absent before it started, after quit, or when it could not start).
    host: tokio::sync::Mutex<Option<Host>>,
    /// Quick handles onto the engine for the tray and commands (no await needed).
    engine: Mutex<Option<EngineLink>>,
}

#[derive(Clone, Debug)]
struct EngineLink {
    commands: mpsc::Sender<EngineCommand>,
    status: watch::Receiver<EngineStatus>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("paths", &self.paths)
            .field("status", &self.status)
            .field("zone", &self.zone)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(paths: AppPaths, status: AppStatus) -> Self {
        Self {
            paths,
            status: Mutex::new(status),
            clock: Arc::new(SystemClock),
            zone: relay_host::system_zone(),
            host: tokio::sync::Mutex::new(None),
            engine: Mutex::new(None),
        }
    }

    /// A poisoned lock only means a panic elsewhere; the status is plain data and still usable.
    pub fn status(&self) -> std::sync::MutexGuard<'_, AppStatus> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn engine_link(&self) -> Option<EngineLink> {
        self.engine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The engine's latest status, when it runs.
    pub fn engine_status(&self) -> Option<EngineStatus> {
        self.engine_link().map(|link| link.status.borrow().clone())
    }

    /// Where engine commands go, when it runs.
    pub fn engine_commands(&self) -> Option<mpsc::Sender<EngineCommand>> {
        self.engine_link().map(|link| link.commands)
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
    let (status, config) = load_status(&paths, &SystemClock);

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

    let state = AppState::new(paths, status);
    let builder = configure(tauri::Builder::default(), state)
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("another launch asked for the settings window");
            settings_window::show(app);
        }))
        .setup(move |app| {
            tray::create(app.handle())?;
            if std::env::var_os(SHOW_SETTINGS_AT_START_ENV).is_some() {
                settings_window::show(app.handle());
            }
            tauri::async_runtime::spawn(start_relay(app.handle().clone(), config));
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

/// Starts the relay (tenant, sources, engine) and keeps the tray and window in step with it.
async fn start_relay<R: Runtime>(app: tauri::AppHandle<R>, config: ValidConfig) {
    let state = crate::state(&app);
    let tenant = match &config.file().connection {
        None => Tenant::Simulated,
        Some(connection) => match relay_host::configured_tenant(connection) {
            Ok(client) => Tenant::Graph(client),
            Err(err) => {
                tracing::error!("cannot start: {err}");
                state.status().start_problem = Some(err.to_string());
                tray::refresh(&app);
                return;
            }
        },
    };
    let sources =
        relay_signals::default_sources_for_this_machine(&relay_signals::SourceOptions::default())
            .await;
    let setup = HostSetup {
        config,
        tenant,
        sources,
        state_dir: state.paths.config_dir.clone(),
        audit_dir: state.paths.log_dir.clone(),
        watch_config: Some(state.paths.config_file()),
        local_zone: state.zone,
    };
    let host = match Host::start(
        setup,
        state.clock.clone(),
        Arc::new(relay_graph::TokioSleeper),
    )
    .await
    {
        Ok(host) => host,
        Err(err) => {
            tracing::error!("cannot start: {err}");
            state.status().start_problem = Some(err.to_string());
            tray::refresh(&app);
            return;
        }
    };
    if let Some(sim) = host.simulator() {
        tracing::info!(
            "simulated tenant at {} (inspect: {})",
            sim.base_url(),
            sim.inspection_url()
        );
    }
    let mut status = host.status();
    let mut problem = host.config_problem();
    *state
        .engine
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(EngineLink {
        commands: host.commands(),
        status: status.clone(),
    });
    *state.host.lock().await = Some(host);
    tracing::info!("relay running");
    tray::refresh(&app);
    // Re-render on every status change, and once a minute for the snooze countdown.
    let mut minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            changed = status.changed() => if changed.is_err() { break },
            changed = problem.changed() => {
                if changed.is_err() { break }
                state.status().config_problem = problem.borrow_and_update().clone();
            }
            _ = minute.tick() => {}
        }
        let now = status.borrow_and_update().clone();
        let _ = app.emit("status-changed", &now);
        tray::refresh(&app);
    }
}

/// Quit: release what we hold (bounded), then end the app with exit code 0.
pub(crate) fn quit<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let host = crate::state(&app).host.lock().await.take();
        if let Some(host) = host {
            tracing::info!("quitting: releasing what this machine holds");
            host.shutdown().await;
        }
        app.exit(0);
    });
}

/// Loads the config and turns it into what the tray shows before the engine runs.
fn load_status(paths: &AppPaths, clock: &dyn Clock) -> (AppStatus, ValidConfig) {
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
            (AppStatus::from_load(&outcome), outcome.config())
        }
        Err(err) => {
            tracing::error!("{err}");
            (AppStatus::unreadable(err.to_string()), ValidConfig::empty())
        }
    }
}

/// The app's state, for commands and the tray.
pub(crate) fn state<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}
