//! Local presence signals: screen lock, idle, do-not-disturb, presentation, session and power
//! events, from D-Bus on Linux, Win32 on Windows and AppKit / CoreGraphics on macOS.
//!
//! - [`SignalSource`]: one OS mechanism; emits its health, a snapshot, then changes.
//! - [`Supervisor`]: runs the sources picked for this machine, restarts failed ones with
//!   backoff, tracks health, and re-syncs every source after a resume.
//! - [`default_sources_for_this_machine`] + [`watch`]: what `presence-relay signals` runs.
//!
//! See `docs/SIGNALS.md` for every signal per OS and how to test.

mod event;
mod idle;
mod poll;
mod source;
mod supervisor;
mod watch;

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "macos")]
pub mod macos;
/// The Win32 message and probe logic is plain Rust and compiled everywhere, so it is unit-tested
/// on Linux; only the window thread and the OS calls are Windows-only.
pub mod win32;

#[cfg(all(feature = "testing", target_os = "linux"))]
pub mod testing;

use std::time::Duration;

pub use event::{CalendarState, Health, Signal, SignalEvent, SourceName, Tri};
pub use idle::IdleEdges;
pub use poll::{IdlePollSource, IdleProbe, ProbeError, TriPollSource, TriProbe};
pub use source::{Request, SignalSource, SleepReady, SourceContext, SourceError};
pub use supervisor::{Backoff, HealthMap, SkippedSource, SourceSet, Supervisor, SupervisorHandle};
pub use watch::{watch, LineFormat};

/// Settings shared by the built-in sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceOptions {
    /// No input for this long counts as idle (`idle_seconds` > 0). Rules work in minutes, so
    /// the default of one minute loses nothing.
    pub idle_threshold: Duration,
    /// How long the machine may be held awake after `suspending` is announced, so presence can
    /// be published first (Linux delay inhibitor; logind caps it at 5 s by default).
    pub sleep_delay: Duration,
}

impl Default for SourceOptions {
    fn default() -> Self {
        Self {
            idle_threshold: Duration::from_secs(60),
            sleep_delay: Duration::from_secs(3),
        }
    }
}

/// The sources this machine supports, chosen by run-time probes (which services are on the
/// buses, which schemas and APIs exist), plus the ones left out and why.
pub async fn default_sources_for_this_machine(options: &SourceOptions) -> SourceSet {
    #[cfg(target_os = "linux")]
    {
        let buses = linux::Buses::connect().await;
        linux::probe(&buses, &linux::GSettings::default(), options).await
    }
    #[cfg(windows)]
    {
        win32::default_sources(options)
    }
    #[cfg(target_os = "macos")]
    {
        macos::default_sources(options)
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        let _ = options;
        let mut set = SourceSet::default();
        set.skip(
            SourceName::fixed("os"),
            "no signal sources for this operating system",
        );
        set
    }
}
