// No console window on Windows release builds; headless commands attach to the parent console.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = relay_cli::Cli::parse();
    match cli.command {
        Some(command) => {
            presence_relay_app::attach_parent_console();
            relay_cli::run(command, cli.json)
        }
        None => presence_relay_app::run_tray(),
    }
}
