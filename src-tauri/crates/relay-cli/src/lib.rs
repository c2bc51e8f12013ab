//! The headless face of Presence Relay: command-line parsing, the commands themselves and logging.
//! Nothing here depends on Tauri, so every command runs over SSH, in scripts and without a display.

pub mod args;
mod commands;
pub mod exit;
pub mod logging;
mod output;

pub use args::{Cli, Command};
pub use commands::run;
