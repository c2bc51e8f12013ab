//! `presence-relay signals`: what the local signal sources see, live. Headless: it needs the
//! session and system buses (Linux) but no display.

use std::sync::Arc;

use anyhow::Context;
use relay_core::clock::SystemClock;
use relay_signals::{default_sources_for_this_machine, watch, LineFormat, SourceOptions};
use tokio_util::sync::CancellationToken;

use crate::exit;

pub fn run(json: bool) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let sources = default_sources_for_this_machine(&SourceOptions::default()).await;
        let format = if json {
            LineFormat::Json
        } else {
            LineFormat::Human
        };
        match watch(
            sources,
            Arc::new(SystemClock),
            format,
            tokio::io::stdout(),
            cancel,
        )
        .await
        {
            // A reader that stops listening (`| head`) ends the watch normally.
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(err).context("writing signal events")
            }
            _ => Ok(exit::OK),
        }
    })
}
