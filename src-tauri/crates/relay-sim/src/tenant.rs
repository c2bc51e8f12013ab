//! The whole simulated tenant: directory, users, tokens, throttling, faults and records, behind
//! one lock in [`crate::SimControl`]. Request handling lives in `auth` and `graph`; this module
//! owns the data and the test hooks that change it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use relay_core::config::Cloud;
use relay_core::Sensitive;
use uuid::Uuid;

use crate::auth::access_token::TokenIssuer;
use crate::auth::certificate::RegisteredCertificate;
use crate::error::SimError;
use crate::faults::{FaultInjector, FaultSpec};
use crate::ids::{demo_guid, demo_secret, demo_user_name, user_principal_name, DEMO_DOMAIN};
use crate::inspect::{Counters, RequestLog};
use crate::model::directory::{AppRecord, AppRegistration, SecretRecord};
use crate::model::presence::{PresencePair, CLIENT_AVAILABILITIES, DERIVED_ACTIVITIES};
use crate::model::user::{SimUser, TeamsClient};
use crate::options::SimOptions;
use crate::rng::SimRng;
use crate::snapshot::{CertificateRegistration, StateSnapshot, UserSnapshot};
use crate::throttle::Throttle;

/// The credentials of the demo app. The secret is fake and works only against this simulator.
#[derive(Clone, Debug)]
pub struct DemoCredentials {
    pub tenant_id: Uuid,
    pub tenant_domain: String,
    pub client_id: Uuid,
    pub client_secret: Sensitive<String>,
}

/// A user of the simulated tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSummary {
    pub id: Uuid,
    pub display_name: String,
    pub user_principal_name: String,
}

#[derive(Debug)]
pub(crate) struct Tenant {
    pub(crate) tenant_id: Uuid,
    pub(crate) domain: String,
    pub(crate) cloud: Cloud,
    /// `http://127.0.0.1:PORT`: the authority and Graph root of this simulator.
    pub(crate) base_url: String,
    pub(crate) apps: BTreeMap<Uuid, AppRecord>,
    users: HashMap<Uuid, SimUser>,
    user_order: Vec<Uuid>,
    pub(crate) issuer: TokenIssuer,
    pub(crate) token_lifetime: Duration,
    pub(crate) throttle: Throttle,
    pub(crate) faults: FaultInjector,
    /// Request ids, token ids and batch response order.
    pub(crate) rng: SimRng,
    pub(crate) log: RequestLog,
    pub(crate) counters: Counters,
}

impl Tenant {
    /// The tenant `options` describe: the demo app with its secret, and the demo users.
    pub(crate) fn new(options: &SimOptions, base_url: String) -> (Self, DemoCredentials) {
        let seed = options.seed;
        let credentials = DemoCredentials {
            tenant_id: demo_guid(seed, "tenant", 0),
            tenant_domain: DEMO_DOMAIN.to_owned(),
            client_id: demo_guid(seed, "app", 0),
            client_secret: Sensitive::new(demo_secret(seed)),
        };
        let mut tenant = Self {
            tenant_id: credentials.tenant_id,
            domain: credentials.tenant_domain.clone(),
            cloud: options.cloud,
            base_url,
            apps: BTreeMap::new(),
            users: HashMap::new(),
            user_order: Vec::new(),
            issuer: TokenIssuer::new(seed),
            token_lifetime: options.token_lifetime,
            throttle: Throttle::new(options.throttle, options.retry_after_scope),
            faults: FaultInjector::new(options.faults.clone()),
            // Apart from the fault RNG's seed, so the two streams differ even when both seeds are 0.
            rng: SimRng::new(seed ^ 0x5EED_0000_0001),
            log: RequestLog::new(options.request_log_capacity),
            counters: Counters::default(),
        };
        let mut demo_app = AppRecord::new(
            AppRegistration::new(credentials.client_id, "Presence Relay (demo)")
                .with_roles(options.demo_app_roles.iter().cloned()),
        );
        demo_app.secrets.push(SecretRecord {
            secret_id: demo_guid(seed, "client-secret-id", 0),
            value: credentials.client_secret.clone(),
            expires_at: None,
        });
        tenant.apps.insert(credentials.client_id, demo_app);
        for index in 0..options.users {
            let name = demo_user_name(index);
            let id = demo_guid(seed, "user", index as u64);
            // Demo ids are distinct by construction (a hash of distinct indexes).
            let _ = tenant.add_user(id, name);
        }
        (tenant, credentials)
    }

    pub(crate) fn next_guid(&mut self) -> Uuid {
        self.rng.guid()
    }

    // ---- users -------------------------------------------------------------------------------

    pub(crate) fn add_user(
        &mut self,
        id: Uuid,
        display_name: String,
    ) -> Result<UserSummary, SimError> {
        if self.users.contains_key(&id) {
            return Err(SimError::DuplicateUser(id));
        }
        let upn = user_principal_name(&display_name);
        self.users
            .insert(id, SimUser::new(id, display_name.clone(), upn.clone()));
        self.user_order.push(id);
        Ok(UserSummary {
            id,
            display_name,
            user_principal_name: upn,
        })
    }

