//! What the API's integration tests share: an event sink that keeps what it was given, a
//! reconnect backoff short enough for tests, the test binary's keystore, and an app given the
//! real hub over btleplug (the simulated home must be on the system bus already).

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use steward_api::{AppEvent, EventSink, Steward};
use steward_ble::BtleCentral;
use steward_devices::{Backoff, Deadlines, Hub};
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

/// `app` with the real hub on the first adapter (this phone's key from its keystore, `FAST`
/// reconnection, `deadlines`), following the hub's events as the shell does.
pub async fn with_real_hub(app: Steward, deadlines: Deadlines) -> Arc<Steward> {
    let (hub, hub_events) = Hub::with_phone_key(
        BtleCentral::first_adapter().await.expect("adapter"),
        FAST,
        deadlines,
        app.phone_key().expect("the phone's key, from the keystore"),
    );
    let app = Arc::new(app.with_devices(Arc::new(hub)));
    let follower = Arc::clone(&app);
    tokio::spawn(async move { follower.follow_devices(hub_events).await });
    app
}

/// A phone's notification screen, in process: what was shown, what was closed, and the
/// permission (answering the system's question with `answer` when asked).
#[derive(Clone)]
pub struct Screen {
    pub shown: Arc<Mutex<Vec<steward_core::notify::Notification>>>,
    pub closed: Arc<Mutex<Vec<i32>>>,
    pub permission: Arc<Mutex<steward_core::notify::Permission>>,
    pub answer: steward_core::notify::Permission,
    pub asked: Arc<Mutex<u32>>,
}

impl Screen {
    pub fn granted() -> Self {
        Self::with(
            steward_core::notify::Permission::Granted,
            steward_core::notify::Permission::Granted,
        )
    }

    pub fn with(
        permission: steward_core::notify::Permission,
        answer: steward_core::notify::Permission,
    ) -> Self {
        Self {
            shown: Arc::default(),
            closed: Arc::default(),
            permission: Arc::new(Mutex::new(permission)),
            answer,
            asked: Arc::default(),
        }
    }

    /// The titles shown so far, in order.
    pub fn titles(&self) -> Vec<String> {
        self.shown
            .lock()
            .expect("screen")
            .iter()
            .map(|n| n.title.clone())
            .collect()
    }
}

impl steward_core::notify::Notifier for Screen {
    fn permission(&self) -> steward_core::notify::Permission {
        *self.permission.lock().expect("screen")
    }

    fn request_permission(&self) -> steward_core::notify::Permission {
        *self.asked.lock().expect("screen") += 1;
        *self.permission.lock().expect("screen") = self.answer;
        self.answer
    }

    fn show(
        &self,
        notification: &steward_core::notify::Notification,
    ) -> Result<(), steward_core::notify::NotifierError> {
        self.shown
            .lock()
            .expect("screen")
            .push(notification.clone());
        Ok(())
    }

    fn close(&self, id: i32) {
        self.closed.lock().expect("screen").push(id);
    }
}
