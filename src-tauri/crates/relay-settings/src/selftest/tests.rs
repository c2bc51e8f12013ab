//! Against the simulated tenant on loopback (relay-sim), with the credential in a MemoryStore.

use relay_config::ConfigStore;
use relay_core::config::{validate, Cloud, ConfigFile, User};
use relay_secrets::{MemoryStore, NewCredential, SetRequest};
use relay_sim::{SimHandle, SimOptions, SimTenant};

use super::*;

const UNKNOWN_USER: &str = "00000000-0000-4000-8000-00000000dead";

struct Setup {
    sim: SimHandle,
    store: MemoryStore,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn start() -> Self {
        let sim = SimTenant::start(SimOptions::demo(2))
            .await
            .expect("the simulated tenant starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let store = MemoryStore::new();
        let mut file = ConfigFile::empty();
        let summary = relay_secrets::set_credentials(
            &store,
            SetRequest {
                cloud: Cloud::Global,
                tenant_id: sim.tenant_id().to_string(),
                client_id: sim.client_id().to_string(),
                credential: NewCredential::ClientSecret(sim.credentials().client_secret.clone()),
            },
            chrono::Utc::now(),
        )
        .expect("stored");
        let mut connection = summary.connection(None);
        connection.authority_url = Some(sim.authority_url().to_owned());
        connection.graph_url = Some(sim.graph_url().to_owned());
        file.connection = Some(connection);
        file.users = sim
            .users()
            .iter()
            .map(|user| User {
                display_name: user.display_name.clone(),
                object_id: user.id.to_string(),
            })
            .collect();
        ConfigStore::new(dir.path().join("config.json"))
            .save(&validate(file).expect("valid"))
            .expect("saved");
        Self { sim, store, dir }
    }

    fn config_file(&self) -> std::path::PathBuf {
        self.dir.path().join("config.json")
    }

    async fn run(&self, users: Option<Vec<String>>) -> ConnectionTestReport {
        let config = crate::ConfigDocument::new(self.config_file())
            .read()
            .expect("readable");
        let prepared = prepare(&self.config_file(), config, Ok(&self.store), users);
        finish(prepared, read_once).await
    }
}

fn names(report: &ConnectionTestReport) -> Vec<&str> {
    report.steps.iter().map(|step| step.step.as_str()).collect()
}

fn step<'a>(report: &'a ConnectionTestReport, name: &str) -> &'a TestStep {
    report
        .steps
        .iter()
        .find(|step| step.step == name)
        .unwrap_or_else(|| panic!("no step {name} in {report:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_passes_against_a_working_tenant_and_no_secret_is_reported() {
    let setup = Setup::start().await;
    let report = setup.run(None).await;
    assert!(report.ok, "{report:#?}");
    let users: Vec<String> = setup
        .sim
        .users()
        .iter()
        .map(|user| format!("user {}", user.id))
        .collect();
    let mut expected = vec!["config", "keyring", "token", "permission"];
    expected.extend(users.iter().map(String::as_str));
    assert_eq!(names(&report), expected);
    assert!(report.steps.iter().all(|step| step.fix.is_none()));
    let consent = report.consent_url.as_deref().expect("a consent URL");
    assert!(consent.contains("adminconsent"), "{consent}");
    let secret = setup.sim.credentials().client_secret.expose().clone();
    let json = serde_json::to_string(&report).expect("json");
    assert!(!json.contains(&secret), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_permission_and_an_unknown_user_fail_their_own_steps_with_the_fix() {
    let setup = Setup::start().await;
    let known = setup.sim.users()[0].id.to_string();
    let report = setup
        .run(Some(vec![known.clone(), UNKNOWN_USER.to_owned()]))
        .await;
    assert!(!report.ok);
    assert!(step(&report, &format!("user {known}")).ok);
    let unknown = step(&report, &format!("user {UNKNOWN_USER}"));
    assert!(!unknown.ok);
    assert!(
        unknown
            .fix
            .as_deref()
            .is_some_and(|fix| fix.contains("object ID")),
        "{unknown:?}"
    );

    setup
        .sim
        .set_app_roles(setup.sim.client_id(), Vec::<String>::new())
        .expect("roles");
    let report = setup.run(None).await;
    let permission = step(&report, "permission");
    assert!(!permission.ok);
    let consent = report.consent_url.as_deref().expect("a consent URL");
    assert!(
        permission
            .fix
            .as_deref()
            .is_some_and(|fix| fix.contains(consent)),
        "{permission:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_failures_stop_the_test_with_their_fix() {
    let setup = Setup::start().await;

    let emptied = MemoryStore::new();
    let config = crate::ConfigDocument::new(setup.config_file())
        .read()
        .expect("readable");
    let prepared = prepare(&setup.config_file(), config, Ok(&emptied), None);
    let report = finish(prepared, read_once).await;
    assert_eq!(names(&report), ["config", "keyring"]);
    assert!(step(&report, "keyring")
        .fix
        .as_deref()
        .is_some_and(|fix| fix.contains("credentials set --tenant")));

    let config = crate::ConfigDocument::new(setup.config_file())
        .read()
        .expect("readable");
    let down = Err(SecretError::Locked {
        reason: "collection locked".into(),
    });
    let report = finish(prepare(&setup.config_file(), config, down, None), read_once).await;
    assert!(step(&report, "keyring")
        .fix
        .as_deref()
        .is_some_and(|fix| fix.contains("unlock")));

    let missing = setup.dir.path().join("absent.json");
    let report = finish(
        prepare(&missing, OnDisk::Missing, Ok(&emptied), None),
        read_once,
    )
    .await;
    assert_eq!(names(&report), ["config"]);
    assert!(step(&report, "config").detail.contains("simulated mode"));
    assert!(!report.ok);
}
