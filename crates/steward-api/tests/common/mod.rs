//! What the API's integration tests share: an event sink that keeps what it was given, and a
//! reconnect backoff short enough for tests.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use steward_api::{AppEvent, EventSink};
use steward_devices::Backoff;
use steward_keystore::{Keystore, MemoryKeystore};

/// Keeps every event emitted, for the test to inspect.
#[derive(Clone, Default)]
pub struct Collect(pub Arc<Mutex<Vec<AppEvent>>>);

impl EventSink for Collect {
    fn emit(&self, event: AppEvent) {
        self.0.lock().expect("collector").push(event);
    }
}

/// Reconnects within a fraction of a second.
pub const FAST: Backoff = Backoff {
    first: Duration::from_millis(100),
    max: Duration::from_millis(400),
};

/// The keystore of this test binary, standing for the platform's: one per process, so an app
/// opened again (a restart) finds its keys.
pub fn keys() -> Arc<dyn Keystore> {
    static KEYS: std::sync::LazyLock<Arc<MemoryKeystore>> =
        std::sync::LazyLock::new(|| Arc::new(MemoryKeystore::default()));
    Arc::clone(&*KEYS) as Arc<dyn Keystore>
}
