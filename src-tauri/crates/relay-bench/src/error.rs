//! What can stop a benchmark run.

use std::time::Duration;

/// Why a benchmark could not produce its figures.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("the simulated tenant could not start: {0}")]
    Sim(#[from] relay_sim::SimError),
    #[error("the benchmark's own config was refused ({0}); the scenario in relay-bench's rig.rs needs fixing")]
    Config(String),
    #[error("the Graph client could not be built: {0}")]
    Client(#[from] relay_graph::GraphError),
    #[error("the first-byte server could not {action} on 127.0.0.1: {source}")]
    Server {
        action: &'static str,
        source: std::io::Error,
    },
    #[error(
        "{what} did not finish within {limit:?}; the engine may be stuck (run it alone, with \
         RUST_LOG unset, to tell a slow machine from a stall)"
    )]
    Timeout { what: String, limit: Duration },
    #[error("the engine task ended before the benchmark did")]
    EngineStopped,
    #[error(
        "the simulator's request log lost {lost} records between two reads; raise \
         `request_log_capacity` in rig.rs so every request is counted"
    )]
    LostRecords { lost: u64 },
    #[error("{0}")]
    Unexpected(String),
}
