//! The simulated directory and presence state, free of HTTP.

pub(crate) mod directory;
pub(crate) mod presence;
pub(crate) mod user;
