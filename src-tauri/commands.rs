//! The commands the settings window may call, as listed in relay-api's `COMMANDS`, answered in the
//! tray's process. Each is a thin adapter onto relay-settings: the logic, and its tests, live
//! there. The window's web view reaches [`dispatch`] from its own process over the window link
//! (`window_host`), or directly through [`invoke_handler`] when a window lives in this process
//! (the `tauri::test` runtime). Errors reach the UI as `{code, message, issues?}` (relay-api's
//! `UiError`) and the UI branches on `code` only.

use relay_api::{AuditQuery, ConnectionInput, ControlRequest, ErrorCode, Pin, UiError, COMMANDS};
use relay_core::config::ConfigFile;
use relay_settings::app_info::Running;
use relay_settings::errors::engine_unavailable;
use relay_settings::preview::{self, DeskNow};
use relay_settings::{control, selftest, signals, Settings};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{AppHandle, Manager, Runtime};

type Answer<T> = Result<T, UiError>;

/// Whether `name` is one of the window's commands (anything else is "not found", as Tauri says
/// for a command nobody registered).
pub fn is_command(name: &str) -> bool {
    COMMANDS.iter().any(|command| command.name == name)
}

/// Answers `command` invoked by the window labelled `window`, with its arguments as the web view
/// sent them (an object keyed by argument name).
pub async fn dispatch<R: Runtime>(
    app: &AppHandle<R>,
    window: &str,
    command: &str,
    args: Value,
) -> Answer<Value> {
    let call = Call { command, args };
    match command {
        "app_info" => reply(app_info(app, window)),
        "ui_ready" => reply(ui_ready(&call.arg::<String>("page")?)),
        "status" => reply(status(app)),
        "config_get" => reply(blocking(app, Settings::config_get).await),
        "config_validate" => {
            let config: ConfigFile = call.arg("config")?;
            reply(blocking(app, move |settings| settings.config_validate(config)).await)
        }
        "config_save" => {
            let config: ConfigFile = call.arg("config")?;
            let label = window.to_owned();
            let saved = blocking(app, move |settings| settings.config_save(&label, config)).await;
            kiosk_changed(app);
            reply(saved)
        }
        "connection_get" => reply(blocking(app, Settings::connection_get).await),
        "connection_set" => {
            let input: ConnectionInput = call.arg("input")?;
            let label = window.to_owned();
            let now = crate::state(app).clock.now();
            reply(
                blocking(app, move |settings| {
                    settings.connection_set(&label, input, now)
                })
                .await,
            )
        }
        "connection_clear" => {
            let label = window.to_owned();
            reply(blocking(app, move |settings| settings.connection_clear(&label)).await)
        }
        "connection_test" => {
            let prepared = blocking(app, Settings::connection_test_prepare).await?;
            reply(Ok(selftest::finish(prepared, selftest::read_once).await))
        }
        "signals" => reply(signal_views(app)),
        "audit_query" => {
            let query: AuditQuery = call.arg("query")?;
            reply(blocking(app, move |settings| settings.audit_query(&query)).await)
        }
        "control" => reply(control(app, call.arg("request")?).await),
        "rules_preview" => reply(rules_preview(app, call.arg("config")?).await),
        "settings_set_pin" => {
            let pin: Option<Pin> = call.arg("pin")?;
            let label = window.to_owned();
            let set = blocking(app, move |settings| settings.set_pin(&label, pin)).await;
            kiosk_changed(app);
            reply(set)
        }
        "kiosk_unlock" => {
            let pin: Pin = call.arg("pin")?;
            let label = window.to_owned();
            let now = crate::state(app).clock.now();
            reply(blocking(app, move |settings| settings.unlock(&label, &pin, now)).await)
        }
        other => Err(UiError::new(
            ErrorCode::Internal,
            format!("{other} is not a command of the settings window"),
        )),
    }
}

/// Answers an invoke from a web view in this process: the window's commands go to [`dispatch`],
/// anything else is left to Tauri ("not found").
pub fn invoke_handler<R: Runtime>(invoke: Invoke<R>) -> bool {
    let Some(Invoked {
        window,
        command,
        args,
    }) = invoked(&invoke)
    else {
        return false;
    };
    let app = invoke.message.webview().app_handle().clone();
    invoke.resolver.respond_async(async move {
        dispatch(&app, &window, &command, args)
            .await
            .map_err(InvokeError::from)
    });
    true
}

