//! What the hidden window's messages mean, as plain numbers in and signals out. No Win32 types:
//! this is compiled and unit-tested on every OS; `window.rs` only feeds it on Windows.

use crate::event::{Signal, Tri};

/// `WM_QUERYENDSESSION`: logoff or shutdown is about to start (top-level windows only).
pub const WM_QUERYENDSESSION: u32 = 0x0011;
/// `WM_ENDSESSION`: wParam TRUE = the session ends; FALSE = it was cancelled.
pub const WM_ENDSESSION: u32 = 0x0016;
/// `WM_POWERBROADCAST`: wParam is a `PBT_*` event.
pub const WM_POWERBROADCAST: u32 = 0x0218;
/// `WM_WTSSESSION_CHANGE`: wParam is a `WTS_*` reason.
pub const WM_WTSSESSION_CHANGE: u32 = 0x02B1;

pub const WTS_CONSOLE_CONNECT: usize = 0x1;
pub const WTS_CONSOLE_DISCONNECT: usize = 0x2;
pub const WTS_REMOTE_CONNECT: usize = 0x3;
pub const WTS_REMOTE_DISCONNECT: usize = 0x4;
pub const WTS_SESSION_LOGON: usize = 0x5;
pub const WTS_SESSION_LOGOFF: usize = 0x6;
pub const WTS_SESSION_LOCK: usize = 0x7;
pub const WTS_SESSION_UNLOCK: usize = 0x8;

pub const PBT_APMSUSPEND: usize = 0x4;
pub const PBT_APMRESUMESUSPEND: usize = 0x7;
pub const PBT_APMRESUMEAUTOMATIC: usize = 0x12;

/// What the window procedure must return for a message it handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Not ours: pass to `DefWindowProcW`.
    Default,
    /// Return this value.
    Value(isize),
}

/// The result of one message: signals to send on, and the window procedure's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handled {
    pub signals: Vec<Signal>,
    pub reply: Reply,
}

impl Handled {
    fn none() -> Self {
        Self {
            signals: Vec::new(),
            reply: Reply::Default,
        }
    }

    fn reply(value: isize, signals: Vec<Signal>) -> Self {
        Self {
            signals,
            reply: Reply::Value(value),
        }
    }
}

/// Turns session, power and end-of-session messages into signals. Holds the little state
/// needed to report each resume and each end of session once.
#[derive(Clone, Debug, Default)]
pub struct MessageHandler {
    /// A suspend was reported and no resume yet.
    suspended: bool,
    /// `session_ending: true` was reported and not cancelled.
    ending: bool,
}

impl MessageHandler {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn handle(&mut self, message: u32, wparam: usize, _lparam: isize) -> Handled {
        match message {
            WM_WTSSESSION_CHANGE => Handled {
                signals: session_change(wparam).into_iter().collect(),
                // The return value of WM_WTSSESSION_CHANGE is ignored; let DefWindowProc see it.
                reply: Reply::Default,
            },
            WM_POWERBROADCAST => self.power(wparam),
            WM_QUERYENDSESSION => {
                // TRUE: we never block the end of the session.
                Handled::reply(1, self.ending(true))
            }
            WM_ENDSESSION => {
                let ending = wparam != 0;
                Handled::reply(0, self.ending(ending))
            }
            _ => Handled::none(),
        }
    }

    fn power(&mut self, event: usize) -> Handled {
        let signals = match event {
            PBT_APMSUSPEND => {
                self.suspended = true;
                vec![Signal::Suspending]
            }
            // RESUMEAUTOMATIC always comes; RESUMESUSPEND follows when a user woke the machine.
            // Report the first of them only.
            PBT_APMRESUMEAUTOMATIC | PBT_APMRESUMESUSPEND if self.suspended => {
                self.suspended = false;
                vec![Signal::Resumed]
            }
            _ => Vec::new(),
        };
        // TRUE grants every power request (only meaningful for the deprecated query events).
        Handled::reply(1, signals)
    }

