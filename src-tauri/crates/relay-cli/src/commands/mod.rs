//! Dispatch of headless commands. Each command returns an exit code; unexpected failures come
//! back as `anyhow` errors with context and are printed once, here.

mod audit;
mod calendar;
mod config;
mod connect;
mod connection;
mod credentials;
mod presence;
mod run;
mod signals;
mod simulate;
mod simulator;
mod until_done;

use std::process::ExitCode;

use relay_config::AppPaths;

use crate::args::Command;
use crate::exit;
use crate::logging;

/// Runs one headless command and returns the process exit code.
pub fn run(command: Command, json: bool) -> ExitCode {
    let paths = match AppPaths::from_env() {
        Ok(paths) => paths,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::code(exit::FAILURE);
        }
    };
    let _logging = logging::init_headless(&paths.log_dir);
    let result = match command {
        Command::Config(command) => config::run(command, &paths, json),
        Command::Credentials(command) => credentials::run(command, &paths, json),
        Command::Connection(command) => connection::run(command, &paths, json),
        Command::Presence(command) => presence::run(command, &paths, json),
        Command::Run(args) => run::run(&args, &paths, json),
        Command::Audit(args) => audit::run(&args, &paths, json),
        Command::Signals => signals::run(json),
        Command::Calendar(command) => calendar::run(command, json),
        Command::Simulator(args) => simulator::run(args, json),
        Command::Simulate(args) => simulate::run(args, &paths, json),
    };
    match result {
        Ok(code) => exit::code(code),
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            exit::code(exit::FAILURE)
        }
    }
}
