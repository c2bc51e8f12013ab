//! A fake systemd-logind on a private bus, for end-to-end tests of the real app (tests/e2e/).
//!
//! Starts a private `dbus-daemon`, serves [`FakeLogind`] on it (one session, unlocked and active)
//! and prints `address=<bus address>` on the first line of standard output: give that to the app
//! as `DBUS_SYSTEM_BUS_ADDRESS`. Then reads one command per line from standard input and answers
//! each with one line, `ok <command>` or `error <command>: <why>`:
//!
//! | command | does |
//! |---|---|
//! | `lock` / `unlock` | sets the session's `LockedHint` and emits `PropertiesChanged` |
//! | `active` / `inactive` | sets `Active` (the session is switched away from or back to) |
//!
//! End of input (or `quit`) leaves the bus and stops the daemon.
//!
//! `cargo run -p relay-signals --features testing --example fake-logind`

use std::io::{BufRead, Write};

use relay_signals::testing::{FakeLogind, FakeSessionState, PrivateBus};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fake-logind: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let bus = PrivateBus::start()?;
    let logind = FakeLogind::serve(&bus, FakeSessionState::default()).await?;
    say(&format!("address={}", bus.address()))?;

    let mut lines = stdin_lines();
    while let Some(line) = lines.recv().await {
        let command = line.trim();
        let done = match command {
            "" => continue,
            "quit" => break,
            "lock" => logind.set_locked(true).await,
            "unlock" => logind.set_locked(false).await,
            "active" => logind.set_active(true).await,
            "inactive" => logind.set_active(false).await,
            other => {
                say(&format!(
                    "error {other}: unknown command (lock, unlock, active, inactive, quit)"
                ))?;
                continue;
            }
        };
        match done {
            Ok(()) => say(&format!("ok {command}"))?,
            Err(err) => say(&format!("error {command}: {err}"))?,
        }
    }
    logind.stop().await?;
    Ok(())
}

/// Standard input, line by line; the channel closes at end of input or on a read error. A plain
/// thread reads it, as a blocking read has no place on the runtime's one thread.
fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// One line to the test driving this process, flushed at once (stdout is a pipe there).
fn say(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}