    pub(crate) fn users(&self) -> Vec<UserSummary> {
        self.user_order
            .iter()
            .filter_map(|id| self.users.get(id))
            .map(|user| UserSummary {
                id: user.id,
                display_name: user.display_name.clone(),
                user_principal_name: user.user_principal_name.clone(),
            })
            .collect()
    }

    /// Finds a user by object id, or by user principal name (as Graph also allows).
    pub(crate) fn resolve_user(&self, text: &str) -> Option<Uuid> {
        if let Ok(id) = Uuid::parse_str(text.trim()) {
            return self.users.contains_key(&id).then_some(id);
        }
        self.users
            .values()
            .find(|user| user.user_principal_name.eq_ignore_ascii_case(text.trim()))
            .map(|user| user.id)
    }

    /// The user with every time-driven change up to `now` applied.
    pub(crate) fn user_mut(&mut self, id: Uuid, now: DateTime<Utc>) -> Option<&mut SimUser> {
        let user = self.users.get_mut(&id)?;
        user.settle(now);
        Some(user)
    }

    fn user_or_error(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<&mut SimUser, SimError> {
        self.user_mut(id, now).ok_or(SimError::UnknownUser(id))
    }

    pub(crate) fn user_snapshot(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<UserSnapshot, SimError> {
        Ok(self.user_or_error(id, now)?.snapshot(now))
    }

    pub(crate) fn sign_in_teams_client(
        &mut self,
        id: Uuid,
        client: TeamsClient,
        pair: PresencePair,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        if !CLIENT_AVAILABILITIES.contains(&pair.availability)
            || DERIVED_ACTIVITIES.contains(&pair.activity)
        {
            return Err(SimError::InvalidPresence(format!(
                "a Teams client cannot show {pair}: its availability must be one of Available, \
                 Busy, DoNotDisturb, BeRightBack, Away, and its activity must not be one Graph \
                 derives (AvailableInactive, OutOfOffice, Offline, OffWork, PresenceUnknown)"
            )));
        }
        self.user_or_error(id, now)?
            .sign_in_teams_client(client, pair, now);
        Ok(())
    }

    /// Signs a Teams client out; false when it was not signed in.
    pub(crate) fn sign_out_teams_client(
        &mut self,
        id: Uuid,
        client: TeamsClient,
        now: DateTime<Utc>,
    ) -> Result<bool, SimError> {
        Ok(self.user_or_error(id, now)?.sign_out_teams_client(client))
    }

    pub(crate) fn set_out_of_office(
        &mut self,
        id: Uuid,
        message: Option<Option<String>>,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        let user = self.user_or_error(id, now)?;
        match message {
            Some(message) => user.set_out_of_office(message),
            None => user.clear_out_of_office(),
        }
        Ok(())
    }

    pub(crate) fn set_in_meeting(
        &mut self,
        id: Uuid,
        in_meeting: bool,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        self.user_or_error(id, now)?.set_in_meeting(in_meeting, now);
        Ok(())
    }

    // ---- apps --------------------------------------------------------------------------------

    pub(crate) fn register_app(&mut self, registration: AppRegistration) -> Result<(), SimError> {
        if self.apps.contains_key(&registration.client_id) {
            return Err(SimError::DuplicateApp(registration.client_id));
        }
        self.apps
            .insert(registration.client_id, AppRecord::new(registration));
        Ok(())
    }

    fn app_mut(&mut self, client_id: Uuid) -> Result<&mut AppRecord, SimError> {
        self.apps
            .get_mut(&client_id)
            .ok_or(SimError::UnknownApp(client_id))
    }

    pub(crate) fn set_app_roles(
        &mut self,
        client_id: Uuid,
        roles: Vec<String>,
    ) -> Result<(), SimError> {
        self.app_mut(client_id)?.registration.roles = roles;
        Ok(())
    }

    pub(crate) fn add_client_secret(
        &mut self,
        client_id: Uuid,
        value: Sensitive<String>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Uuid, SimError> {
        if value.expose().is_empty() {
            return Err(SimError::EmptySecret);
        }
        let secret_id = self.next_guid();
        self.app_mut(client_id)?.secrets.push(SecretRecord {
            secret_id,
            value,
            expires_at,
        });
        Ok(secret_id)
    }

    pub(crate) fn add_certificate(
        &mut self,
        client_id: Uuid,
        certificate: RegisteredCertificate,
    ) -> Result<CertificateRegistration, SimError> {
        let registration = certificate.registration();
        self.app_mut(client_id)?.certificates.push(certificate);
        Ok(registration)
    }

    // ---- runtime settings --------------------------------------------------------------------

    pub(crate) fn set_faults(&mut self, spec: FaultSpec) {
        self.faults = FaultInjector::new(spec);
    }

    pub(crate) fn snapshot(&mut self, now: DateTime<Utc>, clock_offset: Duration) -> StateSnapshot {
        let order = self.user_order.clone();
        let users = order
            .iter()
            .filter_map(|id| self.user_mut(*id, now).map(|user| user.snapshot(now)))
            .collect();
        StateSnapshot {
            now,
            clock_offset_seconds: clock_offset.num_seconds(),
            tenant_id: self.tenant_id,
            tenant_domain: self.domain.clone(),
            cloud: self.cloud,
            apps: self.apps.values().map(AppRecord::snapshot).collect(),
            users,
            throttle: self.throttle.snapshot(now),
            faults: self.faults.spec().clone(),
        }
    }
}