    fn ending(&mut self, ending: bool) -> Vec<Signal> {
        if ending == self.ending {
            return Vec::new();
        }
        self.ending = ending;
        vec![Signal::SessionEnding(ending)]
    }
}

fn session_change(reason: usize) -> Option<Signal> {
    Some(match reason {
        WTS_SESSION_LOCK => Signal::Locked(true),
        WTS_SESSION_UNLOCK => Signal::Locked(false),
        WTS_CONSOLE_CONNECT | WTS_REMOTE_CONNECT | WTS_SESSION_LOGON => Signal::SessionActive(true),
        WTS_CONSOLE_DISCONNECT | WTS_REMOTE_DISCONNECT | WTS_SESSION_LOGOFF => {
            Signal::SessionActive(false)
        }
        _ => return None,
    })
}

/// `SHQueryUserNotificationState` results (`QUERY_USER_NOTIFICATION_STATE`).
pub const QUNS_NOT_PRESENT: i32 = 1;
pub const QUNS_BUSY: i32 = 2;
pub const QUNS_RUNNING_D3D_FULL_SCREEN: i32 = 3;
pub const QUNS_PRESENTATION_MODE: i32 = 4;
pub const QUNS_ACCEPTS_NOTIFICATIONS: i32 = 5;
pub const QUNS_QUIET_TIME: i32 = 6;
pub const QUNS_APP: i32 = 7;

/// Presentation from the notification state: a full-screen app, a Direct3D game or presentation
/// mode count. `QUNS_QUIET_TIME` is the first hour after a first logon, not Focus Assist.
pub fn presentation_from_quns(state: i32) -> Tri {
    match state {
        QUNS_BUSY | QUNS_RUNNING_D3D_FULL_SCREEN | QUNS_PRESENTATION_MODE => Tri::On,
        QUNS_NOT_PRESENT | QUNS_ACCEPTS_NOTIFICATIONS | QUNS_QUIET_TIME | QUNS_APP => Tri::Off,
        _ => Tri::Unknown,
    }
}

/// Focus Assist from the WNF quiet-hours profile: 0 off, 1 priority only, 2 alarms only.
/// Anything else is a layout we do not know: unknown, not off.
pub fn dnd_from_quiet_hours(profile: u32) -> Tri {
    match profile {
        0 => Tri::Off,
        1 | 2 => Tri::On,
        _ => Tri::Unknown,
    }
}

