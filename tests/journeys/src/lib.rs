//! Engine journeys live in `tests/`: each one runs the real `Reconciler` and the real Graph client
//! over loopback HTTP against the simulated tenant, on one `ManualClock`, and asserts the exact
//! writes and what Teams shows over virtual time (see `tests/journey/mod.rs` for the harness).
//! This crate has no code of its own; it exists so the journeys build without the Tauri shell.
