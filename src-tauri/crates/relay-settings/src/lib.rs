//! What Presence Relay's settings window asks, answered from the config file, the OS keyring,
//! the engine and the audit log: the logic behind every command of `relay-api`, as plain
//! functions and structs that return `Result<_, relay_api::UiError>`, so it is tested without
//! Tauri and the shell's commands stay a few lines each.
//!
//! - [`Settings`]: the commands that read or write the config file and the keyring
//!   (`config_*`, `connection_*`, `settings_set_pin`, `kiosk_unlock`), behind the kiosk lock.
//! - [`app_info`], [`status`], [`control`], [`signals`], [`audit`]: views of the running relay
//!   and the commands that go to its engine.
//! - [`selftest`]: the connection self-test, shared with `presence-relay connection test`.
//! - [`preview`]: the Rules page's preview, replayed by the engine's simulate path.
//!
//! Secrets only travel inward: they arrive in `relay_core::Sensitive`, go to the keyring (or, for
//! the PIN, into a salted hash), and nothing here returns, logs or writes one anywhere else.

pub mod app_info;
pub mod audit;
pub mod config;
pub mod connection;
pub mod control;
pub mod errors;
pub mod kiosk;
pub mod preview;
pub mod selftest;
mod settings;
pub mod signals;
pub mod status;

pub use config::ConfigDocument;
pub use kiosk::{KioskGate, PinHasher};
pub use settings::Settings;
