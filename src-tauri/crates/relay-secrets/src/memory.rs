//! An in-memory [`SecretStore`] for tests of this and other crates. It never persists anything,
//! so the app never uses it; it can also pretend the keyring is down.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use relay_core::Sensitive;

use crate::error::SecretError;
use crate::key::SecretKey;
use crate::store::SecretStore;

/// Secrets in a map, keyed by `service:account`. For tests only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, Sensitive<Vec<u8>>>>,
    outage: Mutex<Option<SecretError>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// While `Some`, every call fails with (a copy of) this error, as a locked or missing keyring
    /// would; `None` ends the outage. The stored entries are kept.
    pub fn set_outage(&self, error: Option<SecretError>) {
        *lock(&self.outage) = error;
    }

    /// The accounts of the stored entries, sorted (what a test may look at without secrets).
    pub fn accounts(&self) -> Vec<String> {
        lock(&self.entries)
            .keys()
            .map(|name| {
                name.split_once(':')
                    .map_or(name.as_str(), |(_, account)| account)
                    .to_owned()
            })
            .collect()
    }

    fn check_outage(&self) -> Result<(), SecretError> {
        match &*lock(&self.outage) {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Sensitive<Vec<u8>>>, SecretError> {
        self.check_outage()?;
        Ok(lock(&self.entries).get(&name(key)).cloned())
    }

    fn set(&self, key: &SecretKey, value: &Sensitive<Vec<u8>>) -> Result<(), SecretError> {
        self.check_outage()?;
        lock(&self.entries).insert(name(key), value.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<bool, SecretError> {
        self.check_outage()?;
        Ok(lock(&self.entries).remove(&name(key)).is_some())
    }
}

fn name(key: &SecretKey) -> String {
    format!("{}:{}", key.service(), key.account())
}

/// A panic in another test thread must not hide the entries from this one.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use relay_core::config::Cloud;

    use super::*;
    use crate::key::{CredentialTarget, EntryKind};

    #[test]
    fn round_trip_and_outage() {
        let store = MemoryStore::new();
        let key = CredentialTarget::new(
            Cloud::Global,
            "contoso.onmicrosoft.com",
            "00000000-0000-0000-0000-000000000001",
        )
        .key(EntryKind::ClientSecret);
        assert_eq!(store.get(&key), Ok(None));
        store
            .set(&key, &Sensitive::new(b"value".to_vec()))
            .expect("set");
        assert_eq!(store.get(&key), Ok(Some(Sensitive::new(b"value".to_vec()))));
        assert_eq!(store.accounts(), [key.account()]);

        let down = SecretError::Locked {
            reason: "test".to_owned(),
        };
        store.set_outage(Some(down.clone()));
        assert_eq!(store.get(&key), Err(down.clone()));
        assert_eq!(store.delete(&key), Err(down));
        store.set_outage(None);

        assert_eq!(store.delete(&key), Ok(true));
        assert_eq!(store.delete(&key), Ok(false));
        assert_eq!(store.get(&key), Ok(None));
    }
}
