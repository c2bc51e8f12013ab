//! Helpers shared by the CLI test binaries: a private keyring, the binary in a sandbox, the
//! simulated tenant, and the search for leaked secrets. Each binary uses a different part.
#![allow(dead_code)]

pub mod keyring;
pub mod leaks;
pub mod relay;
pub mod tenant;
