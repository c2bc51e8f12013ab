//! The tray's side of the settings window: the window lives in a child process (this binary run
//! with [`WINDOW_PROCESS_ARG`], see `window_process`) that ends when the window closes, so what
//! WebKit maps for a window (the web context, its network process, GL) goes with it and the tray
//! idles small (docs/BENCHMARKS.md, "Tray memory"). Here we start that process, answer the
//! commands it forwards with `commands::dispatch`, push events to it, and raise it when asked
//! again. The wire is relay-api's `window_link`.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use relay_api::window_link::{self, FromWindow, Outcome, ToWindow};
use tauri::{AppHandle, Runtime};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::mpsc;

/// The argument that makes this binary run the settings window instead of the tray.
pub const WINDOW_PROCESS_ARG: &str = "--settings-window-process";

/// The settings window's process, while one runs.
#[derive(Debug, Default)]
pub struct WindowHost {
    running: Mutex<Option<Running>>,
    /// Numbers the window processes started so far.
    started: AtomicU64,
    /// Environment variables the tray set for itself only (`GDK_GL`), taken back out for the
    /// window's process.
    tray_only_env: Vec<&'static str>,
}

#[derive(Debug)]
struct Running {
    /// Tells one window's process from the next, so a late exit does not forget a newer one.
    generation: u64,
    to_window: mpsc::UnboundedSender<ToWindow>,
}

impl WindowHost {
    pub fn new(tray_only_env: Vec<&'static str>) -> Self {
        Self {
            running: Mutex::new(None),
            started: AtomicU64::new(0),
            tray_only_env,
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Pushes an event to the window, if one is open; with none open the payload is not even
    /// encoded (status changes are frequent with many users).
    pub fn emit(&self, name: &str, payload: &impl serde::Serialize) {
        let running = self.running();
        let Some(open) = running.as_ref() else {
            return;
        };
        match serde_json::to_value(payload) {
            Ok(payload) => {
                // A window closing meanwhile is no error: nobody is waiting for the event.
                let _ = open.to_window.send(ToWindow::Event {
                    name: name.to_owned(),
                    payload,
                });
            }
            Err(err) => tracing::warn!("{name} could not be encoded: {err}"),
        }
    }
}

/// Shows the settings window: brings the open one to the front, or starts its process.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    let state = crate::state(app);
    let host = &state.window;
    let mut running = host.running();
    if let Some(open) = running.as_ref() {
        if open.to_window.send(ToWindow::Raise).is_ok() {
            return;
        }
    }
    let generation = host.started.fetch_add(1, Ordering::Relaxed) + 1;
    // Spawning registers the child with tokio's reaper: it must happen inside the runtime, and
    // the tray menu calls us from the GUI thread.
    let _runtime = tauri::async_runtime::handle().inner().enter();
    let child = match start_process(&host.tray_only_env) {
        Ok(child) => child,
        Err(err) => {
            tracing::error!("cannot open the settings window: {err}");
            return;
        }
    };
    let (to_window, outbox) = mpsc::unbounded_channel();
    *running = Some(Running {
        generation,
        to_window: to_window.clone(),
    });
    drop(running);
    tracing::info!("settings window opened (process {:?})", child.id());
    tauri::async_runtime::spawn(serve(app.clone(), child, generation, to_window, outbox));
}

fn start_process(tray_only_env: &[&'static str]) -> std::io::Result<Child> {
    let exe = std::env::current_exe()?;
    let mut command = Command::new(exe);
    command
        .arg(WINDOW_PROCESS_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for name in tray_only_env {
        command.env_remove(name);
    }
    command.spawn()
}

/// Answers the window's process until it ends, then forgets it.
async fn serve<R: Runtime>(
    app: AppHandle<R>,
    mut child: Child,
    generation: u64,
    to_window: mpsc::UnboundedSender<ToWindow>,
    outbox: mpsc::UnboundedReceiver<ToWindow>,
) {
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        tracing::error!("the settings window's process has no pipes; ending it");
        let _ = child.kill().await;
        forget(&app, generation);
        return;
    };
    let writer = tauri::async_runtime::spawn(async move {
        if let Err(err) = write_lines(stdin, outbox).await {
            tracing::debug!("the settings window's process stopped reading: {err}");
        }
    });
    let windows = read_calls(&app, stdout, &to_window).await;
    // The process closed its output: it is ending (the window closed) or has crashed.
    forget(&app, generation);
    writer.abort();
    match child.wait().await {
        Ok(status) if status.success() => tracing::info!("settings window closed"),
        Ok(status) => tracing::warn!("the settings window's process ended: {status}"),
        Err(err) => tracing::warn!("the settings window's process could not be waited for: {err}"),
    }
    // An unlocked window stays unlocked only until it closes.
    let state = crate::state(&app);
    for window in windows {
        state.settings.window_closed(&window);
    }
}

/// Reads calls until the process closes its output; answers each in its own task so a slow one
/// (a keyring prompt, the connection test) does not hold up the others. Returns the labels of
/// the windows that called.
async fn read_calls<R: Runtime>(
    app: &AppHandle<R>,
    stdout: ChildStdout,
    to_window: &mpsc::UnboundedSender<ToWindow>,
) -> Vec<String> {
    let mut windows: Vec<String> = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                tracing::warn!("reading from the settings window's process failed: {err}");
                break;
            }
        };
        let FromWindow::Call {
            id,
            window,
            command,
            args,
        } = match window_link::decode::<FromWindow>(&line) {
            Ok(call) => call,
            Err(err) => {
                tracing::warn!("{err}");
                continue;
            }
        };
        if !windows.contains(&window) {
            windows.push(window.clone());
        }
        let (app, to_window) = (app.clone(), to_window.clone());
        tauri::async_runtime::spawn(async move {
            let outcome = match crate::commands::dispatch(&app, &window, &command, args).await {
                Ok(value) => Outcome::Ok(value),
                Err(error) => Outcome::Err(serde_json::to_value(error).unwrap_or_default()),
            };
            // The window may have closed meanwhile; nobody is waiting then.
            let _ = to_window.send(ToWindow::Answer { id, outcome });
        });
    }
    windows
}

/// Writes each message of `outbox` as one line to `writer` until the outbox closes or the other
/// process stops reading (the error says why). Both ends of the link use it.
pub(crate) async fn write_lines<W, T>(
    mut writer: W,
    mut outbox: mpsc::UnboundedReceiver<T>,
) -> std::io::Result<()>
where
    W: tokio::io::AsyncWrite + Unpin,
    T: serde::Serialize,
{
    while let Some(message) = outbox.recv().await {
        let mut line = window_link::encode(&message);
        line.push('\n');
        writer.write_all(line.as_bytes()).await?;
        writer.flush().await?;
    }
    Ok(())
}

fn forget<R: Runtime>(app: &AppHandle<R>, generation: u64) {
    let state = crate::state(app);
    let mut running = state.window.running();
    if running.as_ref().map(|open| open.generation) == Some(generation) {
        *running = None;
    }
}
