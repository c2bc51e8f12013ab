//! The body of `presence-relay signals [--json]`: run the sources and print every event.

use std::sync::Arc;

use relay_core::clock::Clock;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::event::SignalEvent;
use crate::supervisor::{SourceSet, Supervisor};

/// How [`watch`] prints events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// `{"at":…,"source":…,"signal":…,"value":…}`, one object per line.
    Json,
    /// Aligned text for people.
    Human,
}

impl LineFormat {
    pub fn line(self, event: &SignalEvent) -> String {
        match self {
            LineFormat::Json => event.to_json_line(),
            LineFormat::Human => event.to_human_line(),
        }
    }
}

/// Runs `sources` and writes one line per event to `out` (flushed per line, so a pipe reader
/// sees each change at once) until `cancel` fires. Each source's health comes first, then its
/// snapshot, then live changes. Returns the write error if `out` goes away.
pub async fn watch<W>(
    sources: SourceSet,
    clock: Arc<dyn Clock>,
    format: LineFormat,
    mut out: W,
    cancel: CancellationToken,
) -> std::io::Result<()>
where
    W: AsyncWrite + Unpin,
{
    let (sink, mut events) = mpsc::channel(64);
    let supervisor = Supervisor::start(sources, sink, clock, cancel.clone());
    let result = async {
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                () = cancel.cancelled() => return Ok(()),
            };
            let Some(event) = event else { return Ok(()) };
            let mut line = format.line(&event);
            line.push('\n');
            out.write_all(line.as_bytes()).await?;
            out.flush().await?;
        }
    }
    .await;
    supervisor.shutdown().await;
    result
}
