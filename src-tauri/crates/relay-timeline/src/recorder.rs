//! The engine's writer for a replay: the real Graph writer, with every write attempt noted (who,
//! what, and the failure code if it failed) so the report can list failures per person too.

use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use relay_core::planner::Write;
use relay_engine::{describe, GraphWriter, Observed, PresenceWriter, WriteFailure};

/// One write as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// The engine's key of the person (lower-case object ID).
    pub user: String,
    /// As the audit log words it.
    pub write: String,
    /// The failure's code, if Graph did not accept it.
    pub failure: Option<String>,
}

#[derive(Debug)]
pub(crate) struct RecordingWriter {
    inner: GraphWriter,
    attempts: Mutex<Vec<Attempt>>,
}

impl RecordingWriter {
    pub fn new(inner: GraphWriter) -> Arc<Self> {
        Arc::new(Self {
            inner,
            attempts: Mutex::new(Vec::new()),
        })
    }

    /// The attempts since the last call, in the order they were sent.
    pub fn take(&self) -> Vec<Attempt> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Attempt>> {
        // A poisoned lock only means a panic while pushing a plain value.
        self.attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl PresenceWriter for RecordingWriter {
    async fn write(&self, writes: &[(String, Write)]) -> Vec<Result<(), WriteFailure>> {
        let results = self.inner.write(writes).await;
        let mut attempts = self.lock();
        for ((user, write), result) in writes.iter().zip(&results) {
            attempts.push(Attempt {
                user: user.clone(),
                write: describe(write),
                failure: result.as_ref().err().map(|failure| failure.code.clone()),
            });
        }
        results
    }

    async fn read(&self, users: &[String]) -> Result<Vec<Observed>, WriteFailure> {
        self.inner.read(users).await
    }

    async fn resume(&self) {
        self.inner.resume().await;
    }
}
