//! Where the phone keeps its secrets: its long-term key for the device link and the key of the
//! household database. A [`Keystore`] holds named 32-byte secrets; the platform's own store
//! backs it wherever there is one (the Secret Service on Linux, [`secret_service`]; the Android
//! Keystore and the iOS Keychain on phones, docs/MOBILE.md), and the app says plainly when there
//! is none and what it does instead ([`Backing`]).
//!
//! This crate must never log a secret, put one in an error, or keep one in memory longer than
//! the caller does ([`Secret`] zeroes itself on drop).

mod file;
mod memory;
mod secret;
#[cfg(target_os = "linux")]
pub mod secret_service;

pub use file::FileKeystore;
pub use memory::MemoryKeystore;
pub use secret::Secret;

/// What keeps the secrets, as the owner is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    /// The platform's keystore: the system keeps the secrets out of the app's files.
    Platform(String),
    /// A file in the app's data folder, readable only by the owner's account: anyone who can
    /// read the owner's files can read the household. Used only when there is no keystore.
    File(std::path::PathBuf),
    /// Memory only (tests): nothing survives the process.
    Memory,
}

/// Why the keystore could not do what was asked. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    /// There is no keystore to talk to (no Secret Service on the session bus, say).
    #[error("no keystore is available: {0}")]
    Unavailable(String),
    /// The keystore is there but locked, and unlocking was refused or needs the owner.
    #[error("the keystore is locked: {0}")]
    Locked(String),
    /// What is stored under the name is not a 32-byte secret (written by something else).
    #[error("the keystore entry {0:?} is not a Steward secret")]
    Corrupt(String),
    /// Anything else the keystore reported.
    #[error("the keystore failed: {0}")]
    Failed(String),
}

/// A store of named 32-byte secrets.
pub trait Keystore: Send + Sync {
    /// What keeps the secrets.
    fn backing(&self) -> Backing;

    /// The secret named `name`, if one was stored.
    fn read(&self, name: &str) -> Result<Option<Secret>, KeystoreError>;

    /// Stores `secret` under `name`, replacing any other.
    fn write(&self, name: &str, secret: &Secret) -> Result<(), KeystoreError>;

    /// Forgets the secret named `name` (nothing happens when there is none).
    fn delete(&self, name: &str) -> Result<(), KeystoreError>;

    /// Stores `secret` under `name` unless a secret is already there, and returns what is
    /// stored now: two callers creating the same secret at once end up with the same one. A
    /// keystore that can do this atomically overrides it.
    fn write_new(&self, name: &str, secret: &Secret) -> Result<Secret, KeystoreError> {
        if let Some(existing) = self.read(name)? {
            return Ok(existing);
        }
        self.write(name, secret)?;
        // Read back: a keystore that accepts a write and then loses it must not leave the app
        // with a key nothing else will ever know again.
        self.read(name)?
            .ok_or_else(|| KeystoreError::Failed(format!("the keystore did not keep {name:?}")))
    }
}

/// The secret named `name`, made from the OS's randomness and stored the first time it is asked
/// for. Returns whether it was made now (a new household, or a keystore that lost it).
pub fn get_or_create(keystore: &dyn Keystore, name: &str) -> Result<(Secret, bool), KeystoreError> {
    if let Some(secret) = keystore.read(name)? {
        return Ok((secret, false));
    }
    let secret = Secret::random()?;
    let stored = keystore.write_new(name, &secret)?;
    let made = stored == secret;
    Ok((stored, made))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_made_once_and_then_read_back() {
        let keystore = MemoryKeystore::default();
        let (first, made) = get_or_create(&keystore, "phone-key").expect("made");
        assert!(made);
        let (again, made) = get_or_create(&keystore, "phone-key").expect("read");
        assert!(!made);
        assert_eq!(first, again);
        let (other, _) = get_or_create(&keystore, "database-key").expect("made");
        assert_ne!(first, other, "each name its own secret");
        keystore.delete("phone-key").expect("deleted");
        assert_eq!(keystore.read("phone-key"), Ok(None));
    }

    /// A keystore that says yes to every write and keeps nothing.
    struct Forgetful;

    impl Keystore for Forgetful {
        fn backing(&self) -> Backing {
            Backing::Memory
        }
        fn read(&self, _: &str) -> Result<Option<Secret>, KeystoreError> {
            Ok(None)
        }
        fn write(&self, _: &str, _: &Secret) -> Result<(), KeystoreError> {
            Ok(())
        }
        fn delete(&self, _: &str) -> Result<(), KeystoreError> {
            Ok(())
        }
    }

    #[test]
    fn a_keystore_that_loses_a_write_is_an_error_not_a_key_nobody_keeps() {
        assert!(matches!(
            get_or_create(&Forgetful, "database-key"),
            Err(KeystoreError::Failed(_))
        ));
    }
}
