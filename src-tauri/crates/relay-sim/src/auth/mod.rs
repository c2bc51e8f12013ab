//! The Entra side: the token endpoint, client assertions, and the access tokens Graph checks.

pub(crate) mod access_token;
pub(crate) mod assertion;
pub(crate) mod certificate;
pub(crate) mod entra_error;
pub(crate) mod jwt;
pub(crate) mod token_endpoint;
