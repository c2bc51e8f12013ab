//! Benchmarks of the Presence Relay engine against real parts: the real [`relay_engine`]
//! (reconciler and driver), the real Graph client over loopback HTTP, and the simulated tenant
//! with Graph's documented presence budget.
//!
//! - [`overhead`]: a signal event to the first byte of the Graph request it causes, in real time.
//! - [`fanout`]: the requests and the time it takes to bring N users to a new state.
//! - [`steady`]: what holding many users costs per hour (requests, 429s, engine wake-ups).
//!
//! The binary (`cargo run --release -p relay-bench -- all`) prints the figures that
//! `docs/BENCHMARKS.md` records. Nothing here asserts on time; the smoke test only checks that a
//! `--quick` run completes and reports every figure.

pub mod cpu;
pub mod error;
pub mod fanout;
pub mod first_byte;
pub mod overhead;
pub mod rig;
pub mod stats;
pub mod steady;
pub mod traffic;

pub use error::BenchError;
