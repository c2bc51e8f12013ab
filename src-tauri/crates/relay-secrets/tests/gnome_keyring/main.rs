//! Credentials against a real gnome-keyring, and against no keyring at all.
//!
//! keyring 3 finds the Secret Service through `DBUS_SESSION_BUS_ADDRESS`, read from the process
//! environment, so each scenario runs in a child process (this same binary, re-executed) with the
//! environment it needs; nothing here mutates its own environment. This binary has no libtest
//! harness (`harness = false`): the parent starts the daemons, runs the children in order, and
//! after each one checks that no file under the directories it controls (the child's config, data,
//! cache, state, runtime and temp directories, the keyring's own files, the captured output)
//! holds a secret, and that the child wrote no file at all.
//!
//! Works inside CI's `dbus-run-session -- tests/with-keyring.sh` and on its own: the session
//! around it is never used. Missing daemons fail the run with an install hint.

#[cfg(target_os = "linux")]
mod daemons;
#[cfg(target_os = "linux")]
mod fixture;
#[cfg(target_os = "linux")]
mod harness;
#[cfg(target_os = "linux")]
mod leaks;
#[cfg(target_os = "linux")]
mod scenarios;

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    harness::main()
}

/// Windows Credential Manager and the macOS keychain are the user's real stores, with no
/// throwaway instance to start; their code paths are compile-checked for those targets.
#[cfg(not(target_os = "linux"))]
fn main() {
    println!("gnome_keyring: the Secret Service scenarios run on Linux only");
}
