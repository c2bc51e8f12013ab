//! Presence Relay's config file: where it lives ([`paths`]), how text becomes a validated config
//! with every problem located ([`parse`]), and how it is stored safely ([`store`]).

pub mod example;
pub mod parse;
pub mod paths;
pub mod schema;
pub mod store;

pub use parse::{ConfigParser, Parsed};
pub use paths::AppPaths;
pub use store::{ConfigStore, LoadOutcome, StoreError};
