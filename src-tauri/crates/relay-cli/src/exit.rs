//! Exit codes shared by every command, so scripts can branch on them.

use std::process::ExitCode;

/// The command did what was asked.
pub const OK: u8 = 0;
/// Something failed at run time (I/O, network, keyring); the message says what to do.
pub const FAILURE: u8 = 1;
/// The input was wrong: bad arguments, or a config that does not validate.
pub const INVALID: u8 = 2;

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
