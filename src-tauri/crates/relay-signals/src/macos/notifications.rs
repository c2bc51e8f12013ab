//! The notification observers and their run-loop thread.

// FFI: registering Objective-C observers and reading a CoreFoundation dictionary are `unsafe`
// in objc2. Every block states why its arguments are valid.
#![allow(unsafe_code)]

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use block2::RcBlock;
use objc2::rc::Retained;
use objc2::runtime::ProtocolObject;
use objc2_app_kit::{
    NSWorkspace, NSWorkspaceDidWakeNotification, NSWorkspaceSessionDidBecomeActiveNotification,
    NSWorkspaceSessionDidResignActiveNotification, NSWorkspaceWillPowerOffNotification,
    NSWorkspaceWillSleepNotification,
};
use objc2_core_foundation::{
    kCFBooleanTrue, kCFRunLoopDefaultMode, CFRunLoop, CFRunLoopRunResult, CFString,
};
use objc2_core_graphics::CGSessionCopyCurrentDictionary;
use objc2_foundation::{
    NSDistributedNotificationCenter, NSNotification, NSNotificationCenter, NSObjectProtocol,
    NSString,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::event::Signal;

/// Whether the screen is locked now: the session dictionary has `CGSSessionScreenIsLocked`
/// = true only while locked. `None` when there is no window-server session.
pub(super) fn screen_is_locked() -> Option<bool> {
    let session = CGSessionCopyCurrentDictionary()?;
    let key = CFString::from_static_str("CGSSessionScreenIsLocked");
    // SAFETY: `key` is a live CFString, the dictionary's keys are CFStrings; the returned
    // pointer is only compared, never dereferenced.
    let value = unsafe { session.value((&*key as *const CFString).cast()) };
    // SAFETY: reading an immutable CoreFoundation constant.
    let truth = unsafe { kCFBooleanTrue };
    Some(truth.is_some_and(|truth| std::ptr::eq(value.cast(), truth)))
}

/// A thread that registers the observers and runs its run loop until dropped.
#[derive(Debug)]
pub(super) struct ObserverThread {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ObserverThread {
    pub(super) fn start(signals: UnboundedSender<Signal>) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name("relay-signals-macos".into())
            .spawn({
                let stop = stop.clone();
                move || observe(signals, &stop)
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ObserverThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Observer = Retained<ProtocolObject<dyn NSObjectProtocol>>;

/// Adds one observer that sends `signal` for `name`.
fn add(
    center: &NSNotificationCenter,
    name: &NSString,
    signal: Signal,
    signals: &UnboundedSender<Signal>,
) -> Observer {
    let signals = signals.clone();
    let block = RcBlock::new(move |_: NonNull<NSNotification>| {
        let _ = signals.send(signal.clone());
    });
    // SAFETY: `name` is a live NSString, no object filter, no queue (the block runs on the
    // posting thread, which only touches a thread-safe channel sender).
    unsafe { center.addObserverForName_object_queue_usingBlock(Some(name), None, None, &block) }
}

fn observe(signals: UnboundedSender<Signal>, stop: &AtomicBool) {
    let distributed = NSDistributedNotificationCenter::defaultCenter();
    let workspace = NSWorkspace::sharedWorkspace().notificationCenter();
    let mut observers: Vec<(Retained<NSNotificationCenter>, Observer)> = Vec::new();
    let distributed_center: Retained<NSNotificationCenter> = Retained::into_super(distributed);
    for (name, signal) in [
        ("com.apple.screenIsLocked", Signal::Locked(true)),
        ("com.apple.screenIsUnlocked", Signal::Locked(false)),
    ] {
        let observer = add(
            &distributed_center,
            &NSString::from_str(name),
            signal,
            &signals,
        );
        observers.push((distributed_center.clone(), observer));
    }
    // SAFETY: AppKit's notification names are immutable statics.
    let workspace_names = unsafe {
        [
            (NSWorkspaceWillSleepNotification, Signal::Suspending),
            (NSWorkspaceDidWakeNotification, Signal::Resumed),
            (
                NSWorkspaceSessionDidResignActiveNotification,
                Signal::SessionActive(false),
            ),
            (
                NSWorkspaceSessionDidBecomeActiveNotification,
                Signal::SessionActive(true),
            ),
            (
                NSWorkspaceWillPowerOffNotification,
                Signal::SessionEnding(true),
            ),
        ]
    };
    for (name, signal) in workspace_names {
        let observer = add(&workspace, name, signal, &signals);
        observers.push((workspace.clone(), observer));
    }

    // Run this thread's loop in short slices so a stop request is seen within half a second.
    while !stop.load(Ordering::Relaxed) {
        // SAFETY: reading an immutable CoreFoundation constant.
        let mode = unsafe { kCFRunLoopDefaultMode };
        let result = CFRunLoop::run_in_mode(mode, 0.5, false);
        if result == CFRunLoopRunResult::Finished {
            // No run-loop sources on this thread (notifications arrive on the main run loop
            // instead); sleep rather than spin.
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    for (center, observer) in observers {
        // SAFETY: `observer` was returned by this center's addObserverForName and is removed once.
        unsafe { center.removeObserver(observer.as_ref()) };
    }
}
