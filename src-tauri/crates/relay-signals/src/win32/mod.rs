//! Windows sources.
//!
//! - `windows-session`: one thread owning a hidden top-level window that receives
//!   `WM_WTSSESSION_CHANGE` (lock, unlock, logon, logoff, console / remote connect and
//!   disconnect), `WM_POWERBROADCAST` (suspend, resume) and `WM_QUERYENDSESSION` /
//!   `WM_ENDSESSION` (broadcast to top-level windows only, hence not a message-only window).
//! - `windows-idle`: `GetLastInputInfo` against `GetTickCount`, polled, wrapping arithmetic.
//! - `windows-presentation`: `SHQueryUserNotificationState`, polled.
//! - `windows-focus-assist`: the undocumented WNF quiet-hours state, looked up in ntdll at run
//!   time; `Unknown` (never "off") when it cannot be read.
//!
//! Everything here except `os` and `window` is plain Rust over small traits, compiled on every
//! OS and unit-tested on Linux.

pub mod messages;
#[cfg(windows)]
mod os;
#[cfg(windows)]
mod window;

use std::fmt;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::event::{Health, Signal, SourceName, Tri};
use crate::poll::{IdleProbe, ProbeError, TriProbe};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

#[cfg(windows)]
pub use os::{Win32Input, Win32NotificationState, Win32QuietHours, Win32SessionState};
#[cfg(windows)]
pub use window::Win32SessionWindow;

/// `GetTickCount` and `GetLastInputInfo`.
pub trait InputClock: Send + fmt::Debug {
    fn tick_count(&mut self) -> u32;
    fn last_input_tick(&mut self) -> Result<u32, ProbeError>;
}

/// Idle time from an [`InputClock`], right across the 49.7-day tick wrap.
#[derive(Debug)]
pub struct LastInputIdle<C>(pub C);

impl<C: InputClock> IdleProbe for LastInputIdle<C> {
    fn idle_for(&mut self) -> Result<Duration, ProbeError> {
        let last = self.0.last_input_tick()?;
        let now = self.0.tick_count();
        Ok(Duration::from_millis(u64::from(messages::idle_millis(
            now, last,
        ))))
    }
}

/// `SHQueryUserNotificationState` as its raw `QUNS_*` number.
pub trait NotificationState: Send + fmt::Debug {
    fn query(&mut self) -> Result<i32, ProbeError>;
}

/// Presentation from a [`NotificationState`].
#[derive(Debug)]
pub struct PresentationProbe<N>(pub N);

impl<N: NotificationState> TriProbe for PresentationProbe<N> {
    fn read(&mut self) -> Result<Tri, ProbeError> {
        self.0.query().map(messages::presentation_from_quns)
    }
}

/// The WNF quiet-hours profile number.
pub trait QuietHours: Send + fmt::Debug {
    fn profile(&mut self) -> Result<u32, ProbeError>;
}

/// Focus Assist / do-not-disturb from [`QuietHours`].
#[derive(Debug)]
pub struct FocusAssistProbe<Q>(pub Q);

impl<Q: QuietHours> TriProbe for FocusAssistProbe<Q> {
    fn read(&mut self) -> Result<Tri, ProbeError> {
        self.0.profile().map(messages::dnd_from_quiet_hours)
    }
}

/// Lock and connection state of this session right now (for the snapshot; the window only
/// reports changes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionSnapshot {
    pub locked: Option<bool>,
    pub active: Option<bool>,
}

pub trait SessionState: Send + fmt::Debug {
    fn query(&mut self) -> Result<SessionSnapshot, ProbeError>;
}

/// Something that delivers window messages' signals until dropped.
pub trait WindowThread: Send + fmt::Debug {
    /// Starts receiving; the returned guard stops the thread when dropped.
    fn open(
        &mut self,
        signals: mpsc::UnboundedSender<Signal>,
    ) -> Result<Box<dyn Send + fmt::Debug>, ProbeError>;
}

/// The `windows-session` source over a window thread and a session-state query.
#[derive(Debug)]
pub struct SessionWindowSource<W, S> {
    window: W,
    state: S,
}

