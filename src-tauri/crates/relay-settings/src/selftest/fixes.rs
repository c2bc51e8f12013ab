//! What to do about each failure the connection self-test can meet, in words an admin can act on.

use relay_graph::{GraphClient, GraphError, GraphErrorKind};
use relay_secrets::SecretError;

/// The application permission presence writes need (an app-only token lists it in `roles`).
pub const PRESENCE_READ_WRITE_ALL: &str = "Presence.ReadWrite.All";

/// What to do about a Graph or token failure.
pub fn fix_for(err: &GraphError, client: Option<&GraphClient>) -> String {
    let hosts = client.map_or_else(String::new, |client| {
        format!(
            " (this machine must reach {} and {} over HTTPS)",
            client.endpoints().token_url,
            client.endpoints().graph_base
        )
    });
    match err.kind() {
        GraphErrorKind::InvalidCredentials { what_to_fix, .. } => what_to_fix.clone(),
        GraphErrorKind::CredentialUnusable { what_to_fix } => format!(
            "{what_to_fix}; then store a usable certificate with `presence-relay credentials set`"
        ),
        GraphErrorKind::ConsentMissing { consent_url } => format!(
            "add the application permission {PRESENCE_READ_WRITE_ALL} and have an administrator \
             grant admin consent at {consent_url} (docs/ENTRA-SETUP.md, step 3)"
        ),
        GraphErrorKind::NotFound => "check the user's object ID: Entra admin center → Users → \
             the user → Object ID (a GUID, not the UPN); the user needs a Teams licence"
            .to_owned(),
        GraphErrorKind::Unauthorized => "check that the cloud matches the tenant; store the \
             connection again with `presence-relay credentials set --cloud …`"
            .to_owned(),
        GraphErrorKind::Transport { .. } => {
            format!("check the network connection, proxy and firewall{hosts}")
        }
        GraphErrorKind::Throttled { .. } | GraphErrorKind::Transient => {
            "Microsoft Graph asked for a pause or had a server error; run the test again in a \
             few minutes"
                .to_owned()
        }
        GraphErrorKind::Config { .. } | GraphErrorKind::UnsupportedCloud => {
            "fix the connection: store it again with `presence-relay credentials set`, or check \
             PRESENCE_RELAY_AUTHORITY_URL / PRESENCE_RELAY_GRAPH_URL and the config's \
             authority_url / graph_url"
                .to_owned()
        }
        _ => "quote the request-id and date above in a Microsoft support case".to_owned(),
    }
}

/// What to do when the credential cannot be read from the keyring.
pub fn keyring_fix(err: &SecretError) -> &'static str {
    match err {
        SecretError::Locked { .. } | SecretError::TimedOut { .. } => {
            "unlock the keyring and run the test again (docs/CREDENTIALS.md, \"When the keyring \
             is locked\")"
        }
        _ if err.is_keyring_problem() => {
            "start or repair the keyring and run the test again (docs/CREDENTIALS.md, \"When the \
             keyring is unavailable\")"
        }
        _ => "store the credential again with `presence-relay credentials set`",
    }
}
