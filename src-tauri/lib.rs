//! The Tauri shell: one tokio runtime, the tray, the lazily created settings window and the
//! commands the window may call. It renders state; it decides nothing about presence.

mod commands;
mod console;
mod panel_shade;
mod settings_window;
pub mod status;
mod tray;
pub mod tray_view;
mod window_host;
mod window_process;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use relay_api::StatusView;
use relay_config::{AppPaths, ConfigParser, ConfigStore, LoadOutcome};
use relay_core::clock::{Clock, SystemClock};
use relay_core::config::ValidConfig;
use relay_engine::{EngineCommand, EngineStatus};
use relay_host::{Host, HostSetup, LatestCalendars, LatestSignals, Tenant};
use relay_secrets::{KeyringStore, SecretStore};
use relay_settings::Settings;
use relay_signals::HealthMap;
use tauri::{Manager, RunEvent, Runtime, WindowEvent};
use tokio::sync::{mpsc, watch};

pub use console::attach_parent_console;
pub use status::{AppStatus, Mode};
pub use window_host::WINDOW_PROCESS_ARG;
pub use window_process::run as run_settings_window;

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
    /// What the settings window's commands read and change (config file, keyring, kiosk lock).
    settings: Arc<Settings>,
    /// The settings window's process, while the window is open.
    window: window_host::WindowHost,
    /// The shade of the panel the tray icon sits on, as last asked.
    panel: Mutex<tray_view::PanelShade>,
}

#[derive(Clone, Debug)]
pub(crate) struct EngineLink {
    commands: mpsc::Sender<EngineCommand>,
    status: watch::Receiver<EngineStatus>,
    signal_health: watch::Receiver<HealthMap>,
    latest_signals: watch::Receiver<LatestSignals>,
    latest_calendars: watch::Receiver<LatestCalendars>,
    /// Presence goes to the built-in simulated tenant.
    simulated: bool,
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
        let secrets = KeyringStore::open(KeyringStore::DEFAULT_TIMEOUT)
            .map(|keyring| Arc::new(keyring) as Arc<dyn SecretStore>);
        let settings = Settings::new(paths.config_file(), paths.log_dir.clone(), secrets);
        Self {
            paths,
            status: Mutex::new(status),
            clock: Arc::new(SystemClock),
            zone: relay_host::system_zone(),
            host: tokio::sync::Mutex::new(None),
            engine: Mutex::new(None),
            settings: Arc::new(settings),
            window: window_host::WindowHost::default(),
            panel: Mutex::new(panel_shade::DEFAULT),
        }
    }

    /// Environment variables the tray set for itself, to be taken out for the window's process.
    pub fn with_tray_only_env(mut self, names: Vec<&'static str>) -> Self {
        self.window = window_host::WindowHost::new(names);
        self
    }

    /// Other settings than the OS keyring and the app's paths (tests: a `MemoryStore`).
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = Arc::new(settings);
        self
    }

    /// A poisoned lock only means a panic elsewhere; the status is plain data and still usable.
    pub fn status(&self) -> std::sync::MutexGuard<'_, AppStatus> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn engine_link(&self) -> Option<EngineLink> {
        self.engine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub(crate) fn panel_shade(&self) -> tray_view::PanelShade {
        *self
            .panel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    // Before any thread starts (setting the environment is not thread-safe).
    let tray_only_env = keep_gl_out_of_the_tray();
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
        // The tray's work is waiting (timers, D-Bus, HTTP paced by Graph's budget), not
        // computing: two workers serve it on any machine, where the default (one per core) would
        // park a thread and its allocator arena per core of a 16-core desk for nothing.
        .worker_threads(TRAY_WORKER_THREADS)
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

    let state = AppState::new(paths, status).with_tray_only_env(tray_only_env);
    let builder = configure(tauri::Builder::default(), state)
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("another launch asked for the settings window");
            window_host::show(app);
        }))
        .setup(move |app| {
            tray::create(app.handle())?;
            if std::env::var_os(SHOW_SETTINGS_AT_START_ENV).is_some() {
                window_host::show(app.handle());
            }
            tauri::async_runtime::spawn(start_relay(app.handle().clone(), config));
            tauri::async_runtime::spawn(follow_panel_shade(app.handle().clone()));
            Ok(())
        });
    let app = match builder.build(context()) {
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

/// The app's Tauri context (config, assets, ACL), one copy for the tray and the window's process.
pub(crate) fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

/// The tray draws no GL, but GTK opens the GL driver with the display, and without a GPU that is
/// Mesa's llvmpipe: about 50 MiB the tray would carry for nothing (docs/BENCHMARKS.md, "Tray
/// memory"). The settings window's process gets the variable back as it was (unset). Returns
/// what was set, for `WindowHost`. A value the user set is left alone.
fn keep_gl_out_of_the_tray() -> Vec<&'static str> {
    const GDK_GL: &str = "GDK_GL";
    if cfg!(target_os = "linux") && std::env::var_os(GDK_GL).is_none() {
        std::env::set_var(GDK_GL, "disable");
        vec![GDK_GL]
    } else {
        Vec::new()
    }
}