impl<W: WindowThread, S: SessionState> SessionWindowSource<W, S> {
    pub const NAME: SourceName = SourceName::fixed("windows-session");

    pub fn new(window: W, state: S) -> Self {
        Self { window, state }
    }

    async fn snapshot(&mut self, ctx: &SourceContext) -> Result<(), SourceError> {
        match self.state.query() {
            Ok(snapshot) => {
                if let Some(locked) = snapshot.locked {
                    ctx.emit(Signal::Locked(locked)).await?;
                }
                if let Some(active) = snapshot.active {
                    ctx.emit(Signal::SessionActive(active)).await?;
                }
                Ok(())
            }
            Err(error) => {
                ctx.report(Health::Degraded(format!(
                    "could not read the session's lock state ({error}); changes are still reported"
                )))
                .await
            }
        }
    }
}

#[async_trait::async_trait]
impl<W: WindowThread, S: SessionState> SignalSource for SessionWindowSource<W, S> {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let (tx, mut signals) = mpsc::unbounded_channel();
        let _window = self.window.open(tx).map_err(|error| match error {
            ProbeError::Unsupported(reason) => SourceError::Unsupported(reason),
            ProbeError::Failed(reason) => SourceError::failed("opening the session window", reason),
        })?;
        ctx.report(Health::Live).await?;
        self.snapshot(ctx).await?;
        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(()),
                    Request::Resync => self.snapshot(ctx).await?,
                },
                signal = signals.recv() => match signal {
                    Some(signal) => ctx.emit(signal).await?,
                    None => return Err(SourceError::failed("the session window thread", "it stopped")),
                },
            }
        }
    }
}

/// Poll period of the presentation and Focus Assist probes.
pub const STATE_POLL: Duration = Duration::from_secs(5);

