//! Starting a simulated tenant, controlling it, and stopping it.

use std::fmt::Write as _;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use relay_core::config::Cloud;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::Sensitive;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::auth::certificate::RegisteredCertificate;
use crate::clock::SimClock;
use crate::error::SimError;
use crate::faults::{FaultSpec, FaultSpecError};
use crate::inspect::{Counters, RequestRecord};
use crate::model::directory::AppRegistration;
use crate::model::presence::PresencePair;
use crate::model::user::TeamsClient;
use crate::options::{SimOptions, ThrottleBudget, ThrottleBudgetError};
use crate::server;
use crate::snapshot::{CertificateRegistration, PresenceView, StateSnapshot, UserSnapshot};
use crate::tenant::{DemoCredentials, Tenant, UserSummary};

/// Entry point: `SimTenant::start(options).await` serves a simulated tenant on loopback.
#[derive(Clone, Copy, Debug)]
pub struct SimTenant;

impl SimTenant {
    /// Binds 127.0.0.1 (`options.port`, 0 for any free port), builds the tenant and starts
    /// serving. The returned handle owns the server: dropping it stops the server.
    pub async fn start(options: SimOptions) -> Result<SimHandle, SimError> {
        options
            .faults
            .validate()
            .map_err(|err| SimError::InvalidOptions(err.to_string()))?;
        if let Some(budget) = options.throttle {
            budget
                .validate()
                .map_err(|err| SimError::InvalidOptions(err.to_string()))?;
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .await
            .map_err(|source| SimError::Bind {
                port: options.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            port: options.port,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let (tenant, credentials) = Tenant::new(&options, base_url.clone());
        let control = SimControl {
            shared: Arc::new(Shared {
                tenant: Mutex::new(tenant),
                clock: SimClock::new(options.clock.clone()),
                base_url,
                addr,
                credentials,
            }),
        };
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(server::serve(listener, control.clone(), shutdown.clone()));
        tracing::info!(url = control.base_url(), "simulated tenant listening");
        Ok(SimHandle {
            control,
            shutdown,
            server: Some(server),
        })
    }
}

#[derive(Debug)]
struct Shared {
    tenant: Mutex<Tenant>,
    clock: SimClock,
    base_url: String,
    addr: SocketAddr,
    credentials: DemoCredentials,
}

/// A running simulated tenant. Dereferences to [`SimControl`], where the URLs, credentials and
/// test hooks are. Dropping the handle stops the server; [`SimHandle::shutdown`] stops it and
/// waits for open requests to finish.
#[derive(Debug)]
pub struct SimHandle {
    control: SimControl,
    shutdown: CancellationToken,
    server: Option<JoinHandle<()>>,
}

impl std::ops::Deref for SimHandle {
    type Target = SimControl;

    fn deref(&self) -> &SimControl {
        &self.control
    }
}

impl SimHandle {
    /// A cloneable control surface for other tasks (it does not keep the server alive).
    pub fn control(&self) -> SimControl {
        self.control.clone()
    }

    /// Stops accepting, lets requests in progress finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> Result<(), SimError> {
        self.stop().await
    }

    /// Serves until `stop` completes (e.g. Ctrl-C), then shuts down gracefully. Fails early if
    /// the server stops by itself.
    pub async fn run_until<F: Future<Output = ()>>(mut self, stop: F) -> Result<(), SimError> {
        if let Some(server) = self.server.as_mut() {
            tokio::select! {
                () = stop => {}
                result = server => {
                    self.server = None;
                    return Err(SimError::ServerStopped(match result {
                        Ok(()) => "it returned without being asked to".to_owned(),
                        Err(err) => err.to_string(),
                    }));
                }
            }
        }
        self.stop().await
    }

    async fn stop(&mut self) -> Result<(), SimError> {
        self.shutdown.cancel();
        match self.server.take() {
            Some(server) => server
                .await
                .map_err(|err| SimError::ServerStopped(err.to_string())),
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Everything a test, a benchmark or the demo UI can ask of a running simulated tenant.
/// Cheap to clone; all clones see the same tenant.
#[derive(Clone, Debug)]
pub struct SimControl {
    shared: Arc<Shared>,
}

impl SimControl {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Tenant> {
        // A panic while holding the lock leaves a consistent tenant (every change is a single
        // assignment sequence without awaits), so keep serving.
        self.shared
            .tenant
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ---- where and who -----------------------------------------------------------------------

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The authority host root (config `connection.authority_url`); the token endpoint is
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn authority_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The Graph root (config `connection.graph_url`); Graph paths are `{root}/v1.0/...`.
    pub fn graph_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The demo tenant's token endpoint.
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.shared.base_url, self.shared.credentials.tenant_id
        )
    }

    /// Root of the inspection API (`/_sim`).
    pub fn inspection_url(&self) -> String {
        format!("{}/_sim", self.shared.base_url)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The demo app's credentials (its secret is fake).
    pub fn credentials(&self) -> &DemoCredentials {
        &self.shared.credentials
    }

    pub fn tenant_id(&self) -> Uuid {
        self.shared.credentials.tenant_id
    }

    /// The demo app's client id.
    pub fn client_id(&self) -> Uuid {
        self.shared.credentials.client_id
    }

    /// The simulator's current time (the injected clock plus any advance).
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    // ---- directory ---------------------------------------------------------------------------

    pub fn register_app(&self, registration: AppRegistration) -> Result<(), SimError> {
        self.lock().register_app(registration)
    }

    /// Replaces an app's granted roles; tokens issued later carry the new roles.
    pub fn set_app_roles<I, S>(&self, client_id: Uuid, roles: I) -> Result<(), SimError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lock()
            .set_app_roles(client_id, roles.into_iter().map(Into::into).collect())
    }

    /// Adds a client secret; `expires_at` in the past makes token requests fail with
    /// AADSTS7000222. Returns the secret's id (which, sent as the secret, fails like Entra).
    pub fn add_client_secret(
        &self,
        client_id: Uuid,
        secret: Sensitive<String>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Uuid, SimError> {
        self.lock().add_client_secret(client_id, secret, expires_at)
    }

    /// Registers a DER X.509 certificate (RSA, at least 2048 bits) on an app.
    pub fn add_certificate_der(
        &self,
        client_id: Uuid,
        der: &[u8],
    ) -> Result<CertificateRegistration, SimError> {
        let certificate = RegisteredCertificate::from_der(der)
            .map_err(|reason| SimError::InvalidCertificate { client_id, reason })?;
        self.lock().add_certificate(client_id, certificate)
    }

    /// Registers a PEM certificate (`-----BEGIN CERTIFICATE-----`) on an app.
    pub fn add_certificate_pem(
        &self,
        client_id: Uuid,
        pem: &str,
    ) -> Result<CertificateRegistration, SimError> {
        let certificate = RegisteredCertificate::from_pem(pem)
            .map_err(|reason| SimError::InvalidCertificate { client_id, reason })?;
        self.lock().add_certificate(client_id, certificate)
    }

    /// Invalidates every access token issued so far (Graph answers 401 until a new one is got).
    pub fn revoke_tokens(&self) {
        self.lock().issuer.rotate();
    }

    // ---- users -------------------------------------------------------------------------------

    pub fn add_user(
        &self,
        id: Uuid,
        display_name: impl Into<String>,
    ) -> Result<UserSummary, SimError> {
        self.lock().add_user(id, display_name.into())
    }

    /// Users in the order they were added.
    pub fn users(&self) -> Vec<UserSummary> {
        self.lock().users()
    }

    /// One user's sessions, preferred presence, message and what Graph shows.
    pub fn user(&self, id: Uuid) -> Result<UserSnapshot, SimError> {
        let now = self.now();
        self.lock().user_snapshot(id, now)
    }

    /// What Graph returns for this user right now.
    pub fn presence(&self, id: Uuid) -> Result<PresenceView, SimError> {
        Ok(self.user(id)?.presence)
    }

    /// Signs a Teams client in (or changes what it shows). Teams clients neither fade nor
    /// expire; they hold until signed out.
    pub fn sign_in_teams_client(
        &self,
        user: Uuid,
        client: TeamsClient,
        availability: Availability,
        activity: Activity,
    ) -> Result<(), SimError> {
        let now = self.now();
        self.lock().sign_in_teams_client(
            user,
            client,
            PresencePair::new(availability, activity),
            now,
        )
    }

    /// Signs a Teams client out; false when it was not signed in.
    pub fn sign_out_teams_client(&self, user: Uuid, client: TeamsClient) -> Result<bool, SimError> {
        let now = self.now();
        self.lock().sign_out_teams_client(user, client, now)
    }

    /// Turns automatic replies on: `outOfOfficeSettings.isOutOfOffice` and the OutOfOffice
    /// activity.
    pub fn set_out_of_office(&self, user: Uuid, message: Option<String>) -> Result<(), SimError> {
        let now = self.now();
        self.lock().set_out_of_office(user, Some(message), now)
    }

    pub fn clear_out_of_office(&self, user: Uuid) -> Result<(), SimError> {
        let now = self.now();
        self.lock().set_out_of_office(user, None, now)
    }

    /// Starts or ends a calendar meeting: a Busy/InAMeeting session that apps cannot clear.
    pub fn set_in_meeting(&self, user: Uuid, in_meeting: bool) -> Result<(), SimError> {
        let now = self.now();
        self.lock().set_in_meeting(user, in_meeting, now)
    }

    // ---- inspection --------------------------------------------------------------------------

    /// The whole tenant as of now.
    pub fn state(&self) -> StateSnapshot {
        let now = self.now();
        let offset = self.shared.clock.offset();
        self.lock().snapshot(now, offset)
    }

    /// Every request still in the log, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests_since(0, usize::MAX)
    }

    /// Requests logged after `seq`, at most `limit`.
    pub fn requests_since(&self, seq: u64, limit: usize) -> Vec<RequestRecord> {
        self.lock().log.since(seq, limit)
    }

    pub fn clear_requests(&self) {
        self.lock().log.clear();
    }

    pub fn counters(&self) -> Counters {
        self.lock().counters.clone()
    }

    pub fn reset_counters(&self) {
        self.lock().counters = Counters::default();
    }

    /// How far [`Self::advance_clock`] has moved the clock ahead of the injected one.
    pub fn clock_offset(&self) -> Duration {
        self.shared.clock.offset()
    }

    /// Moves the simulator's clock forward (on top of the injected clock); returns the new now.
    pub fn advance_clock(&self, by: Duration) -> DateTime<Utc> {
        self.shared.clock.advance(by);
        self.now()
    }

    pub fn faults(&self) -> FaultSpec {
        self.lock().faults.spec().clone()
    }

    /// Replaces the fault spec; its RNG restarts from the spec's seed.
    pub fn set_faults(&self, spec: FaultSpec) -> Result<(), FaultSpecError> {
        spec.validate()?;
        self.lock().set_faults(spec);
        Ok(())
    }

    pub fn throttle(&self) -> Option<ThrottleBudget> {
        self.lock().throttle.budget()
    }

    /// Replaces the presence budget (`None`: no throttling); buckets start full.
    pub fn set_throttle(&self, budget: Option<ThrottleBudget>) -> Result<(), ThrottleBudgetError> {
        if let Some(budget) = budget {
            budget.validate()?;
        }
        self.lock().throttle.set_budget(budget);
        Ok(())
    }

    /// A summary for people: URLs, the demo credentials (the only place the fake secret is
    /// shown), users, faults and throttling.
    pub fn describe(&self) -> String {
        let credentials = &self.shared.credentials;
        let base = self.base_url();
        let (cloud, users, faults, throttle) = {
            let tenant = self.lock();
            (
                tenant.cloud,
                tenant.users(),
                tenant.faults.spec().clone(),
                tenant.throttle.budget(),
            )
        };
        let scope = match cloud {
            Cloud::Global => "https://graph.microsoft.com/.default",
            Cloud::UsGovL4 => "https://graph.microsoft.us/.default",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us/.default",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/.default",
        };
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(text, "Simulated Microsoft tenant (relay-sim) on {base}");
        let _ = writeln!(
            text,
            "  Authority URL   {base}   (connection.authority_url)"
        );
        let _ = writeln!(
            text,
            "  Graph URL       {base}   (connection.graph_url; API under /v1.0)"
        );
        let _ = writeln!(text, "  Token endpoint  {}", self.token_url());
        let _ = writeln!(text, "  Inspection API  {}/state", self.inspection_url());
        let _ = writeln!(text);
        let _ = writeln!(
            text,
            "Demo credentials (fake: valid only against this simulator)"
        );
        let _ = writeln!(text, "  Cloud           {} (scope {scope})", cloud.as_str());
        let _ = writeln!(text, "  Tenant ID       {}", credentials.tenant_id);
        let _ = writeln!(text, "  Tenant domain   {}", credentials.tenant_domain);
        let _ = writeln!(text, "  Client ID       {}", credentials.client_id);
        let _ = writeln!(
            text,
            "  Client secret   {}",
            credentials.client_secret.expose()
        );
        let _ = writeln!(text);
        let _ = writeln!(text, "Users ({})", users.len());
        const SHOWN: usize = 10;
        for user in users.iter().take(SHOWN) {
            let _ = writeln!(text, "  {}  {}", user.id, user.display_name);
        }
        if users.len() > SHOWN {
            let _ = writeln!(
                text,
                "  ... and {} more (GET {}/users)",
                users.len() - SHOWN,
                self.inspection_url()
            );
        }
        let _ = writeln!(text);
        let _ = writeln!(text, "Faults          {faults}");
        let _ = writeln!(
            text,
            "Throttling      {}",
            match throttle {
                Some(budget) => format!("{budget} per app (presence)"),
                None => "off".to_owned(),
            }
        );
        let _ = writeln!(
            text,
            "Clock           {} (move it with POST {}/clock/advance)",
            self.now().format("%Y-%m-%d %H:%M:%S UTC"),
            self.inspection_url()
        );
        text
    }
}
