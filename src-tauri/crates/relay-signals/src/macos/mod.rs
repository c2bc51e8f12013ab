//! macOS sources.
//!
//! - `macos-session`: a thread with its own run loop observing the distributed notifications
//!   `com.apple.screenIsLocked` / `com.apple.screenIsUnlocked` and the `NSWorkspace`
//!   notifications for sleep, wake, fast user switching and power-off; the lock state at start
//!   comes from `CGSessionCopyCurrentDictionary`.
//! - `macos-idle`: `CGEventSourceSecondsSinceLastEventType`, polled.
//! - Focus / do-not-disturb: no API a Developer-ID app may use; reported unsupported, and the
//!   tray offers a manual toggle instead.
//!
//! Compile-checked for `aarch64-apple-darwin` in CI; behaviour needs a Mac (docs/SIGNALS.md
//! has the manual checklist).

mod notifications;

use std::time::Duration;

use objc2_core_graphics::{CGEventSource, CGEventSourceStateID, CGEventType};

use crate::event::{Signal, SourceName};
use crate::poll::{IdlePollSource, IdleProbe, ProbeError};
use crate::source::{Request, SignalSource, SourceContext, SourceError};
use crate::{Health, SourceOptions, SourceSet};

/// Seconds since the last keyboard, mouse or trackpad input in this login session.
#[derive(Clone, Copy, Debug, Default)]
pub struct MacIdle;

impl IdleProbe for MacIdle {
    fn idle_for(&mut self) -> Result<Duration, ProbeError> {
        // kCGAnyInputEventType is ~0.
        let seconds = CGEventSource::seconds_since_last_event_type(
            CGEventSourceStateID::CombinedSessionState,
            CGEventType(u32::MAX),
        );
        Duration::try_from_secs_f64(seconds)
            .map_err(|e| ProbeError::Failed(format!("CGEventSource idle time {seconds}: {e}")))
    }
}

/// Lock, sleep / wake, user switch and power-off from AppKit notifications.
#[derive(Debug, Default)]
pub struct MacSessionSource;

impl MacSessionSource {
    pub const NAME: SourceName = SourceName::fixed("macos-session");
}

#[async_trait::async_trait]
impl SignalSource for MacSessionSource {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let (tx, mut signals) = tokio::sync::mpsc::unbounded_channel();
        let _observer = notifications::ObserverThread::start(tx)
            .map_err(|e| SourceError::failed("starting the notification thread", e))?;
        ctx.report(Health::Live).await?;
        emit_lock_state(ctx).await?;
        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(()),
                    Request::Resync => emit_lock_state(ctx).await?,
                },
                signal = signals.recv() => match signal {
                    Some(signal) => ctx.emit(signal).await?,
                    None => return Err(SourceError::failed("the notification thread", "it stopped")),
                },
            }
        }
    }
}

async fn emit_lock_state(ctx: &SourceContext) -> Result<(), SourceError> {
    match notifications::screen_is_locked() {
        Some(locked) => ctx.emit(Signal::Locked(locked)).await,
        None => {
            ctx.report(Health::Degraded(
                "CGSessionCopyCurrentDictionary returned nothing (no window server session?)"
                    .into(),
            ))
            .await
        }
    }
}

/// The macOS sources.
pub fn default_sources(options: &SourceOptions) -> SourceSet {
    let mut set = SourceSet::default();
    set.push(MacSessionSource);
    set.push(IdlePollSource::new(
        SourceName::fixed("macos-idle"),
        MacIdle,
        options.idle_threshold,
    ));
    set.skip(
        SourceName::fixed("macos-focus"),
        "macOS has no Focus API for Developer-ID apps; use the tray's do-not-disturb toggle",
    );
    set
}
