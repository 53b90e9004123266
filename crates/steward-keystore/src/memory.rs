//! [`MemoryKeystore`]: secrets in memory only, for tests (shared between two app instances of
//! one test to stand for the platform keystore across a restart).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::{Backing, Keystore, KeystoreError, Secret};

/// Secrets kept in this process only.
#[derive(Debug, Default)]
pub struct MemoryKeystore {
    secrets: Mutex<HashMap<String, Secret>>,
}

impl Keystore for MemoryKeystore {
    fn backing(&self) -> Backing {
        Backing::Memory
    }

    fn read(&self, name: &str) -> Result<Option<Secret>, KeystoreError> {
        Ok(self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned())
    }

    fn write(&self, name: &str, secret: &Secret) -> Result<(), KeystoreError> {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), secret.clone());
        Ok(())
    }

    fn write_new(&self, name: &str, secret: &Secret) -> Result<Secret, KeystoreError> {
        Ok(self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(name.to_owned())
            .or_insert_with(|| secret.clone())
            .clone())
    }

    fn delete(&self, name: &str) -> Result<(), KeystoreError> {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
        Ok(())
    }
}
