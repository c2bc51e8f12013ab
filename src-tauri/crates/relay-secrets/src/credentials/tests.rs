//! The `credentials` logic over a [`MemoryStore`].

use chrono::TimeZone as _;

use super::*;
use crate::memory::MemoryStore;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";
const SECRET: &str = "Xy8Q~fixture.secret_value-0123456789abcdEF";
const PFX_PASSWORD: &str = "fixture-password";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid date")
}

fn secret_request(secret: &str) -> SetRequest {
    SetRequest {
        cloud: Cloud::Global,
        tenant_id: TENANT.to_owned(),
        client_id: CLIENT.to_owned(),
        credential: NewCredential::ClientSecret(Sensitive::new(secret.to_owned())),
    }
}

fn pfx_request() -> SetRequest {
    SetRequest {
        credential: NewCredential::Certificate(CertificateInput {
            file: "relay.pfx".to_owned(),
            bytes: Sensitive::new(
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/modern.pfx"
                ))
                .to_vec(),
            ),
            password: Some(Sensitive::new(PFX_PASSWORD.to_owned())),
        }),
        ..secret_request(SECRET)
    }
}

fn connection(kind: CredentialKind) -> Connection {
    Connection {
        cloud: Cloud::Global,
        tenant_id: TENANT.to_uppercase(),
        client_id: CLIENT.to_owned(),
        credential: kind,
        authority_url: None,
        graph_url: None,
        secret_expires_at: None,
    }
}

fn account(kind: EntryKind) -> String {
    CredentialTarget::new(Cloud::Global, TENANT, CLIENT)
        .key(kind)
        .account()
}

#[test]
fn a_client_secret_round_trips_and_its_status_is_configured() {
    let store = MemoryStore::new();
    let summary =
        set_credentials(&store, secret_request(&format!("  {SECRET}\n")), now()).expect("stored");
    assert_eq!(
        summary,
        CredentialSummary {
            cloud: Cloud::Global,
            tenant_id: TENANT.to_owned(),
            client_id: CLIENT.to_owned(),
            kind: CredentialKind::ClientSecret,
            certificate: None,
        }
    );
    assert_eq!(store.accounts(), [account(EntryKind::ClientSecret)]);

    let connection = summary.connection(None);
    assert_eq!(
        credential_status(&store, &connection),
        CredentialState::Configured {
            kind: CredentialKind::ClientSecret,
            certificate: None
        }
    );
    match load_credential(&store, &connection) {
        Ok(Some(StoredCredential::ClientSecret(secret))) => assert_eq!(secret.expose(), SECRET),
        other => panic!("expected the secret back, got {other:?}"),
    }
}

#[test]
fn unusable_secrets_and_ids_are_refused_before_anything_is_stored() {
    let store = MemoryStore::new();
    let cases = [
        (secret_request("  \n"), "client secret", "empty"),
        (
            secret_request("0e6a1f7c-3b2d-4c5e-8f9a-1b2c3d4e5f60"),
            "client secret",
            "ID (a GUID), not its Value",
        ),
        (
            SetRequest {
                tenant_id: "contoso".to_owned(),
                ..secret_request(SECRET)
            },
            "tenant ID",
            "neither a GUID nor a domain",
        ),
        (
            SetRequest {
                cloud: Cloud::China,
                ..secret_request(SECRET)
            },
            "cloud",
            "no presence APIs",
        ),
    ];
    for (request, subject, problem) in cases {
        match set_credentials(&store, request, now()) {
            Err(SecretError::Invalid {
                subject: got_subject,
                problem: got_problem,
            }) => {
                assert_eq!(got_subject, subject);
                assert!(got_problem.contains(problem), "{got_problem}");
            }
            other => panic!("{subject}: expected Invalid, got {other:?}"),
        }
    }
    assert!(store.accounts().is_empty());
}

