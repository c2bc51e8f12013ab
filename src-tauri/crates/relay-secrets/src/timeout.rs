//! Bounds every call to a store that may block forever.
//!
//! A locked gnome-keyring on a machine with a display opens an unlock prompt, and the D-Bus call
//! that asked for a secret waits until someone answers it, possibly never. libdbus offers no way
//! to cancel that call, so the store runs on a worker thread and the caller waits for the answer
//! with a deadline.
//!
//! One worker per store (not a thread per call) for two reasons: calls reach the keyring one at a
//! time, so a stuck keyring opens at most one prompt; and a request whose caller has already given
//! up is skipped instead of being acted on late (a `set` reported as failed must not happen later).
//! While the worker is still inside a call that has timed out, new calls fail at once instead of
//! queueing behind it.

use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use relay_core::Sensitive;

use crate::error::SecretError;
use crate::key::SecretKey;
use crate::store::SecretStore;

/// Longer than any sensible wait; keeps `Instant + timeout` from overflowing.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Wraps a blocking [`SecretStore`] so that no call takes longer than a timeout. See the module
/// docs. Dropping it ends the worker thread (at once when idle; when the OS call it is stuck in
/// finally returns otherwise, since that call cannot be interrupted).
pub struct TimeoutStore<S: SecretStore + 'static> {
    timeout: Duration,
    inner_name: String,
    requests: Option<Sender<Request<S>>>,
    /// The deadline of the request the worker is running, `None` while it is idle.
    running: Arc<Mutex<Option<Instant>>>,
    worker: Option<JoinHandle<()>>,
}

type Job<S> = Box<dyn FnOnce(&S) + Send>;

struct Request<S> {
    deadline: Instant,
    job: Job<S>,
}

impl<S: SecretStore + 'static> TimeoutStore<S> {
    /// Starts the worker thread that owns `inner`. `timeout` bounds each call (tests use a short
    /// one; it is capped at a day).
    pub fn new(inner: S, timeout: Duration) -> Result<Self, SecretError> {
        let inner_name = format!("{inner:?}");
        let (requests, queue) = mpsc::channel::<Request<S>>();
        let running = Arc::new(Mutex::new(None));
        let worker_running = Arc::clone(&running);
        let worker = thread::Builder::new()
            .name("relay-secrets".to_owned())
            .spawn(move || serve(inner, queue, worker_running))
            .map_err(|err| SecretError::Unavailable {
                reason: format!("cannot start the thread that talks to the keyring: {err}"),
            })?;
        Ok(Self {
            timeout: timeout.min(MAX_TIMEOUT),
            inner_name,
            requests: Some(requests),
            running,
            worker: Some(worker),
        })
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs `op` on the worker and waits at most the timeout for its answer.
    fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&S) -> Result<T, SecretError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let started = Instant::now();
        if let Some(deadline) = *lock(&self.running) {
            if started >= deadline {
                return Err(SecretError::TimedOut {
                    waited: self.timeout,
                });
            }
        }
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job<S> = Box::new(move |store: &S| {
            // The caller may have stopped waiting; then nobody needs the answer.
            let _ = reply.send(op(store));
        });
        let request = Request {
            deadline: started + self.timeout,
            job,
        };
        self.requests
            .as_ref()
            .ok_or_else(worker_stopped)?
            .send(request)
            .map_err(|_| worker_stopped())?;
        match answer.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(SecretError::TimedOut {
                waited: self.timeout,
            }),
            Err(RecvTimeoutError::Disconnected) => Err(worker_stopped()),
        }
    }
}

fn serve<S>(store: S, queue: mpsc::Receiver<Request<S>>, running: Arc<Mutex<Option<Instant>>>) {
    for request in queue {
        if Instant::now() >= request.deadline {
            // Its caller has already been told it timed out; acting now would surprise them.
            continue;
        }
        *lock(&running) = Some(request.deadline);
        (request.job)(&store);
        *lock(&running) = None;
    }
}

/// The worker thread is gone: it panicked inside the store (the channel closed with it).
fn worker_stopped() -> SecretError {
    SecretError::Unavailable {
        reason: "the thread that talks to the keyring has stopped after an internal error; \
                 restart Presence Relay"
            .to_owned(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<S: SecretStore + 'static> SecretStore for TimeoutStore<S> {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        let key = key.clone();
        self.call(move |store| store.get(&key))
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        let key = key.clone();
        let value = value.clone();
        self.call(move |store| store.set(&key, &value))
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        let key = key.clone();
        self.call(move |store| store.delete(&key))
    }
}

impl<S: SecretStore + 'static> Drop for TimeoutStore<S> {
    fn drop(&mut self) {
        // Closing the queue ends the worker's loop.
        drop(self.requests.take());
        // Nobody can be waiting on this store any more, so a request still running is one whose
        // caller gave up: it is stuck in the OS and joining would hang. Otherwise the worker only
        // has expired requests to skip and ends at once.
        let stuck = lock(&self.running).is_some();
        if let Some(worker) = self.worker.take() {
            if !stuck {
                let _ = worker.join();
            }
        }
    }
}

impl<S: SecretStore + 'static> fmt::Debug for TimeoutStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutStore")
            .field("inner", &format_args!("{}", self.inner_name))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
