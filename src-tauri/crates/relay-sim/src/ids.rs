//! Deterministic identities for the demo tenant: the same seed always gives the same tenant id,
//! app id, secret, and users, so scripts and screenshots stay valid between runs.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Graph's own application id; tokens may name it as their audience.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The tenant's verified domain, usable instead of the tenant id in token URLs.
pub(crate) const DEMO_DOMAIN: &str = "presence-relay-sim.onmicrosoft.com";

fn digest(seed: u64, kind: &str, index: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"relay-sim/");
    hasher.update(seed.to_le_bytes());
    hasher.update(kind.as_bytes());
    hasher.update(index.to_le_bytes());
    hasher.finalize().into()
}

/// A version-4-shaped GUID derived from `(seed, kind, index)`.
pub(crate) fn demo_guid(seed: u64, kind: &str, index: u64) -> Uuid {
    let bytes = digest(seed, kind, index);
    let mut random = [0u8; 16];
    random.copy_from_slice(&bytes[..16]);
    uuid::Builder::from_random_bytes(random).into_uuid()
}

/// A secret shaped like an Entra client secret value (`xxx8Q~...`, 40 characters).
pub(crate) fn demo_secret(seed: u64) -> String {
    let bytes = digest(seed, "client-secret", 0);
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!("Sim8Q~{}", &text[..34])
}

/// 32 bytes of key material for signing the tenant's access tokens.
pub(crate) fn signing_key(seed: u64, generation: u64) -> [u8; 32] {
    digest(seed, "token-signing-key", generation)
}

const FIRST_NAMES: [&str; 20] = [
    "Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Mira", "Nils", "Oona", "Priya", "Quentin", "Rosa", "Sami", "Tove",
];

const LAST_NAMES: [&str; 20] = [
    "Abara",
    "Berg",
    "Castell",
    "Dahl",
    "Eze",
    "Fonseca",
    "Gallo",
    "Holm",
    "Iqbal",
    "Jensen",
    "Kowal",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rahman",
    "Sato",
    "Varga",
];

/// The display name of demo user `index`: unique for every index.
pub(crate) fn demo_user_name(index: usize) -> String {
    let pairs = FIRST_NAMES.len() * LAST_NAMES.len();
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    // Walk the last names at a different pace so neighbours do not share a surname.
    let last = LAST_NAMES[(index / FIRST_NAMES.len() + index) % LAST_NAMES.len()];
    match index / pairs {
        0 => format!("{first} {last}"),
        round => format!("{first} {last} {}", round + 1),
    }
}

/// A user principal name for a display name, in the demo domain.
pub(crate) fn user_principal_name(display_name: &str) -> String {
    let local: String = display_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '.'
            }
        })
        .collect();
    let local = local.trim_matches('.');
    format!("{local}@{DEMO_DOMAIN}")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(demo_guid(1, "user", 0), demo_guid(1, "user", 0));
        assert_ne!(demo_guid(1, "user", 0), demo_guid(1, "user", 1));
        assert_ne!(demo_guid(1, "user", 0), demo_guid(2, "user", 0));
        assert_ne!(demo_guid(1, "user", 0), demo_guid(1, "app", 0));
        assert_eq!(demo_guid(1, "user", 0).get_version_num(), 4);
    }

    #[test]
    fn demo_names_are_unique_well_past_the_name_table() {
        let names: HashSet<String> = (0..1_000).map(demo_user_name).collect();
        assert_eq!(names.len(), 1_000);
        assert_eq!(demo_user_name(0), "Ada Abara");
    }

    /// docs/SIMULATOR.md lists these; change both together.
    #[test]
    fn seed_zero_identities_match_the_docs() {
        assert_eq!(
            demo_guid(0, "tenant", 0).to_string(),
            "2d6e9dc5-49d5-4efc-8628-519171eedfd7"
        );
        assert_eq!(
            demo_guid(0, "app", 0).to_string(),
            "a28de9e1-2477-4108-af3b-0744ca4fde87"
        );
        assert_eq!(demo_secret(0), "Sim8Q~NoTy5ps17NvW_5MifM87Y-HGKD_1GR_FHn");
        assert_eq!(
            demo_guid(0, "user", 0).to_string(),
            "dcf1cc2b-bbe6-486c-84e6-10f9dda08f9a"
        );
    }

    #[test]
    fn secret_looks_like_an_entra_secret() {
        let secret = demo_secret(0);
        assert_eq!(secret.len(), 40);
        assert_eq!(&secret[3..6], "8Q~");
        assert_ne!(secret, demo_secret(1));
    }

    #[test]
    fn upn_is_lowercase_and_dotted() {
        assert_eq!(
            user_principal_name("Ada Abara 2"),
            format!("ada.abara.2@{DEMO_DOMAIN}")
        );
    }
}
