//! What the commands that talk to the keyring or to Graph share: reading the config's
//! connection, the keyring, the credential in it, and a Graph client pointed where the config and
//! the environment say.

use anyhow::Context;
use relay_config::{AppPaths, ConfigParser, ConfigStore};
use relay_core::config::{ConfigIssue, Connection, ValidConfig};
use relay_graph::GraphClient;
use relay_secrets::{KeyringStore, SecretError, StoredCredential};

use crate::exit;
// Shared with the settings window's connection self-test: one wording, one client set-up.
pub use relay_settings::selftest::{
    graph_client, graph_credential, set_command_for, HOW_TO_CONNECT, SIMULATED_MODE,
};

/// The config file as a command finds it.
#[derive(Debug)]
pub enum ConfigRead {
    /// No file yet.
    Missing,
    /// A file that does not validate; nothing may be built on it.
    Invalid(Vec<ConfigIssue>),
    /// Boxed: a config is large, and this is made once per command.
    Valid(Box<ValidConfig>),
}

impl ConfigRead {
    /// The connection, when the file is valid and names one.
    pub fn connection(&self) -> Option<&Connection> {
        match self {
            ConfigRead::Valid(config) => config.file().connection.as_ref(),
            _ => None,
        }
    }
}

/// Reads the config in use without changing anything. Fails only when the file exists but
/// cannot be read.
pub fn read_config(paths: &AppPaths) -> anyhow::Result<ConfigRead> {
    let store = ConfigStore::new(paths.config_file());
    Ok(match store.read(&ConfigParser::new())? {
        None => ConfigRead::Missing,
        Some(Ok(parsed)) => ConfigRead::Valid(Box::new(parsed.config)),
        Some(Err(issues)) => ConfigRead::Invalid(issues),
    })
}

/// One line about an invalid config file, naming the command that lists its problems.
pub fn invalid_config_message(paths: &AppPaths, issues: &[ConfigIssue]) -> String {
    relay_settings::selftest::invalid_config_message(&paths.config_file(), issues)
}

/// Why a command stops before doing its work, and the exit code it leaves with.
#[derive(Debug)]
pub struct Stop {
    pub code: u8,
    pub message: String,
}

impl Stop {
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            code: exit::FAILURE,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: exit::INVALID,
            message: message.into(),
        }
    }

    /// Prints the message to stderr (and the log) and returns the exit code.
    pub fn report(self) -> u8 {
        // At info: stderr shows warnings too, and the message is printed there just below.
        tracing::info!(exit_code = self.code, "stopped: {}", self.message);
        eprintln!("error: {}", self.message);
        self.code
    }
}

/// The connection of the config in use, or why there is none.
pub fn configured_connection(paths: &AppPaths) -> anyhow::Result<Result<Connection, Stop>> {
    Ok(match read_config(paths)? {
        ConfigRead::Invalid(issues) => Err(Stop::invalid(invalid_config_message(paths, &issues))),
        read => match read.connection() {
            Some(connection) => Ok(connection.clone()),
            None => Err(Stop::failure(format!("{SIMULATED_MODE}; {HOW_TO_CONNECT}"))),
        },
    })
}

/// The OS keyring, every call bounded by its default timeout.
pub fn open_keyring() -> Result<KeyringStore, SecretError> {
    KeyringStore::open(KeyringStore::DEFAULT_TIMEOUT)
}

/// The credential of `connection` from the keyring, or why it cannot be had.
pub fn stored_credential(connection: &Connection) -> Result<StoredCredential, Stop> {
    let keyring = open_keyring().map_err(|err| Stop::failure(err.to_string()))?;
    match relay_secrets::load_credential(&keyring, connection) {
        Ok(Some(credential)) => Ok(credential),
        Ok(None) => Err(Stop::failure(format!(
            "no credential for this connection is stored in the OS keyring; store it with `{}`",
            set_command_for(connection)
        ))),
        Err(err) => Err(Stop::failure(err.to_string())),
    }
}

/// The config's connection, its credential and a client for it: everything a presence command
/// needs before it sends anything.
pub fn connect(paths: &AppPaths) -> anyhow::Result<Result<GraphClient, Stop>> {
    let connection = match configured_connection(paths)? {
        Ok(connection) => connection,
        Err(stop) => return Ok(Err(stop)),
    };
    let credential = match stored_credential(&connection) {
        Ok(credential) => graph_credential(credential),
        Err(stop) => return Ok(Err(stop)),
    };
    Ok(graph_client(&connection, credential).map_err(|err| Stop::failure(err.to_string())))
}

/// One runtime per command, on this thread: the commands wait on the network, not the CPU.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
