//! The simulated tenant over real HTTP on loopback, driven like a Graph client would, with a
//! manual clock so every time-driven behaviour is exact. One test binary: the modules share the
//! helpers and the (slow to generate) test certificate.

mod batch;
mod common;
mod faults;
mod graph_auth;
mod inspection;
mod presence;
mod throttling;
mod tokens;