#[test]
fn a_certificate_is_stored_as_key_and_certificate_and_reported_without_secrets() {
    let store = MemoryStore::new();
    let summary = set_credentials(&store, pfx_request(), now()).expect("stored");
    assert_eq!(summary.kind, CredentialKind::Certificate);
    let info = summary.certificate.clone().expect("certificate facts");
    assert_eq!(
        info.sha1_thumbprint,
        "E12B03E817C74F53F4CD994902BE20C34E33E8FB"
    );
    let mut expected = vec![
        account(EntryKind::CertificateKey),
        account(EntryKind::Certificate),
    ];
    expected.sort();
    assert_eq!(store.accounts(), expected);

    let connection = summary.connection(None);
    assert_eq!(
        credential_status(&store, &connection),
        CredentialState::Configured {
            kind: CredentialKind::Certificate,
            certificate: Some(info.clone()),
        }
    );
    match load_credential(&store, &connection) {
        Ok(Some(StoredCredential::Certificate {
            certificate_pem,
            private_key_pem,
            info: loaded,
        })) => {
            assert_eq!(loaded, info);
            assert!(certificate_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
            assert!(private_key_pem
                .expose()
                .starts_with("-----BEGIN PRIVATE KEY-----\n"));
            // What is loaded is a valid pair again (the engine hands it to relay-graph).
            let pem = format!("{certificate_pem}{}", private_key_pem.expose());
            let input = CertificateInput {
                file: "loaded".to_owned(),
                bytes: Sensitive::new(pem.into_bytes()),
                password: None,
            };
            let again = CertificateCredential::from_input(&input, now()).expect("a valid pair");
            assert_eq!(again.info, info);
        }
        other => panic!("expected the certificate back, got {other:?}"),
    }
}

#[test]
fn setting_one_kind_removes_the_other_for_the_same_registration_only() {
    let store = MemoryStore::new();
    let other_tenant = SetRequest {
        tenant_id: "contoso.onmicrosoft.com".to_owned(),
        ..secret_request(SECRET)
    };
    set_credentials(&store, other_tenant, now()).expect("other tenant");
    set_credentials(&store, secret_request(SECRET), now()).expect("secret");
    set_credentials(&store, pfx_request(), now()).expect("certificate");
    let accounts = store.accounts();
    assert!(
        !accounts.contains(&account(EntryKind::ClientSecret)),
        "{accounts:?}"
    );
    assert!(accounts.contains(&account(EntryKind::CertificateKey)));
    assert_eq!(
        accounts.len(),
        3,
        "the other tenant's secret stays: {accounts:?}"
    );

    set_credentials(&store, secret_request(SECRET), now()).expect("secret again");
    let accounts = store.accounts();
    assert!(accounts.contains(&account(EntryKind::ClientSecret)));
    assert!(!accounts.contains(&account(EntryKind::CertificateKey)));
    assert!(!accounts.contains(&account(EntryKind::Certificate)));
    assert_eq!(accounts.len(), 2, "{accounts:?}");
}

#[test]
fn status_keeps_missing_unavailable_and_locked_apart() {
    let store = MemoryStore::new();
    let secret = connection(CredentialKind::ClientSecret);
    let certificate = connection(CredentialKind::Certificate);
    assert_eq!(
        credential_status(&store, &secret),
        CredentialState::Missing {
            kind: CredentialKind::ClientSecret
        }
    );

    // A certificate without its key (a half-finished set) is missing, not configured.
    let target = CredentialTarget::from_connection(&certificate);
    store
        .set(
            &target.key(EntryKind::Certificate),
            &Sensitive::new(
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/cert.der"
                ))
                .to_vec(),
            ),
        )
        .expect("set");
    assert_eq!(
        credential_status(&store, &certificate),
        CredentialState::Missing {
            kind: CredentialKind::Certificate
        }
    );
    assert!(matches!(load_credential(&store, &certificate), Ok(None)));

    store.set_outage(Some(SecretError::Unavailable {
        reason: "org.freedesktop.DBus.Error.ServiceUnknown".to_owned(),
    }));
    let unavailable = credential_status(&store, &secret);
    assert_eq!(
        unavailable,
        CredentialState::KeyringUnavailable {
            reason: "org.freedesktop.DBus.Error.ServiceUnknown".to_owned()
        }
    );
    assert!(unavailable.message().contains(crate::NO_FILE_FALLBACK));

    store.set_outage(Some(SecretError::Locked {
        reason: "Secret Service: unlock prompt was dismissed".to_owned(),
    }));
    assert_eq!(
        credential_status(&store, &certificate),
        CredentialState::KeyringLocked {
            reason: "Secret Service: unlock prompt was dismissed".to_owned()
        }
    );

    store.set_outage(Some(SecretError::TimedOut {
        waited: std::time::Duration::from_secs(30),
    }));
    match credential_status(&store, &secret) {
        CredentialState::KeyringLocked { reason } => {
            assert!(reason.contains("unlock prompt"), "{reason}")
        }
        other => panic!("a silent keyring reads as locked, got {other:?}"),
    }
}

#[test]
fn clear_removes_every_kind_for_the_registration() {
    let store = MemoryStore::new();
    set_credentials(&store, pfx_request(), now()).expect("certificate");
    let other = SetRequest {
        client_id: "99999999-2222-3333-4444-555555555555".to_owned(),
        ..secret_request(SECRET)
    };
    set_credentials(&store, other, now()).expect("other registration");
    let secret_connection = connection(CredentialKind::ClientSecret);
    assert_eq!(clear_credentials(&store, &secret_connection), Ok(true));
    assert_eq!(store.accounts().len(), 1, "the other registration stays");
    assert_eq!(clear_credentials(&store, &secret_connection), Ok(false));
    assert_eq!(
        credential_status(&store, &connection(CredentialKind::Certificate)),
        CredentialState::Missing {
            kind: CredentialKind::Certificate
        }
    );
}

