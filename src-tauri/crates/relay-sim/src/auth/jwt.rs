//! Compact JWS plumbing: base64url segments and JSON header/claims. No policy lives here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

pub(crate) fn encode_segment(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url, tolerating the `=` padding some encoders add.
pub(crate) fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment.trim_end_matches('=')).ok()
}

/// A token split into its parts, with the header and claims parsed as JSON objects.
#[derive(Debug)]
pub(crate) struct CompactJws<'a> {
    /// `header.payload`: the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    pub(crate) signature: Vec<u8>,
}

impl<'a> CompactJws<'a> {
    /// Splits and decodes `header.payload.signature`; `None` when it is not a well-formed JWS.
    pub(crate) fn parse(token: &'a str) -> Option<Self> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        if payload.contains('.') {
            return None;
        }
        let header = json_object(&decode_segment(header)?)?;
        let claims = json_object(&decode_segment(payload)?)?;
        Some(Self {
            signing_input,
            header,
            claims,
            signature: decode_segment(signature)?,
        })
    }

    pub(crate) fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    pub(crate) fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A NumericDate claim (seconds since the epoch); JSON floats are truncated.
    pub(crate) fn claim_seconds(&self, name: &str) -> Option<i64> {
        let value = self.claims.get(name)?;
        // Truncating a fractional NumericDate to whole seconds is what the JWT spec allows.
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|seconds| seconds as i64))
    }
}

fn json_object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// `base64url(header).base64url(claims)`, ready to be signed.
pub(crate) fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        encode_segment(header.to_string().as_bytes()),
        encode_segment(claims.to_string().as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn round_trips_and_rejects_malformed_tokens() {
        let input = signing_input(&json!({"alg": "HS256"}), &json!({"exp": 5, "sub": "x"}));
        let token = format!("{input}.{}", encode_segment(b"sig"));
        let jws = CompactJws::parse(&token).expect("well formed");
        assert_eq!(jws.header_str("alg"), Some("HS256"));
        assert_eq!(jws.claim_seconds("exp"), Some(5));
        assert_eq!(jws.claim_str("sub"), Some("x"));
        assert_eq!(jws.signature, b"sig");
        assert_eq!(jws.signing_input, input);

        for bad in ["", "a.b", "a.b.c.d", "!!.e30.c2ln", "e30.W10.c2ln"] {
            assert!(CompactJws::parse(bad).is_none(), "{bad}");
        }
    }
}