/// State and commands: the part shared by the real app and the `tauri::test` mock runtime (the
/// tray and the single-instance plugin need a desktop session, so `run_tray` adds them).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .on_window_event(|window, event| {
            // An unlocked window stays unlocked only until it closes.
            if let WindowEvent::Destroyed = event {
                crate::state(window.app_handle())
                    .settings
                    .window_closed(window.label());
            }
        })
        // The app's own windows live in their own process (`window_host`); a web view in this
        // one (the `tauri::test` runtime) is answered directly, by the same dispatch.
        .invoke_handler(commands::invoke_handler)
}

/// Async worker threads of the tray's runtime.
const TRAY_WORKER_THREADS: usize = 2;

/// Set to open the settings window at start (end-to-end tests need it visible to click in it).
const SHOW_SETTINGS_AT_START_ENV: &str = "PRESENCE_RELAY_SHOW_SETTINGS";

/// Starts the relay (tenant, sources, engine) and keeps the tray and window in step with it.
async fn start_relay<R: Runtime>(app: tauri::AppHandle<R>, config: ValidConfig) {
    let state = crate::state(&app);
    apply_start_at_login(config.file().settings.start_at_login);
    state.status().start_problem = None;
    let tenant = match &config.file().connection {
        None => Tenant::Simulated,
        Some(connection) => match relay_host::configured_tenant(connection) {
            Ok(client) => Tenant::Graph(client),
            Err(err) => {
                tracing::error!("cannot start: {err}");
                state.status().start_problem = Some(err.to_string());
                if let relay_host::ConnectError::Keyring(_) = err {
                    notify_now(relay_notify::Note {
                        title: "The OS keyring cannot be used".into(),
                        body: err.to_string(),
                    });
                }
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
        notifier: Some(Arc::new(relay_notify::DesktopNotifier)),
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
    let mut restart = host.restart_needed();
    let (mut problem_closed, mut restart_closed) = (false, false);
    *state
        .engine
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(EngineLink {
        commands: host.commands(),
        status: status.clone(),
        signal_health: host.signal_health(),
        latest_signals: host.latest_signals(),
        latest_calendars: host.latest_calendars(),
        simulated: host.simulator().is_some(),
    });
    *state.host.lock().await = Some(host);
    tracing::info!("relay running");
    tray::refresh(&app);
    // Re-render on every status change, and once a minute for the snooze countdown.
    let mut minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            changed = status.changed() => if changed.is_err() { break },
            // The watcher's channels close only when the relay stops; then stop listening to
            // them rather than ending this loop (the engine's status decides that).
            changed = problem.changed(), if !problem_closed => {
                match changed {
                    Ok(()) => {
                        state.status().config_problem = problem.borrow_and_update().clone();
                    }
                    Err(_) => problem_closed = true,
                }
            }
            changed = restart.changed(), if !restart_closed => {
                if changed.is_err() {
                    restart_closed = true;
                }
            }
            _ = minute.tick() => {}
        }
        let next = restart.borrow_and_update().clone();
        if let Some(next) = next {
            restart_relay(app.clone(), *next);
            return;
        }
        let now = StatusView::from(&*status.borrow_and_update());
        emit_status(&app, &now);
        tray::refresh(&app);
    }
}

/// Tells the settings window's process, when one is open, the engine's new status. (The app's
/// web views all live in that process; this one has none.)
fn emit_status<R: Runtime>(app: &tauri::AppHandle<R>, now: &StatusView) {
    crate::state(app).window.emit("status-changed", now);
}

/// Keeps the tray icon's variant in step with the panel's shade (a theme switch while running).
async fn follow_panel_shade<R: Runtime>(app: tauri::AppHandle<R>) {
    let mut detector = panel_shade::Detector::default();
    loop {
        if let Some(shade) = detector.detect().await {
            let changed = {
                let state = crate::state(&app);
                let mut panel = state
                    .panel
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                std::mem::replace(&mut *panel, shade) != shade
            };
            if changed {
                tracing::info!("the tray's panel is {shade:?}: icons follow");
                tray::refresh(&app);
            }
        }
        tokio::time::sleep(panel_shade::RECHECK).await;
    }
}

/// A new connection (wizard, `credentials set`): release what the running relay holds, then
/// start one with the new config.
fn restart_relay<R: Runtime>(app: tauri::AppHandle<R>, config: ValidConfig) {
    tauri::async_runtime::spawn(async move {
        let state = crate::state(&app);
        *state
            .engine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        let host = state.host.lock().await.take();
        if let Some(host) = host {
            tracing::info!("the connection changed: restarting the relay");
            host.shutdown().await;
        }
        {
            let mut status = state.status();
            status.mode = if config.file().connection.is_some() {
                Mode::Tenant
            } else {
                Mode::Simulated
            };
            status.users = config.file().users.len();
        }
        start_relay(app.clone(), config).await;
    });
}

/// Makes the start-at-login entry match the setting (on by default for new installs).
fn apply_start_at_login(enabled: bool) {
    match relay_autostart::apply(enabled) {
        Ok(relay_autostart::Applied::Unchanged) => {}
        Ok(applied) => tracing::info!("start at login: {applied:?}"),
        Err(err) => tracing::warn!("start at login: {err}"),
    }
}

/// Shows one notification off the async runtime (a blocking D-Bus call); a desktop without a
/// notification daemon is only logged.
fn notify_now(note: relay_notify::Note) {
    tauri::async_runtime::spawn_blocking(move || {
        use relay_notify::Notifier as _;
        if let Err(err) = relay_notify::DesktopNotifier.show(&note) {
            tracing::info!("{err}");
        }
    });
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
