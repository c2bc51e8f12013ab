//! `presence-relay credentials set | status | clear`: the app's credential in the OS keyring, and
//! the `connection` section of the config that names it. Nothing here prints a secret: the
//! secret goes from standard input (or the certificate file) into `relay_secrets` and the
//! keyring, and only summaries come back.

use std::io::IsTerminal;

use anyhow::Context;
use relay_config::{AppPaths, ConfigStore};
use relay_core::clock::{Clock, SystemClock};
use relay_core::config::{validate, ConfigFile, Connection};
use relay_secrets::{
    CertificateInput, CredentialState, CredentialSummary, NewCredential, SecretError, SetRequest,
};
use serde_json::json;

use super::connect::{
    invalid_config_message, open_keyring, read_config, ConfigRead, Stop, HOW_TO_CONNECT,
    SIMULATED_MODE,
};
use crate::args::{CredentialsCommand, CredentialsSetArgs};
use crate::{exit, output};

pub fn run(command: CredentialsCommand, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    match command {
        CredentialsCommand::Set(args) => set(args, paths, json),
        CredentialsCommand::Status => status(paths, json),
        CredentialsCommand::Clear => clear(paths, json),
    }
}

/// Keyring trouble is a failure at run time (1); anything wrong with the input is invalid (2).
fn refused(err: &SecretError) -> Stop {
    if err.is_keyring_problem() {
        Stop::failure(err.to_string())
    } else {
        Stop::invalid(err.to_string())
    }
}

