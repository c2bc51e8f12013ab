//! Writing command output to stdout. A closed pipe (`presence-relay … | head`) is a normal way for
//! a reader to stop listening, so it ends output quietly instead of panicking like `println!`.

use std::io::{self, Write};

/// Writes `text` and a newline to stdout.
pub fn line(text: &str) -> io::Result<()> {
    raw(&format!("{text}\n"))
}

/// Writes `text` to stdout as is.
pub fn raw(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
