//! Every command the settings window may invoke, with its arguments and result: the list the
//! shell implements (`src-tauri/commands.rs`) and the TypeScript `Commands` map is generated from.
//!
//! Conventions for the shell:
//! - A command `name(arg: T, …) -> R` is a `#[tauri::command]` whose parameters have exactly
//!   these names (all one word, so Tauri's camelCase argument renaming changes nothing) and
//!   which returns `Result<R, UiError>`.
//! - The web view invokes it as `invoke("name", { arg })`.
//! - Events are emitted to the settings window with the payload type listed in [`EVENTS`].

use ts_rs::TS;

use crate::bindings::TypeCollector;

/// One command the web view may invoke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    /// `(parameter name, Rust type)`, in order.
    pub args: &'static [(&'static str, &'static str)],
    /// The Rust type of the `Ok` value (errors are always `UiError`).
    pub result: &'static str,
    pub doc: &'static str,
}

/// One event the shell emits to the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventSpec {
    pub name: &'static str,
    pub payload: &'static str,
    pub doc: &'static str,
}

/// Declares the commands once; yields [`COMMANDS`] and their TypeScript map.
macro_rules! commands {
    ($( $(#[doc = $doc:literal])+ $name:ident ( $($arg:ident : $ty:ty),* ) -> $result:ty ; )+) => {
        /// The commands, in the order the pages need them.
        pub const COMMANDS: &[CommandSpec] = &[$(
            CommandSpec {
                name: stringify!($name),
                args: &[$((stringify!($arg), stringify!($ty))),*],
                result: stringify!($result),
                doc: concat!($($doc, "\n"),+),
            }
        ),+];

        /// Visits every argument and result type and writes the `Commands` map.
        pub(crate) fn commands_ts(types: &mut TypeCollector) -> String {
            let mut out = String::from(
                "/** Every command: `invoke(name, args)` resolves to `result` or rejects with a `UiError`. */\nexport type Commands = {\n",
            );
            $(
                $(types.visit_root::<$ty>();)*
                types.visit_root::<$result>();
                out.push_str(&crate::bindings::doc_comment(concat!($($doc, "\n"),+), "  "));
                let args: Vec<String> = vec![
                    $(format!("{}: {}", stringify!($arg), <$ty as TS>::name(types.config()))),*
                ];
                let args = if args.is_empty() {
                    String::from("{}")
                } else {
                    format!("{{ {} }}", args.join(", "))
                };
                out.push_str(&format!(
                    "  {}: {{ args: {}; result: {} }};\n",
                    stringify!($name),
                    args,
                    <$result as TS>::name(types.config()),
                ));
            )+
            out.push_str("};\n");
            out
        }
    };
}

/// Declares the events once; yields [`EVENTS`] and their TypeScript map.
macro_rules! events {
    ($( $(#[doc = $doc:literal])+ $name:literal => $payload:ty ; )+) => {
        /// The events the shell emits to the settings window.
        pub const EVENTS: &[EventSpec] = &[$(
            EventSpec { name: $name, payload: stringify!($payload), doc: concat!($($doc, "\n"),+) }
        ),+];

        pub(crate) fn events_ts(types: &mut TypeCollector) -> String {
            let mut out = String::from("/** Every event: `listen(name)` delivers `payload`. */\nexport type Events = {\n");
            $(
                types.visit_root::<$payload>();
                out.push_str(&crate::bindings::doc_comment(concat!($($doc, "\n"),+), "  "));
                out.push_str(&format!("  {:?}: {};\n", $name, <$payload as TS>::name(types.config())));
            )+
            out.push_str("};\n");
            out
        }
    };
}

use crate::app::AppInfo;
use crate::audit::{AuditPage, AuditQuery};
use crate::config::{SaveOutcome, ValidationReport};
use crate::connection::{ConnectionInput, ConnectionTestReport, ConnectionView};
use crate::control::ControlRequest;
use crate::kiosk::Pin;
use crate::preview::RulesPreview;
use crate::signals::SignalView;
use crate::status::StatusView;
use relay_core::config::ConfigFile;

commands! {
    /// Facts for the header and the overview page.
    app_info() -> AppInfo;
    /// The window reports that `page` has rendered (logged: `settings window rendered page
    /// "<page>"`; the smoke test waits for it).
    ui_ready(page: String) -> ();
    /// The engine's last published status (then follow `status-changed`).
    status() -> StatusView;
    /// The config document in use. `settings.kiosk.pin_hash` is left out: the window never sees
    /// it, and `config_validate` / `config_save` put the stored one back.
    config_get() -> ConfigFile;
    /// Validates a document without saving it (for inline errors while editing).
    config_validate(config: ConfigFile) -> ValidationReport;
    /// Validates and saves atomically, then applies it (the engine releases users that were
    /// removed). Refused with `invalid_config` and the issues when it has errors, and with
    /// `kiosk_locked` while the kiosk lock is on and the window is not unlocked.
    config_save(config: ConfigFile) -> SaveOutcome;
    /// What Teams would show for each configured user now and over the next 8 hours under
    /// `config` (the rules being edited, saved or not), with the desk's signals held as they are
    /// now; computed by the engine's simulate path against a simulated tenant, so nothing real
    /// is written. Refused with `invalid_config` and the issues, as `config_validate` finds
    /// them, when `config` has errors.
    rules_preview(config: ConfigFile) -> RulesPreview;
    /// The configured connection, or `null` in demo mode (simulated tenant).
    connection_get() -> Option<ConnectionView>;
    /// Stores the credential in the OS keyring and saves the `connection` section (keeping the
    /// host overrides of the same cloud). Errors: `invalid_input`, `keyring_unavailable`,
    /// `keyring_locked`, `certificate_unusable`, `kiosk_locked`.
    connection_set(input: ConnectionInput) -> ConnectionView;
    /// Removes the connection and its keyring entries: back to the simulated tenant (demo mode).
    connection_clear() -> ();
    /// Runs the connection's self-test step by step (the same steps as `presence-relay
    /// connection test`), each failed step with its fix.
    connection_test() -> ConnectionTestReport;
    /// Every local signal source with its health and last values.
    signals() -> Vec<SignalView>;
    /// The audit log, filtered, newest first.
    audit_query(query: AuditQuery) -> AuditPage;
    /// Pause, resume, snooze or override; the new status follows as `status-changed`.
    control(request: ControlRequest) -> ();
    /// Sets (or with `null` removes) the kiosk PIN; only its salted hash is stored.
    /// Removing it also lifts the lock. Refused with `invalid_input` for a PIN that is not 4 to
    /// 12 digits.
    settings_set_pin(pin: Option<Pin>) -> ();
    /// Unlocks the settings of this window while the kiosk lock is on; `wrong_pin` otherwise.
    kiosk_unlock(pin: Pin) -> ();
}

events! {
    /// The engine published a new status.
    "status-changed" => StatusView;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_args_are_one_word() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "duplicate command names");
        for command in COMMANDS {
            assert!(
                command
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                command.name
            );
            for (arg, _) in command.args {
                assert!(
                    arg.bytes().all(|b| b.is_ascii_lowercase()),
                    "{}: argument {arg} would be renamed by Tauri",
                    command.name
                );
            }
            assert!(
                !command.doc.trim().is_empty(),
                "{} is undocumented",
                command.name
            );
        }
    }

    #[test]
    fn the_pages_have_what_they_need() {
        for needed in [
            "status",
            "config_get",
            "config_validate",
            "config_save",
            "rules_preview",
            "connection_get",
            "connection_set",
            "connection_test",
            "audit_query",
            "signals",
            "control",
            "settings_set_pin",
        ] {
            assert!(COMMANDS.iter().any(|c| c.name == needed), "{needed}");
        }
        assert_eq!(EVENTS[0].name, "status-changed");
        assert_eq!(EVENTS[0].payload, "StatusView");
    }
}