/// The order matters: everything that can be refused (the config, the input) is checked before
/// the keyring is written, and the config is written only after the keyring took the credential.
/// So a refusal or an unusable keyring leaves no trace anywhere.
fn set(args: CredentialsSetArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let mut file = match read_config(paths)? {
        ConfigRead::Missing => ConfigFile::empty(),
        ConfigRead::Valid(config) => (*config).into_file(),
        ConfigRead::Invalid(issues) => {
            return Ok(Stop::invalid(format!(
                "{}; nothing was stored",
                invalid_config_message(paths, &issues)
            ))
            .report())
        }
    };
    let credential = match new_credential(&args) {
        Ok(credential) => credential,
        Err(stop) => return Ok(stop.report()),
    };
    let keyring = match open_keyring() {
        Ok(keyring) => keyring,
        Err(err) => return Ok(refused(&err).report()),
    };
    let request = SetRequest {
        cloud: args.cloud,
        tenant_id: args.tenant,
        client_id: args.client_id,
        credential,
    };
    let summary = match relay_secrets::set_credentials(&keyring, request, SystemClock.now()) {
        Ok(summary) => summary,
        Err(err) => return Ok(refused(&err).report()),
    };

    file.connection = Some(summary.connection(file.connection.as_ref()));
    // set_credentials checks the IDs by the config's own rules, so this cannot fail unless the
    // two drift apart; say so rather than save a file the app would refuse.
    let config = validate(file).map_err(|issues| {
        anyhow::anyhow!(
            "the credential is stored in the OS keyring, but the connection does not validate \
             ({}); please report this",
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let store = ConfigStore::new(paths.config_file());
    store.save(&config).with_context(|| {
        "the credential is stored in the OS keyring, but the connection could not be recorded in \
         the config file; fix that and run the same command again"
    })?;
    tracing::info!(
        tenant = %summary.tenant_id,
        client = %summary.client_id,
        cloud = summary.cloud.as_str(),
        "credentials set; connection recorded in {}",
        store.path().display()
    );
    if json {
        output::line(&serde_json::to_string_pretty(&json!({
            "stored": summary,
            "config_file": store.path(),
        }))?)?;
    } else {
        output::line(&describe_stored(&summary))?;
        output::line(&format!(
            "connection recorded in {}",
            store.path().display()
        ))?;
        eprintln!("next: check it with `presence-relay connection test`");
    }
    Ok(exit::OK)
}

/// Reads what `set` stores: the secret from a pipe, or the certificate file (and its password
/// from a pipe).
fn new_credential(args: &CredentialsSetArgs) -> Result<NewCredential, Stop> {
    let piped = |what: &str| {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            return Err(Stop::invalid(format!(
                "the {what} is read from standard input, which is a terminal here, where it would \
                 show as you type; pipe it in instead, e.g. `printf '%s' \"$VALUE\" | \
                 presence-relay credentials set …`"
            )));
        }
        relay_secrets::read_secret(stdin.lock(), what).map_err(|err| refused(&err))
    };
    if let Some(path) = &args.certificate {
        let password = if args.password_stdin {
            Some(piped("certificate password")?)
        } else {
            None
        };
        let input = CertificateInput::read_file(path, password).map_err(|err| refused(&err))?;
        Ok(NewCredential::Certificate(input))
    } else {
        Ok(NewCredential::ClientSecret(piped("client secret")?))
    }
}

fn describe_stored(summary: &CredentialSummary) -> String {
    let what = match &summary.certificate {
        Some(info) => format!(
            "a certificate ({}, thumbprint {}, valid until {})",
            info.subject,
            info.sha1_thumbprint,
            info.not_after.format("%Y-%m-%d")
        ),
        None => "a client secret".to_owned(),
    };
    format!(
        "stored {what} in the OS keyring for app {} in tenant {} ({} cloud)",
        summary.client_id,
        summary.tenant_id,
        summary.cloud.as_str()
    )
}

fn describe_connection(connection: &Connection) -> String {
    format!(
        "app {} in tenant {} ({} cloud)",
        connection.client_id,
        connection.tenant_id,
        connection.cloud.as_str()
    )
}

/// Exit 0 only when the credential is there, so scripts can test for it.
fn status(paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let connection = match read_config(paths)? {
        ConfigRead::Invalid(issues) => {
            return Ok(Stop::invalid(invalid_config_message(paths, &issues)).report())
        }
        read => read.connection().cloned(),
    };
    let Some(connection) = connection else {
        let message = format!("{SIMULATED_MODE}; {HOW_TO_CONNECT}");
        if json {
            output::line(&serde_json::to_string_pretty(&json!({
                "connection": null,
                "state": "not_connected",
                "message": message,
            }))?)?;
        } else {
            output::line(&message)?;
        }
        return Ok(exit::FAILURE);
    };
    let state = match open_keyring() {
        Ok(keyring) => relay_secrets::credential_status(&keyring, &connection),
        Err(SecretError::Unavailable { reason }) => CredentialState::KeyringUnavailable { reason },
        Err(other) => CredentialState::KeyringUnavailable {
            reason: other.to_string(),
        },
    };
    if json {
        let mut report = serde_json::to_value(&state)?;
        if let Some(fields) = report.as_object_mut() {
            fields.insert("connection".to_owned(), serde_json::to_value(&connection)?);
            fields.insert("message".to_owned(), state.message().into());
        }
        output::line(&serde_json::to_string_pretty(&report)?)?;
    } else {
        output::line(&format!(
            "{}: {}",
            describe_connection(&connection),
            state.message()
        ))?;
    }
    Ok(if state.is_configured() {
        exit::OK
    } else {
        exit::FAILURE
    })
}

fn clear(paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let connection = match read_config(paths)? {
        ConfigRead::Invalid(issues) => {
            return Ok(Stop::invalid(invalid_config_message(paths, &issues)).report())
        }
        read => read.connection().cloned(),
    };
    let Some(connection) = connection else {
        let message = "nothing to clear: the config names no connection";
        if json {
            output::line(&json!({ "connection": null, "removed": false }).to_string())?;
        } else {
            output::line(message)?;
        }
        return Ok(exit::OK);
    };
    let removed = match open_keyring()
        .and_then(|keyring| relay_secrets::clear_credentials(&keyring, &connection))
    {
        Ok(removed) => removed,
        Err(err) => return Ok(refused(&err).report()),
    };
    if json {
        output::line(&serde_json::to_string_pretty(&json!({
            "connection": connection,
            "removed": removed,
        }))?)?;
    } else if removed {
        output::line(&format!(
            "removed the stored credentials of {} from the OS keyring; the config still names \
             this connection, so the app reports its credential as missing until `credentials \
             set` stores a new one",
            describe_connection(&connection)
        ))?;
    } else {
        output::line(&format!(
            "no credentials of {} were stored in the OS keyring; nothing changed",
            describe_connection(&connection)
        ))?;
    }
    Ok(exit::OK)
}