/// Milliseconds since the last input, from `GetTickCount` and `LASTINPUTINFO.dwTime`. Both wrap
/// after 49.7 days; wrapping subtraction stays right across the wrap.
pub fn idle_millis(tick_count: u32, last_input: u32) -> u32 {
    tick_count.wrapping_sub(last_input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(handler: &mut MessageHandler, message: u32, wparam: usize) -> Vec<Signal> {
        handler.handle(message, wparam, 0).signals
    }

    #[test]
    fn session_changes_map_to_lock_and_activity() {
        let mut handler = MessageHandler::new();
        let table = [
            (WTS_SESSION_LOCK, Some(Signal::Locked(true))),
            (WTS_SESSION_UNLOCK, Some(Signal::Locked(false))),
            (WTS_SESSION_LOGON, Some(Signal::SessionActive(true))),
            (WTS_SESSION_LOGOFF, Some(Signal::SessionActive(false))),
            (WTS_CONSOLE_CONNECT, Some(Signal::SessionActive(true))),
            (WTS_CONSOLE_DISCONNECT, Some(Signal::SessionActive(false))),
            (WTS_REMOTE_CONNECT, Some(Signal::SessionActive(true))),
            (WTS_REMOTE_DISCONNECT, Some(Signal::SessionActive(false))),
            (0x9, None), // WTS_SESSION_REMOTE_CONTROL: not a presence signal
        ];
        for (reason, expected) in table {
            let handled = handler.handle(WM_WTSSESSION_CHANGE, reason, 0);
            assert_eq!(
                handled.signals,
                expected.into_iter().collect::<Vec<_>>(),
                "reason {reason}"
            );
            assert_eq!(handled.reply, Reply::Default);
        }
    }

    #[test]
    fn suspend_then_both_resume_events_report_one_resume() {
        let mut handler = MessageHandler::new();
        assert_eq!(
            signals(&mut handler, WM_POWERBROADCAST, PBT_APMSUSPEND),
            [Signal::Suspending]
        );
        assert_eq!(
            signals(&mut handler, WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC),
            [Signal::Resumed]
        );
        assert_eq!(
            signals(&mut handler, WM_POWERBROADCAST, PBT_APMRESUMESUSPEND),
            []
        );
        // A second cycle reports again.
        assert_eq!(
            signals(&mut handler, WM_POWERBROADCAST, PBT_APMSUSPEND),
            [Signal::Suspending]
        );
        assert_eq!(
            signals(&mut handler, WM_POWERBROADCAST, PBT_APMRESUMESUSPEND),
            [Signal::Resumed]
        );
        assert_eq!(
            handler.handle(WM_POWERBROADCAST, PBT_APMSUSPEND, 0).reply,
            Reply::Value(1)
        );
    }

    #[test]
    fn end_of_session_is_reported_once_and_cancellation_too() {
        let mut handler = MessageHandler::new();
        let query = handler.handle(WM_QUERYENDSESSION, 0, 0);
        assert_eq!(query.signals, [Signal::SessionEnding(true)]);
        assert_eq!(query.reply, Reply::Value(1), "we never block logoff");
        assert_eq!(signals(&mut handler, WM_ENDSESSION, 1), []);
        let mut cancelled = MessageHandler::new();
        assert_eq!(
            signals(&mut cancelled, WM_QUERYENDSESSION, 0),
            [Signal::SessionEnding(true)]
        );
        assert_eq!(
            signals(&mut cancelled, WM_ENDSESSION, 0),
            [Signal::SessionEnding(false)]
        );
        assert_eq!(cancelled.handle(WM_ENDSESSION, 0, 0).reply, Reply::Value(0));
    }

    #[test]
    fn other_messages_go_to_the_default_procedure() {
        let mut handler = MessageHandler::new();
        assert_eq!(handler.handle(0x0001, 0, 0), Handled::none());
    }

    #[test]
    fn notification_state_maps_to_presentation() {
        assert_eq!(presentation_from_quns(QUNS_PRESENTATION_MODE), Tri::On);
        assert_eq!(presentation_from_quns(QUNS_BUSY), Tri::On);
        assert_eq!(
            presentation_from_quns(QUNS_RUNNING_D3D_FULL_SCREEN),
            Tri::On
        );
        assert_eq!(presentation_from_quns(QUNS_ACCEPTS_NOTIFICATIONS), Tri::Off);
        assert_eq!(presentation_from_quns(QUNS_QUIET_TIME), Tri::Off);
        assert_eq!(presentation_from_quns(99), Tri::Unknown);
    }

    #[test]
    fn quiet_hours_profile_maps_to_dnd_and_unknown_is_not_off() {
        assert_eq!(dnd_from_quiet_hours(0), Tri::Off);
        assert_eq!(dnd_from_quiet_hours(1), Tri::On);
        assert_eq!(dnd_from_quiet_hours(2), Tri::On);
        assert_eq!(dnd_from_quiet_hours(7), Tri::Unknown);
    }

    #[test]
    fn idle_time_survives_the_tick_count_wrap() {
        assert_eq!(idle_millis(5_000, 1_000), 4_000);
        // 49.7 days of uptime: the tick count wrapped after the last input.
        assert_eq!(idle_millis(500, u32::MAX - 499), 1_000);
    }
}
