// No console window on Windows release builds; headless commands attach to the parent console.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The tray starts the settings window as this binary with one private argument.
    if std::env::args_os().nth(1).as_deref()
        == Some(presence_relay_app::WINDOW_PROCESS_ARG.as_ref())
    {
        return presence_relay_app::run_settings_window();
    }
    let cli = relay_cli::Cli::parse();
    match cli.command {
        Some(command) => {
            presence_relay_app::attach_parent_console();
            relay_cli::run(command, cli.json)
        }
        None => presence_relay_app::run_tray(),
    }
}
