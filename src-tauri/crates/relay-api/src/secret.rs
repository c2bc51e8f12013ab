//! Deserializers that put secrets straight into [`Sensitive`] (which deliberately implements
//! `Serialize` only, as a refusal). Used by the write-only argument types.

use relay_core::Sensitive;
use serde::{Deserialize, Deserializer};

pub(crate) fn required<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Sensitive<String>, D::Error> {
    String::deserialize(deserializer).map(Sensitive::new)
}

pub(crate) fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Sensitive<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|value| value.map(Sensitive::new))
}
