//! The thread that owns the hidden top-level window. Top-level (not message-only) because
//! `WM_QUERYENDSESSION` / `WM_ENDSESSION` are broadcast to top-level windows only; never shown.

// FFI: window classes, windows and the message loop exist only behind `unsafe` user32 and
// wtsapi32 calls. Every block states why its pointers and handles are valid.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::fmt;
use std::thread::JoinHandle;

use tokio::sync::mpsc;
use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::System::RemoteDesktop::{
    WTSRegisterSessionNotification, WTSUnRegisterSessionNotification, NOTIFY_FOR_THIS_SESSION,
};
use windows_sys::Win32::System::Threading::GetCurrentThreadId;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DestroyWindow, DispatchMessageW, GetMessageW,
    PostThreadMessageW, RegisterClassExW, TranslateMessage, UnregisterClassW, MSG, WM_QUIT,
    WNDCLASSEXW,
};

use super::messages::{MessageHandler, Reply};
use super::WindowThread;
use crate::event::Signal;
use crate::poll::ProbeError;

const CLASS_NAME: &str = "PresenceRelaySignalsWindow\0";

/// State the window procedure needs. Per thread, because a window belongs to the thread that
/// created it and its procedure runs only there.
struct WindowState {
    handler: MessageHandler,
    signals: mpsc::UnboundedSender<Signal>,
}

thread_local! {
    static STATE: RefCell<Option<WindowState>> = const { RefCell::new(None) };
}

unsafe extern "system" fn window_proc(
    hwnd: HWND,
    message: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    let reply = STATE.with(|state| {
        let mut state = state.borrow_mut();
        let state = state.as_mut()?;
        let handled = state.handler.handle(message, wparam, lparam);
        for signal in handled.signals {
            // The receiver is gone only while the source is stopping; nothing to do then.
            let _ = state.signals.send(signal);
        }
        Some(handled.reply)
    });
    match reply {
        Some(Reply::Value(value)) => value,
        // SAFETY: forwarding this procedure's own arguments, as every window procedure must.
        _ => unsafe { DefWindowProcW(hwnd, message, wparam, lparam) },
    }
}

/// Starts the window thread on [`WindowThread::open`].
#[derive(Debug, Default)]
pub struct Win32SessionWindow;

impl WindowThread for Win32SessionWindow {
    fn open(
        &mut self,
        signals: mpsc::UnboundedSender<Signal>,
    ) -> Result<Box<dyn Send + fmt::Debug>, ProbeError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("relay-signals-window".into())
            .spawn(move || window_thread(signals, ready_tx))
            .map_err(|e| ProbeError::Failed(format!("starting the window thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(thread_id)) => Ok(Box::new(WindowGuard {
                thread_id,
                thread: Some(thread),
            })),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(ProbeError::Failed(
                    "the window thread ended during start-up".into(),
                ))
            }
        }
    }
}

/// Ends the window thread (WM_QUIT) and waits for it when dropped.
struct WindowGuard {
    thread_id: u32,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for WindowGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowGuard")
            .field("thread_id", &self.thread_id)
            .finish()
    }
}

impl Drop for WindowGuard {
    fn drop(&mut self) {
        // SAFETY: posting WM_QUIT to a thread id we obtained from that thread; if it already
        // ended the call fails harmlessly.
        unsafe { PostThreadMessageW(self.thread_id, WM_QUIT, 0, 0) };
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// Creates the window, reports readiness, pumps messages until WM_QUIT, then cleans up.
fn window_thread(
    signals: mpsc::UnboundedSender<Signal>,
    ready: std::sync::mpsc::Sender<Result<u32, ProbeError>>,
) {
    let class_name = wide(CLASS_NAME);
    let title = wide("Presence Relay signals\0");
    // SAFETY: a null module name asks for the handle of the running executable.
    let instance = unsafe { GetModuleHandleW(std::ptr::null()) };
    let class = WNDCLASSEXW {
        cbSize: u32::try_from(std::mem::size_of::<WNDCLASSEXW>()).unwrap_or(80),
        lpfnWndProc: Some(window_proc),
        hInstance: instance,
        lpszClassName: class_name.as_ptr(),
        // SAFETY: WNDCLASSEXW is plain data; all-zero is "no icon, cursor, brush, menu".
        ..unsafe { std::mem::zeroed() }
    };
    // SAFETY: `class` is fully initialised and `class_name` outlives the registration (it is
    // unregistered below, before `class_name` is dropped). A second registration after a
    // source restart fails with "class already exists", which CreateWindowExW then uses.
    unsafe { RegisterClassExW(&class) };
    // SAFETY: the class is registered, both strings are NUL-terminated UTF-16 that outlive the
    // call; no parent, menu or creation data.
    let hwnd = unsafe {
        CreateWindowExW(
            0,
            class_name.as_ptr(),
            title.as_ptr(),
            0,
            0,
            0,
            0,
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        )
    };
    if hwnd.is_null() {
        let _ = ready.send(Err(ProbeError::Failed(format!(
            "CreateWindowExW failed: {}",
            std::io::Error::last_os_error()
        ))));
        return;
    }
    STATE.with(|state| {
        *state.borrow_mut() = Some(WindowState {
            handler: MessageHandler::new(),
            signals,
        })
    });
    // SAFETY: `hwnd` is our live window.
    let registered = unsafe { WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION) } != 0;
    if !registered {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "WTSRegisterSessionNotification failed; lock and unlock will not be reported"
        );
    }
    // SAFETY: no arguments.
    let thread_id = unsafe { GetCurrentThreadId() };
    if ready.send(Ok(thread_id)).is_ok() {
        // SAFETY: MSG is plain data; GetMessageW fills it.
        let mut message: MSG = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: `message` is a live MSG; null hwnd = every message of this thread.
            let got = unsafe { GetMessageW(&mut message, std::ptr::null_mut(), 0, 0) };
            if got == 0 || got == -1 {
                break;
            }
            // SAFETY: `message` was filled by GetMessageW.
            unsafe {
                TranslateMessage(&message);
                DispatchMessageW(&message);
            }
        }
    }
    // SAFETY: unregistering before destroying the window, as WTS requires; `hwnd` is live
    // until DestroyWindow; the class is unregistered after its last window is gone.
    unsafe {
        if registered {
            WTSUnRegisterSessionNotification(hwnd);
        }
        DestroyWindow(hwnd);
        UnregisterClassW(class_name.as_ptr(), instance);
    }
    STATE.with(|state| state.borrow_mut().take());
}
