//! Shapes of Entra identifiers, checked before anything is sent or stored.

/// A GUID in its usual 8-4-4-4-12 hexadecimal form (object IDs, tenant and client IDs).
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A DNS name such as `contoso.onmicrosoft.com` (a tenant can be named by a verified domain).
pub fn is_domain(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("3f1c2a9e-8b7d-4e6f-9a01-23456789ABCD"));
        for bad in [
            "",
            "3f1c2a9e8b7d4e6f9a0123456789abcd",
            "3f1c2a9e-8b7d-4e6f-9a01-23456789abcg",
            "ada@contoso.com",
        ] {
            assert!(!is_guid(bad), "{bad}");
        }
    }

    #[test]
    fn domains() {
        assert!(is_domain("contoso.onmicrosoft.com"));
        for bad in ["contoso", "-a.com", "a..com", "a b.com"] {
            assert!(!is_domain(bad), "{bad}");
        }
    }
}