/// The Windows sources (runtime-guarded: each reports `Unsupported` if its API is missing).
#[cfg(windows)]
pub fn default_sources(options: &crate::SourceOptions) -> crate::SourceSet {
    use crate::poll::{IdlePollSource, TriPollSource};

    let mut set = crate::SourceSet::default();
    set.push(SessionWindowSource::new(
        Win32SessionWindow,
        Win32SessionState,
    ));
    set.push(IdlePollSource::new(
        SourceName::fixed("windows-idle"),
        LastInputIdle(Win32Input),
        options.idle_threshold,
    ));
    set.push(TriPollSource::new(
        SourceName::fixed("windows-presentation"),
        PresentationProbe(Win32NotificationState),
        STATE_POLL,
        Signal::Presentation,
    ));
    set.push(TriPollSource::new(
        SourceName::fixed("windows-focus-assist"),
        FocusAssistProbe(Win32QuietHours::default()),
        STATE_POLL,
        Signal::Dnd,
    ));
    set
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use relay_core::clock::SystemClock;
    use tokio_util::sync::CancellationToken;

    use super::messages::*;
    use super::*;
    use crate::supervisor::{SourceSet, Supervisor};

    /// Plays raw window messages through the real [`MessageHandler`], as the window procedure
    /// does on Windows.
    #[derive(Debug)]
    struct ScriptedWindow {
        messages: Vec<(u32, usize)>,
    }

    impl WindowThread for ScriptedWindow {
        fn open(
            &mut self,
            signals: mpsc::UnboundedSender<Signal>,
        ) -> Result<Box<dyn Send + fmt::Debug>, ProbeError> {
            let mut handler = MessageHandler::new();
            for (message, wparam) in self.messages.drain(..) {
                for signal in handler.handle(message, wparam, 0).signals {
                    signals
                        .send(signal)
                        .map_err(|e| ProbeError::Failed(e.to_string()))?;
                }
            }
            // The guard keeps the channel open, as the window thread does while it runs.
            Ok(Box::new(signals))
        }
    }

    #[derive(Debug)]
    struct FixedSession(Result<SessionSnapshot, ProbeError>);

    impl SessionState for FixedSession {
        fn query(&mut self) -> Result<SessionSnapshot, ProbeError> {
            self.0.clone()
        }
    }

    #[derive(Debug)]
    struct Clock32 {
        now: u32,
        last: u32,
    }

    impl InputClock for Clock32 {
        fn tick_count(&mut self) -> u32 {
            self.now
        }
        fn last_input_tick(&mut self) -> Result<u32, ProbeError> {
            Ok(self.last)
        }
    }

    async fn events_of(source: impl SignalSource + 'static, count: usize) -> Vec<Signal> {
        let (tx, mut rx) = mpsc::channel(64);
        let mut set = SourceSet::default();
        set.push(source);
        let handle = Supervisor::start(set, tx, Arc::new(SystemClock), CancellationToken::new());
        let mut out = Vec::new();
        for _ in 0..count {
            out.push(rx.recv().await.expect("event").signal);
        }
        handle.shutdown().await;
        out
    }

    #[tokio::test]
    async fn session_window_reports_snapshot_then_window_messages() {
        let window = ScriptedWindow {
            messages: vec![
                (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK),
                (WM_POWERBROADCAST, PBT_APMSUSPEND),
                (WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC),
                (WM_POWERBROADCAST, PBT_APMRESUMESUSPEND),
                (WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK),
                (WM_QUERYENDSESSION, 0),
            ],
        };
        let state = FixedSession(Ok(SessionSnapshot {
            locked: Some(false),
            active: Some(true),
        }));
        let got = events_of(SessionWindowSource::new(window, state), 10).await;
        assert_eq!(
            got[..6],
            [
                Signal::Health(Health::Live),
                Signal::Locked(false),
                Signal::SessionActive(true),
                Signal::Locked(true),
                Signal::Suspending,
                Signal::Resumed,
            ]
        );
        // The resume makes the supervisor resync (the snapshot again); it interleaves with the
        // remaining messages in an order that depends on scheduling. All must arrive, once.
        let mut rest = got[6..].to_vec();
        for wanted in [
            Signal::Locked(false),
            Signal::SessionActive(true),
            Signal::Locked(false),
            Signal::SessionEnding(true),
        ] {
            let at = rest.iter().position(|s| *s == wanted);
            let at = at.unwrap_or_else(|| panic!("{wanted:?} missing from {rest:?}"));
            rest.remove(at);
        }
    }

    #[tokio::test]
    async fn an_unreadable_session_state_degrades_but_messages_still_flow() {
        let window = ScriptedWindow {
            messages: vec![(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)],
        };
        let state = FixedSession(Err(ProbeError::Failed(
            "WTSQuerySessionInformationW failed".into(),
        )));
        assert_eq!(
            events_of(SessionWindowSource::new(window, state), 3).await,
            [
                Signal::Health(Health::Live),
                Signal::Health(Health::Degraded(
                    "could not read the session's lock state (WTSQuerySessionInformationW failed); changes are still reported".into()
                )),
                Signal::Locked(true),
            ]
        );
    }

    #[test]
    fn last_input_idle_wraps() {
        let mut probe = LastInputIdle(Clock32 {
            now: 1_000,
            last: u32::MAX - 999,
        });
        assert_eq!(probe.idle_for(), Ok(Duration::from_millis(2_000)));
    }

    #[derive(Debug)]
    struct Quns(i32);
    impl NotificationState for Quns {
        fn query(&mut self) -> Result<i32, ProbeError> {
            Ok(self.0)
        }
    }

    #[derive(Debug)]
    struct Profile(Result<u32, ProbeError>);
    impl QuietHours for Profile {
        fn profile(&mut self) -> Result<u32, ProbeError> {
            self.0.clone()
        }
    }

    #[test]
    fn probes_map_os_numbers() {
        assert_eq!(
            PresentationProbe(Quns(QUNS_PRESENTATION_MODE)).read(),
            Ok(Tri::On)
        );
        assert_eq!(FocusAssistProbe(Profile(Ok(1))).read(), Ok(Tri::On));
        assert_eq!(
            FocusAssistProbe(Profile(Err(ProbeError::Unsupported("no WNF".into())))).read(),
            Err(ProbeError::Unsupported("no WNF".into()))
        );
    }
}
