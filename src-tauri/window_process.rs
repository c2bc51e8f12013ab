//! The settings window's own process (this binary run with `--settings-window-process` by the
//! tray, see `window_host`). It shows the window and nothing else: every command the web view
//! invokes is forwarded to the tray's process over the window link (standard input and output)
//! and answered there; events and "come to the front" arrive the same way. The process ends when
//! the window closes, or when the tray's process goes away (its end of the link closes).

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use relay_api::window_link::{self, FromWindow, Outcome, ToWindow};
use relay_api::{ErrorCode, UiError};
use serde_json::Value;
use tauri::ipc::{Invoke, InvokeError};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::commands::{invoked, Invoked};
use crate::settings_window;

/// Calls on their way to the tray's process, and who waits for each answer.
#[derive(Clone, Debug)]
struct TrayLink {
    next_id: Arc<AtomicU64>,
    waiting: Arc<Mutex<HashMap<u64, oneshot::Sender<Outcome>>>>,
    outbox: mpsc::UnboundedSender<FromWindow>,
}

impl TrayLink {
    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Outcome>>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn call(&self, window: String, command: String, args: Value) -> Outcome {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.waiting().insert(id, answer);
        let call = FromWindow::Call {
            id,
            window,
            command,
            args,
        };
        if self.outbox.send(call).is_err() {
            self.waiting().remove(&id);
            return tray_gone();
        }
        answered.await.unwrap_or_else(|_| tray_gone())
    }

    fn answer(&self, id: u64, outcome: Outcome) {
        if let Some(waiting) = self.waiting().remove(&id) {
            let _ = waiting.send(outcome);
        }
    }
}

fn tray_gone() -> Outcome {
    let error = UiError::new(
        ErrorCode::Internal,
        "Presence Relay's tray app has stopped, so this window cannot reach it. Close the window \
         and start Presence Relay again.",
    );
    Outcome::Err(serde_json::to_value(error).unwrap_or_default())
}

/// Runs the settings window until it closes.
pub fn run() -> ExitCode {
    // Standard output is the link: logs go to standard error (the tray's, inherited), which the
    // tray's own log file does not take; the tray logs every command it answers.
    let _logging = relay_cli::logging::init_stderr("warn");
    let (outbox, calls) = mpsc::unbounded_channel();
    let link = TrayLink {
        next_id: Arc::new(AtomicU64::new(1)),
        waiting: Arc::default(),
        outbox,
    };
    let reader_link = link.clone();
    let builder = tauri::Builder::default()
        .manage(link)
        .invoke_handler(forward)
        .setup(move |app| {
            settings_window::create(app.handle())?;
            tauri::async_runtime::spawn(write_calls(calls));
            tauri::async_runtime::spawn(read_from_tray(app.handle().clone(), reader_link));
            Ok(())
        });
    let app = match builder.build(crate::context()) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("cannot open the settings window: {err}");
            return ExitCode::FAILURE;
        }
    };
    // Closing the window is the end of this process (Tauri exits with the last window).
    let code = app.run_return(|_, _| {});
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Forwards the web view's invoke of one of the window's commands to the tray's process.
fn forward<R: Runtime>(invoke: Invoke<R>) -> bool {
    let Some(Invoked {
        window,
        command,
        args,
    }) = invoked(&invoke)
    else {
        return false;
    };
    let link = invoke.message.webview().state::<TrayLink>().inner().clone();
    invoke.resolver.respond_async(async move {
        match link.call(window, command, args).await {
            Outcome::Ok(value) => Ok(value),
            Outcome::Err(error) => Err(InvokeError::from(error)),
        }
    });
    true
}

async fn write_calls(calls: mpsc::UnboundedReceiver<FromWindow>) {
    if let Err(err) = crate::window_host::write_lines(tokio::io::stdout(), calls).await {
        tracing::warn!("cannot reach the tray app: {err}");
    }
}

/// Reads answers, events and raises from the tray until it closes the link, then ends.
async fn read_from_tray<R: Runtime>(app: AppHandle<R>, link: TrayLink) {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                tracing::warn!("reading from the tray app failed: {err}");
                break;
            }
        };
        match window_link::decode::<ToWindow>(&line) {
            Ok(ToWindow::Answer { id, outcome }) => link.answer(id, outcome),
            Ok(ToWindow::Event { name, payload }) => {
                if let Err(err) = app.emit(&name, payload) {
                    tracing::debug!("{name} not delivered: {err}");
                }
            }
            Ok(ToWindow::Raise) => settings_window::raise(&app),
            Err(err) => tracing::warn!("{err}"),
        }
    }
    // The tray has gone (quit, crash): a window that can reach nothing should not stay.
    link.waiting().clear();
    app.exit(0);
}
