//! The engine's one door to Graph, as a trait so the engine's logic can be exercised against the
//! simulated tenant (through the real client) or a test double.

use std::fmt::Debug;

use async_trait::async_trait;
use relay_core::graph_presence::{Activity, Availability, PreferredExpiration};
use relay_core::planner::Write;
use relay_graph::{GraphClient, GraphError, OpOutcome, PresenceOp, StatusMessage};

/// Why a write (or read) did not go through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteFailure {
    /// Stable code for the UI (`throttled`, `consent_missing`, `transport`, ...).
    pub code: String,
    pub message: String,
    /// Graph's `request-id`, for support cases.
    pub request_id: Option<String>,
    /// Writes are stopped for the whole tenant (admin consent missing) until resumed.
    pub halts_writes: bool,
}

impl From<&GraphError> for WriteFailure {
    fn from(err: &GraphError) -> Self {
        Self {
            code: err.code().to_owned(),
            message: err.to_string(),
            request_id: err.request_id().map(str::to_owned),
            halts_writes: err.code() == "consent_missing",
        }
    }
}

/// A user's presence as Graph reports it (the read-back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub user: String,
    pub availability: Option<Availability>,
    pub activity: Option<Activity>,
    pub status_message: Option<String>,
    pub out_of_office: bool,
}

#[async_trait]
pub trait PresenceWriter: Send + Sync + Debug {
    /// Runs independent writes (at most one per user); one result per write, in order.
    async fn write(&self, writes: &[(String, Write)]) -> Vec<Result<(), WriteFailure>>;

    /// Reads the presence of many users.
    async fn read(&self, users: &[String]) -> Result<Vec<Observed>, WriteFailure>;

    /// Lets writes go again after the tenant halted them (consent granted).
    async fn resume(&self) {}
}

/// [`PresenceWriter`] over the real Graph client.
#[derive(Clone, Debug)]
pub struct GraphWriter {
    client: GraphClient,
}

impl GraphWriter {
    pub fn new(client: GraphClient) -> Self {
        Self { client }
    }
}

pub fn to_op(user: &str, write: &Write) -> PresenceOp {
    let user = user.to_owned();
    match write {
        Write::SetSession { pair, expiration } => PresenceOp::SetPresence {
            user,
            pair: *pair,
            expiration: *expiration,
        },
        Write::ClearSession => PresenceOp::ClearPresence { user },
        Write::SetPreferred { pair, expiration } => PresenceOp::SetPreferredPresence {
            user,
            pair: *pair,
            expiration: u64::try_from(expiration.num_minutes())
                .ok()
                .and_then(|minutes| PreferredExpiration::from_minutes(minutes).ok()),
        },
        Write::ClearPreferred => PresenceOp::ClearPreferredPresence { user },
        Write::SetMessage { text, expires_at } => PresenceOp::SetStatusMessage {
            user,
            message: Some(StatusMessage::new(text.clone(), Some(*expires_at))),
        },
        Write::ClearMessage => PresenceOp::SetStatusMessage {
            user,
            message: None,
        },
    }
}

#[async_trait]
impl PresenceWriter for GraphWriter {
    async fn write(&self, writes: &[(String, Write)]) -> Vec<Result<(), WriteFailure>> {
        let ops: Vec<PresenceOp> = writes.iter().map(|(user, w)| to_op(user, w)).collect();
        let results = if let [op] = ops.as_slice() {
            vec![self.client.run(op).await]
        } else {
            self.client.batch(&ops).await
        };
        results
            .into_iter()
            .map(|result| match result {
                Ok(OpOutcome::Done | OpOutcome::AlreadyClear | OpOutcome::Presence(_)) => Ok(()),
                Err(err) => Err(WriteFailure::from(&err)),
            })
            .collect()
    }

    async fn read(&self, users: &[String]) -> Result<Vec<Observed>, WriteFailure> {
        let presences = self
            .client
            .get_presences(users)
            .await
            .map_err(|err| WriteFailure::from(&err))?;
        Ok(presences
            .into_iter()
            .map(|p| Observed {
                user: p.id.to_ascii_lowercase(),
                availability: p.availability.known().copied(),
                activity: p.activity.known().copied(),
                status_message: p
                    .status_message
                    .and_then(|m| m.message)
                    .map(|body| body.content)
                    .filter(|text| !text.is_empty()),
                out_of_office: p.out_of_office_settings.is_some_and(|o| o.is_out_of_office),
            })
            .collect())
    }

    async fn resume(&self) {
        self.client.resume_writes().await;
    }
}