/// Fails to store certificates (as a full Windows credential would), to check the rollback.
#[derive(Debug, Default)]
struct RefusesCertificates(MemoryStore);

impl SecretStore for RefusesCertificates {
    fn get(&self, key: &crate::SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        self.0.get(key)
    }

    fn set(&self, key: &crate::SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        if key.kind() == EntryKind::Certificate {
            return Err(SecretError::invalid(key.to_string(), "too long"));
        }
        self.0.set(key, value)
    }

    fn delete(&self, key: &crate::SecretKey) -> Result<bool, SecretError> {
        self.0.delete(key)
    }
}

#[test]
fn a_half_stored_certificate_takes_its_key_out_again() {
    let store = RefusesCertificates::default();
    set_credentials(&store, secret_request(SECRET), now()).expect("secret");
    let error = set_credentials(&store, pfx_request(), now()).err();
    assert!(
        matches!(error, Some(SecretError::Invalid { .. })),
        "{error:?}"
    );
    // The key is gone again, and the old secret is still there: the failed set changed nothing.
    assert_eq!(store.0.accounts(), [account(EntryKind::ClientSecret)]);
}

#[test]
fn nothing_shown_to_people_or_scripts_holds_a_secret() {
    let store = MemoryStore::new();
    let request = pfx_request();
    let request_debug = format!("{request:?} {:?}", secret_request(SECRET));
    assert!(!request_debug.contains(SECRET), "{request_debug}");
    assert!(!request_debug.contains(PFX_PASSWORD), "{request_debug}");

    let summary = set_credentials(&store, request, now()).expect("stored");
    let connection = summary.connection(None);
    let state = credential_status(&store, &connection);
    let loaded = load_credential(&store, &connection).expect("loads");
    let shown = format!(
        "{} {summary:?} {} {state:?} {} {loaded:?} {store:?}",
        serde_json::to_string(&summary).expect("summary serializes"),
        serde_json::to_string(&state).expect("state serializes"),
        state.message(),
    );
    let Some(StoredCredential::Certificate {
        private_key_pem, ..
    }) = loaded
    else {
        panic!("expected a certificate");
    };
    let key_body: String = private_key_pem
        .expose()
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    for line in private_key_pem
        .expose()
        .lines()
        .filter(|l| !l.starts_with("-----"))
    {
        assert!(!shown.contains(line), "a key line leaked: {shown}");
    }
    assert!(!shown.contains(&key_body[..40]));
    assert!(!shown.contains(PFX_PASSWORD));
}

#[test]
fn state_json_is_tagged_for_the_ui() {
    let json = |state: &CredentialState| serde_json::to_value(state).expect("serializes");
    assert_eq!(
        json(&CredentialState::Missing {
            kind: CredentialKind::Certificate
        }),
        serde_json::json!({"state": "missing", "kind": "certificate"})
    );
    assert_eq!(
        json(&CredentialState::Configured {
            kind: CredentialKind::ClientSecret,
            certificate: None
        }),
        serde_json::json!({"state": "configured", "kind": "client_secret"})
    );
    assert_eq!(
        json(&CredentialState::KeyringLocked {
            reason: "r".to_owned()
        }),
        serde_json::json!({"state": "keyring_locked", "reason": "r"})
    );
    let unavailable = CredentialState::KeyringUnavailable {
        reason: "r".to_owned(),
    };
    assert_eq!(
        json(&unavailable),
        serde_json::json!({"state": "keyring_unavailable", "reason": "r"})
    );
    let back: CredentialState = serde_json::from_value(json(&unavailable)).expect("reads back");
    assert_eq!(back, unavailable);
}

#[test]
fn the_saved_connection_keeps_host_overrides_only_within_the_same_cloud() {
    let previous = Connection {
        authority_url: Some("http://127.0.0.1:9/".to_owned()),
        graph_url: Some("http://127.0.0.1:9/graph".to_owned()),
        tenant_id: "contoso.onmicrosoft.com".to_owned(),
        ..connection(CredentialKind::Certificate)
    };
    let summary = CredentialSummary {
        cloud: Cloud::Global,
        tenant_id: TENANT.to_owned(),
        client_id: CLIENT.to_owned(),
        kind: CredentialKind::ClientSecret,
        certificate: None,
    };
    let saved = summary.connection(Some(&previous));
    assert_eq!(saved.tenant_id, TENANT);
    assert_eq!(saved.credential, CredentialKind::ClientSecret);
    assert_eq!(saved.authority_url, previous.authority_url);
    assert_eq!(saved.graph_url, previous.graph_url);

    let moved = CredentialSummary {
        cloud: Cloud::UsGovL4,
        ..summary
    }
    .connection(Some(&previous));
    assert_eq!(moved.cloud, Cloud::UsGovL4);
    assert_eq!(moved.authority_url, None);
    assert_eq!(moved.graph_url, None);
}
