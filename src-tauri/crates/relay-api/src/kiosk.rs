//! The kiosk PIN (`settings_set_pin`, `kiosk_unlock`). The PIN is write-only: it arrives in
//! [`Sensitive`] and only its salted hash is kept, by the shell.

use relay_core::Sensitive;
use serde::Deserialize;
use ts_rs::TS;

use crate::secret;

/// A kiosk PIN as typed: 4 to 12 digits (see [`Pin::is_acceptable`]).
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(transparent)]
#[ts(type = "string")]
pub struct Pin(#[serde(deserialize_with = "secret::required")] Sensitive<String>);

impl Pin {
    /// The PIN itself, to hash or compare. Keep call sites few.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// 4 to 12 ASCII digits: short enough to type at a desk, long enough that guessing shows in
    /// the log.
    pub fn is_acceptable(&self) -> bool {
        let pin = self.expose();
        (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(text: &str) -> Pin {
        serde_json::from_value(serde_json::Value::String(text.into())).expect("a string")
    }

    #[test]
    fn pins_are_four_to_twelve_ascii_digits() {
        assert!(pin("0000").is_acceptable());
        assert!(pin("123456789012").is_acceptable());
        assert!(!pin("123").is_acceptable());
        assert!(!pin("1234567890123").is_acceptable());
        assert!(!pin("12a4").is_acceptable());
        assert!(!pin("١٢٣٤").is_acceptable(), "only ASCII digits");
    }

    #[test]
    fn null_means_no_pin_and_nothing_prints_one() {
        let cleared: Option<Pin> = serde_json::from_str("null").expect("null");
        assert!(cleared.is_none());
        let set: Option<Pin> = serde_json::from_str(r#""4711""#).expect("set");
        assert_eq!(set.as_ref().map(Pin::expose), Some("4711"));
        assert!(!format!("{set:?}").contains("4711"));
    }
}
