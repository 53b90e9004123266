//! The Secret Service (freedesktop.org), Linux's keystore: GNOME Keyring, KWallet or KeePassXC
//! keep the secrets encrypted under the owner's login, outside the app's files. Through the
//! `keyring` crate over libdbus on the session bus.
//!
//! Linux only. Never falls back on its own: when the service is not there, [`SecretService::open`]
//! says so and the app decides (and tells the owner) what to do instead.

use keyring::Entry;

use crate::{Backing, Keystore, KeystoreError, Secret};

/// The service name every Steward entry is stored under (the item's `service` attribute).
const SERVICE: &str = "Steward";

/// Secrets in the session's Secret Service, one item per name.
#[derive(Debug)]
pub struct SecretService {
    /// Separates households on one account (the data folder), so two app instances never share
    /// a key by accident.
    household: String,
}

fn keystore_error(error: keyring::Error) -> KeystoreError {
    match error {
        keyring::Error::NoStorageAccess(why) => KeystoreError::Locked(why.to_string()),
        keyring::Error::PlatformFailure(why) => KeystoreError::Unavailable(why.to_string()),
        other => KeystoreError::Failed(other.to_string()),
    }
}

impl SecretService {
    /// The Secret Service on the session bus, for the household `household` (its data folder),
    /// or why it cannot be used.
    pub fn open(household: &str) -> Result<Self, KeystoreError> {
        let service = Self {
            household: household.to_owned(),
        };
        // A read of an entry that is not there proves the service answers and is unlocked.
        service.read("probe")?;
        Ok(service)
    }

    fn entry(&self, name: &str) -> Result<Entry, KeystoreError> {
        Entry::new(SERVICE, &format!("{name}@{}", self.household)).map_err(keystore_error)
    }
}

impl Keystore for SecretService {
    fn backing(&self) -> Backing {
        Backing::Platform("the system keyring (Secret Service)".into())
    }

    fn read(&self, name: &str) -> Result<Option<Secret>, KeystoreError> {
        match self.entry(name)?.get_secret() {
            Ok(bytes) => Secret::from_slice(&zeroize::Zeroizing::new(bytes))
                .map(Some)
                .ok_or_else(|| KeystoreError::Corrupt(name.to_owned())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keystore_error(error)),
        }
    }

    fn write(&self, name: &str, secret: &Secret) -> Result<(), KeystoreError> {
        self.entry(name)?
            .set_secret(secret.expose())
            .map_err(keystore_error)
    }

    fn delete(&self, name: &str) -> Result<(), KeystoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keystore_error(error)),
        }
    }
}
