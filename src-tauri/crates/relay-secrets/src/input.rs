//! Reading a secret that is piped in (`--secret-stdin`, `--password-stdin`), so it never appears
//! in a command line, the shell's history or the process list.

use std::io::Read;

use relay_core::Sensitive;

use crate::error::SecretError;

/// More than any secret or password a person pastes; guards against piping in a whole file.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Reads all of `reader` as UTF-8 and drops one trailing line ending (`echo` and here-strings add
/// one; a password never ends with one). `what` names the secret in errors ("client secret").
pub fn read_secret(reader: impl Read, what: &str) -> Result<Sensitive<String>, SecretError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_SECRET_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| SecretError::invalid(what, format!("it cannot be read: {err}")))?;
    if bytes.len() as u64 > MAX_SECRET_BYTES {
        return Err(SecretError::invalid(
            what,
            "the input is larger than 64 KiB; pipe in only the secret",
        ));
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|_| SecretError::invalid(what, "the input is not UTF-8 text"))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(Sensitive::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_one_line_ending_only() {
        let read = |input: &[u8]| read_secret(input, "password").map(Sensitive::into_inner);
        assert_eq!(read(b"pa ss\n"), Ok("pa ss".to_owned()));
        assert_eq!(read(b"pass\r\n"), Ok("pass".to_owned()));
        assert_eq!(read(b"pass\n\n"), Ok("pass\n".to_owned()));
        assert_eq!(read(b" pass"), Ok(" pass".to_owned()));
        assert_eq!(read(b""), Ok(String::new()));
        assert!(matches!(
            read(&[0xff, 0xfe]),
            Err(SecretError::Invalid { .. })
        ));
        let huge = vec![b'a'; 64 * 1024 + 1];
        assert!(matches!(read(&huge), Err(SecretError::Invalid { .. })));
    }
}
