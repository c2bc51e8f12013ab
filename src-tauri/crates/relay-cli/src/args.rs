//! Command-line arguments. `presence-relay` with no command starts the tray app (handled by the
//! shell); every subcommand here runs headless.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "presence-relay",
    version,
    about = "Keeps Microsoft Teams presence true at reception desks and kiosks.",
    long_about = "Keeps Microsoft Teams presence true at reception desks and kiosks.\n\n\
        Without a command, starts the tray app. With a command, runs headless: no window and no \
        display needed, so it works over SSH and in deployment scripts.",
    after_help = "Exit codes: 0 success, 1 failure at run time, 2 invalid arguments or config.\n\
        Environment: PRESENCE_RELAY_CONFIG_DIR and PRESENCE_RELAY_LOG_DIR override where files \
        live; RUST_LOG sets log levels (e.g. RUST_LOG=debug)."
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout (for commands that support it).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect, check and install the config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run the simulated tenant (a local Microsoft Graph + sign-in emulator) until Ctrl+C, and
    /// print its URLs and demo credentials.
    Simulator(SimulatorArgs),
    /// Show each local signal source's health, then live changes until interrupted (Ctrl+C).
    /// With --json: one object per line, {"at","source","signal","value"}.
    Signals,
}

#[derive(Debug, clap::Args)]
pub struct SimulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// How many demo users to create.
    #[arg(long, default_value_t = 5)]
    pub users: usize,
    /// Fault injection, e.g. `rate=30,codes=429+500+502+503+504,drop=5,seed=7` (see
    /// docs/SIMULATOR.md); `none` turns it off.
    #[arg(long, default_value = "none")]
    pub faults: relay_sim::FaultSpec,
    /// Seed for the generated IDs and the demo secret.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file and logs live.
    Path,
    /// Print a complete, valid example config to start from (see docs/CONFIG.md).
    Example,
    /// Check a config file (default: the one in use). Exits 2 listing every problem.
    Validate {
        /// The file to check; `-` reads standard input.
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema of the config file (for editors and deployment tooling).
    Schema,
    /// Check FILE and, if it is valid, make it the config in use (atomic replace).
    Import {
        /// The file to install; `-` reads standard input.
        file: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_tray() {
        let cli = Cli::try_parse_from(["presence-relay"]).expect("parses");
        assert!(cli.command.is_none());
    }

    #[test]
    fn json_is_global() {
        let cli =
            Cli::try_parse_from(["presence-relay", "config", "path", "--json"]).expect("parses");
        assert!(cli.json);
        assert!(matches!(
            cli.command,
            Some(Command::Config(ConfigCommand::Path))
        ));
    }

    #[test]
    fn bad_fault_specs_are_usage_errors() {
        let err = Cli::try_parse_from(["presence-relay", "simulator", "--faults", "rate=300"])
            .expect_err("rate over 100");
        assert_eq!(err.exit_code(), 2);
        let ok = Cli::try_parse_from([
            "presence-relay",
            "simulator",
            "--faults",
            "rate=30,codes=429+500,seed=7",
        ]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn unknown_commands_are_usage_errors() {
        let err = Cli::try_parse_from(["presence-relay", "confgi"]).expect_err("typo");
        assert_eq!(err.exit_code(), 2);
    }
}
