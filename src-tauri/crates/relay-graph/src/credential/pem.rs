//! Finds PEM blocks (`-----BEGIN LABEL-----`) in text that may hold several (a key and its
//! certificate chain pasted together, with comments or "Bag Attributes" lines between them).

use base64::Engine as _;

/// One decoded PEM block.
pub(crate) struct PemBlock {
    pub label: String,
    pub der: Vec<u8>,
}

/// Every well-formed block in `text`, in order. Text outside blocks is ignored; a block whose
/// body is not base64 is an error that names its label.
pub(crate) fn blocks(text: &str) -> Result<Vec<PemBlock>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = &rest[start + "-----BEGIN ".len()..];
        let label_end = after_begin
            .find("-----")
            .ok_or("a PEM BEGIN line is not closed with -----")?;
        let label = after_begin[..label_end].trim().to_owned();
        let body_start = &after_begin[label_end + "-----".len()..];
        let end_marker = format!("-----END {label}-----");
        let body_end = body_start
            .find(&end_marker)
            .ok_or_else(|| format!("the PEM block \"{label}\" has no END line"))?;
        let body: String = body_start[..body_end]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| format!("the PEM block \"{label}\" is not valid base64"))?;
        found.push(PemBlock { label, der });
        rest = &body_start[body_end + end_marker.len()..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_block_and_skips_text_between() {
        let text = "Bag Attributes\n    localKeyId: 01\n-----BEGIN PRIVATE KEY-----\nAQID\nBA==\n\
                    -----END PRIVATE KEY-----\nsubject=CN=x\n-----BEGIN CERTIFICATE-----\r\nBQY=\r\n\
                    -----END CERTIFICATE-----\n";
        let found = blocks(text).expect("parses");
        let summary: Vec<(&str, &[u8])> = found
            .iter()
            .map(|b| (b.label.as_str(), b.der.as_slice()))
            .collect();
        assert_eq!(
            summary,
            [
                ("PRIVATE KEY", &[1_u8, 2, 3, 4][..]),
                ("CERTIFICATE", &[5_u8, 6][..])
            ]
        );
    }

    #[test]
    fn broken_blocks_are_named() {
        let err = blocks("-----BEGIN CERTIFICATE-----\nAQID").err();
        assert_eq!(
            err.as_deref(),
            Some("the PEM block \"CERTIFICATE\" has no END line")
        );
        let err = blocks("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").err();
        assert_eq!(
            err.as_deref(),
            Some("the PEM block \"CERTIFICATE\" is not valid base64")
        );
        assert!(blocks("no pem here").expect("empty").is_empty());
    }
}
