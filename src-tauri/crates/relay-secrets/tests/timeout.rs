//! `TimeoutStore` around a store that hangs the way a keyring with an unanswered unlock prompt
//! does. The hang is a gate the test opens, so nothing here depends on how fast the machine is;
//! the timeouts only need to expire while the gate is shut.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use relay_core::config::Cloud;
use relay_core::Sensitive;
use relay_secrets::{
    CredentialTarget, EntryKind, MemoryStore, SecretError, SecretKey, SecretStore, TimeoutStore,
};

const SHORT: Duration = Duration::from_millis(50);

/// A store whose next `get` blocks until the test opens the gate; it logs every call it runs.
#[derive(Debug)]
struct GatedStore {
    memory: MemoryStore,
    log: Arc<Mutex<Vec<&'static str>>>,
    armed: AtomicBool,
    entered: mpsc::Sender<()>,
    gate: Mutex<mpsc::Receiver<()>>,
}

struct Handles {
    log: Arc<Mutex<Vec<&'static str>>>,
    entered: mpsc::Receiver<()>,
    open_gate: mpsc::Sender<()>,
}

impl Handles {
    fn log(&self) -> Vec<&'static str> {
        self.log.lock().expect("log").clone()
    }

    /// Waits until the worker is inside the hanging call.
    fn wait_until_stuck(&self) {
        self.entered.recv().expect("the store was entered");
    }

    fn open(&self) {
        self.open_gate.send(()).expect("the store is waiting");
    }
}

fn gated() -> (GatedStore, Handles) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (entered_tx, entered_rx) = mpsc::channel();
    let (gate_tx, gate_rx) = mpsc::channel();
    (
        GatedStore {
            memory: MemoryStore::new(),
            log: Arc::clone(&log),
            armed: AtomicBool::new(true),
            entered: entered_tx,
            gate: Mutex::new(gate_rx),
        },
        Handles {
            log,
            entered: entered_rx,
            open_gate: gate_tx,
        },
    )
}

impl GatedStore {
    fn record(&self, call: &'static str) {
        self.log.lock().expect("log").push(call);
    }
}

impl SecretStore for GatedStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        self.record("get");
        if self.armed.swap(false, Ordering::SeqCst) {
            self.entered.send(()).expect("test listens");
            // Like a D-Bus call waiting for an unlock prompt: nothing but the gate ends it.
            let _ = self.gate.lock().expect("gate").recv();
        }
        self.memory.get(key)
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        self.record("set");
        self.memory.set(key, value)
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        self.record("delete");
        self.memory.delete(key)
    }
}

fn key() -> SecretKey {
    CredentialTarget::new(
        Cloud::Global,
        "contoso.onmicrosoft.com",
        "00000000-0000-0000-0000-000000000001",
    )
    .key(EntryKind::ClientSecret)
}

fn value() -> Sensitive<Vec<u8>> {
    Sensitive::new(b"fixture-secret".to_vec())
}

/// After the gate opens, the worker finishes the stale call and takes new ones again. Retries
/// until then: the only wait here is for that, and it is bounded.
fn until_answered<T>(mut call: impl FnMut() -> Result<T, SecretError>) -> T {
    for _ in 0..500 {
        match call() {
            Err(SecretError::TimedOut { .. }) => std::thread::sleep(Duration::from_millis(10)),
            other => return other.expect("the store answers again"),
        }
    }
    panic!("the store never recovered after the hanging call returned");
}

#[test]
fn calls_pass_through_when_the_store_answers() {
    let (store, handles) = gated();
    store.armed.store(false, Ordering::SeqCst);
    let bounded = TimeoutStore::new(store, Duration::from_secs(600)).expect("worker starts");
    assert_eq!(bounded.get(&key()), Ok(None));
    bounded.set(&key(), &value()).expect("set");
    assert_eq!(bounded.get(&key()), Ok(Some(value())));
    assert_eq!(bounded.delete(&key()), Ok(true));
    assert_eq!(handles.log(), ["get", "set", "get", "delete"]);
    assert!(!format!("{bounded:?}").contains("fixture-secret"));
}

#[test]
fn a_hanging_call_times_out_and_later_calls_fail_at_once_without_reaching_the_store() {
    let (store, handles) = gated();
    let bounded = TimeoutStore::new(store, SHORT).expect("worker starts");

    assert_eq!(
        bounded.get(&key()),
        Err(SecretError::TimedOut { waited: SHORT })
    );
    handles.wait_until_stuck();
    // The worker is still stuck past its deadline: this fails without queueing behind it.
    assert_eq!(
        bounded.set(&key(), &value()),
        Err(SecretError::TimedOut { waited: SHORT })
    );

    handles.open();
    until_answered(|| bounded.set(&key(), &value()));
    assert_eq!(until_answered(|| bounded.get(&key())), Some(value()));
    // Only the successful set reached the store.
    assert_eq!(handles.log(), ["get", "set", "get"]);
}

#[test]
fn a_request_whose_caller_gave_up_is_skipped_not_run_late() {
    let (store, handles) = gated();
    let bounded = Arc::new(TimeoutStore::new(store, Duration::from_millis(300)).expect("worker"));
    let first = {
        let bounded = Arc::clone(&bounded);
        std::thread::spawn(move || bounded.get(&key()))
    };
    handles.wait_until_stuck();
    // Queued behind the hanging get (or refused at once if this thread was slow): either way
    // the caller is told it timed out, so the store must never perform this delete.
    assert!(matches!(
        bounded.delete(&key()),
        Err(SecretError::TimedOut { .. })
    ));
    assert!(matches!(
        first.join().expect("thread"),
        Err(SecretError::TimedOut { .. })
    ));

    handles.open();
    // Requests run in order, so once this answers the stale delete has been dealt with.
    until_answered(|| bounded.get(&key()));
    assert_eq!(handles.log(), ["get", "get"]);
}

#[test]
fn dropping_a_stuck_store_returns_at_once() {
    let (store, handles) = gated();
    let bounded = TimeoutStore::new(store, SHORT).expect("worker starts");
    assert!(matches!(
        bounded.get(&key()),
        Err(SecretError::TimedOut { .. })
    ));
    handles.wait_until_stuck();
    drop(bounded);
    // The worker ends by itself once the OS call returns.
    handles.open();
}

/// A store that panics, as a buggy platform layer might.
#[derive(Debug)]
struct PanickingStore;

impl SecretStore for PanickingStore {
    fn get(&self, _: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        panic!("platform layer bug (expected by this test)");
    }

    fn set(&self, _: &SecretKey, _: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        Ok(())
    }

    fn delete(&self, _: &SecretKey) -> Result<bool, SecretError> {
        Ok(false)
    }
}

#[test]
fn a_panicking_store_reports_unavailable_instead_of_hanging() {
    let bounded = TimeoutStore::new(PanickingStore, Duration::from_secs(600)).expect("worker");
    for _ in 0..2 {
        match bounded.get(&key()) {
            Err(SecretError::Unavailable { reason }) => {
                assert!(reason.contains("restart Presence Relay"), "{reason}")
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
}