/// One of the window's commands, as a web view invoked it.
pub struct Invoked {
    /// The label of the invoking window.
    pub window: String,
    pub command: String,
    /// The arguments as the web view sent them (an object keyed by argument name).
    pub args: Value,
}

/// The window's command in `invoke`; `None` for anything else (Tauri then answers "not found").
/// Shared by the in-process handler above and the window process's forwarder.
pub fn invoked<R: Runtime>(invoke: &Invoke<R>) -> Option<Invoked> {
    let command = invoke.message.command();
    if !is_command(command) {
        return None;
    }
    let args = match invoke.message.payload() {
        InvokeBody::Json(args) => args.clone(),
        InvokeBody::Raw(_) => Value::Null,
    };
    Some(Invoked {
        window: invoke.message.webview().label().to_owned(),
        command: command.to_owned(),
        args,
    })
}

/// One invocation's arguments.
struct Call<'a> {
    command: &'a str,
    args: Value,
}

impl Call<'_> {
    /// The argument `name`, as its type; a missing or malformed one says which and why.
    fn arg<T: DeserializeOwned>(&self, name: &str) -> Answer<T> {
        let value = self.args.get(name).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|err| {
            UiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "invalid argument `{name}` for command `{}`: {err}",
                    self.command
                ),
            )
        })
    }
}

fn reply<T: Serialize>(answer: Answer<T>) -> Answer<Value> {
    answer.and_then(|value| {
        serde_json::to_value(value).map_err(|err| {
            UiError::new(
                ErrorCode::Internal,
                format!("the answer could not be encoded: {err}"),
            )
        })
    })
}

fn app_info<R: Runtime>(app: &AppHandle<R>, window: &str) -> Answer<relay_api::AppInfo> {
    let state = crate::state(app);
    let running = state.engine_link().map(|link| Running {
        simulated: link.simulated,
        users: link.status.borrow().users.len(),
    });
    let (config_problem, start_problem) = {
        let status = state.status();
        (status.config_problem.clone(), status.start_problem.clone())
    };
    let mut info = state.settings.app_info(window, running, config_problem);
    info.start_problem = start_problem;
    Ok(info)
}

/// The window reports that a page has rendered; logged for support and waited on by smoke tests.
fn ui_ready(page: &str) -> Answer<()> {
    tracing::info!(target: "ui", "settings window rendered page {page:?}");
    Ok(())
}

fn status<R: Runtime>(app: &AppHandle<R>) -> Answer<relay_api::StatusView> {
    relay_settings::status::view(crate::state(app).engine_status().as_ref())
}

fn signal_views<R: Runtime>(app: &AppHandle<R>) -> Answer<Vec<relay_api::SignalView>> {
    let link = crate::state(app)
        .engine_link()
        .ok_or_else(engine_unavailable)?;
    let health = link.signal_health.borrow().clone();
    let latest = link.latest_signals.borrow().clone();
    let calendars = link.latest_calendars.borrow().clone();
    Ok(signals::views(&health, &latest, &calendars))
}

async fn control<R: Runtime>(app: &AppHandle<R>, request: ControlRequest) -> Answer<()> {
    let state = crate::state(app);
    let link = state.engine_link().ok_or_else(engine_unavailable)?;
    let status = link.status.borrow().clone();
    let commands = control::engine_commands(request, &status, state.clock.now(), state.zone)?;
    control::send(&link.commands, commands).await
}

/// What the rules being edited would make Teams show, from the desk's signals as they are now.
/// A replay against a simulated tenant on loopback: it neither blocks nor touches the real one.
async fn rules_preview<R: Runtime>(
    app: &AppHandle<R>,
    config: ConfigFile,
) -> Answer<relay_api::RulesPreview> {
    let state = crate::state(app);
    let desk = state.engine_link().map_or_else(DeskNow::unknown, |link| {
        DeskNow::from_latest(&link.latest_signals.borrow())
            .with_calendars(&link.latest_calendars.borrow())
    });
    preview::rules_preview(config, &desk, state.clock.now(), state.zone).await
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
