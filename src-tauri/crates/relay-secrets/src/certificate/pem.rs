//! Reads and writes PEM text (RFC 7468 blocks, plus the `Proc-Type` headers of OpenSSL's legacy
//! encrypted keys). Files exported by tools often hold several blocks with text between them
//! ("Bag Attributes", `subject=` lines); everything outside a block is ignored.

use base64::Engine as _;

/// One block between `-----BEGIN LABEL-----` and `-----END LABEL-----`.
pub(crate) struct Block {
    pub label: String,
    /// Set when the block carries `Proc-Type: 4,ENCRYPTED` (OpenSSL's pre-PKCS#8 encryption).
    pub legacy_encrypted: bool,
    pub der: Vec<u8>,
}

/// Every block in `text`, in order. A block that is not closed or whose body is not base64 is an
/// error naming its label.
pub(crate) fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut found = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut legacy_encrypted = false;
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.starts_with("-----") {
                return Err(format!(
                    "the PEM block \"{label}\" ends with \"{line}\" instead of \"{end}\""
                ));
            }
            if let Some((name, value)) = line.split_once(':') {
                // RFC 1421 headers, as written by `openssl rsa -aes256` and friends.
                if name.trim() == "Proc-Type" && value.contains("ENCRYPTED") {
                    legacy_encrypted = true;
                }
                continue;
            }
            body.push_str(line);
        }
        if !closed {
            return Err(format!("the PEM block \"{label}\" has no line \"{end}\""));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| format!("the body of the PEM block \"{label}\" is not valid base64"))?;
        found.push(Block {
            label: label.to_owned(),
            legacy_encrypted,
            der,
        });
    }
    Ok(found)
}

/// `der` as a PEM block with 64-character lines, ending in a newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut text = format!("-----BEGIN {label}-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        text.push_str(line);
        text.push('\n');
        rest = tail;
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_among_other_text_and_line_endings() {
        let text = "Bag Attributes\r\n    localKeyId: 01 02\r\n-----BEGIN PRIVATE KEY-----\r\nAQID\r\n\
                    BA==\r\n-----END PRIVATE KEY-----\r\nsubject=CN=x\n  -----BEGIN CERTIFICATE-----\n\
                    BQY=\n-----END CERTIFICATE-----";
        let found = blocks(text).expect("parses");
        let summary: Vec<(&str, &[u8], bool)> = found
            .iter()
            .map(|b| (b.label.as_str(), b.der.as_slice(), b.legacy_encrypted))
            .collect();
        assert_eq!(
            summary,
            [
                ("PRIVATE KEY", &[1_u8, 2, 3, 4][..], false),
                ("CERTIFICATE", &[5_u8, 6][..], false)
            ]
        );
        assert!(blocks("no PEM here").expect("empty is fine").is_empty());
    }

    #[test]
    fn flags_legacy_encryption_headers() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                    DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAQID\n\
                    -----END RSA PRIVATE KEY-----\n";
        let found = blocks(text).expect("parses");
        assert!(found[0].legacy_encrypted);
        assert_eq!(found[0].der, [1, 2, 3]);
    }

    #[test]
    fn broken_blocks_are_named() {
        let unclosed = blocks("-----BEGIN CERTIFICATE-----\nAQID").err();
        assert_eq!(
            unclosed.as_deref(),
            Some("the PEM block \"CERTIFICATE\" has no line \"-----END CERTIFICATE-----\"")
        );
        let bad_body = blocks("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").err();
        assert_eq!(
            bad_body.as_deref(),
            Some("the body of the PEM block \"CERTIFICATE\" is not valid base64")
        );
        let crossed =
            blocks("-----BEGIN CERTIFICATE-----\nAQID\n-----END PRIVATE KEY-----\n").err();
        assert!(crossed.is_some_and(|e| e.contains("instead of")));
    }

    #[test]
    fn encode_then_read_gives_the_same_bytes() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode("CERTIFICATE", &der);
        assert!(text.lines().all(|line| line.len() <= 64));
        assert!(text.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(text.ends_with("-----END CERTIFICATE-----\n"));
        let back = blocks(&text).expect("reads back");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].der, der);
    }
}
