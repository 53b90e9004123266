//! When the phone's Bluetooth is opened. On desktop Linux and Android the shell opens it at start;
//! on a platform whose OS asks the owner the moment an app first touches Bluetooth (iOS), Steward
//! opens it only after the owner read why and chose to go on, or at start once they have, so the
//! system's question never comes out of nowhere. The shell says how to open it ([`RadioOpener`]);
//! this module decides when, and never opens it twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use steward_core::store::{devices, settings};

use crate::bluetooth::AccessFuture;
use crate::Steward;

/// The settings key recording that the owner was told why Bluetooth is needed and went on.
const INTRODUCED: &str = "bluetooth.introduced";

/// How the shell opens the radio: the adapter, the hub over it, and the tasks that follow it.
/// It hands the hub to the household with [`Steward::attach_devices`]; when there is no
/// Bluetooth it attaches nothing and says why in the log.
pub trait RadioOpener: Send + Sync {
    fn open(&self) -> AccessFuture<'_, ()>;
}

/// The lazily opened radio's state inside [`Steward`].
#[derive(Default)]
pub(crate) struct LazyRadio {
    pub(crate) opener: Option<Arc<dyn RadioOpener>>,
    /// The OS asks at first use (iOS): introduce Bluetooth before opening it.
    pub(crate) introduce_first: bool,
    /// An opening was tried (whether or not it found an adapter).
    tried: AtomicBool,
    /// One opening at a time.
    opening: tokio::sync::Mutex<()>,
}

impl Steward {
    /// Opens the radio when first needed through `opener`, instead of being given a hub.
    /// `introduce_first`: the OS asks the owner at first use, so Steward explains first.
    pub fn with_radio_opener(
        mut self,
        opener: Arc<dyn RadioOpener>,
        introduce_first: bool,
    ) -> Self {
        self.radio.opener = Some(opener);
        self.radio.introduce_first = introduce_first;
        self
    }

    /// Gives the household its devices once the radio is open. Returns false (and keeps the
    /// first) if it already had them.
    pub fn attach_devices(&self, control: Arc<dyn steward_devices::DeviceControl>) -> bool {
        self.devices.set(control).is_ok()
    }

    /// Opens the radio at start unless the owner has yet to be told why it is needed (on a
    /// platform that asks at first use). Call inside the async runtime, once.
    pub async fn open_radio_at_start(&self) {
        if self.radio.introduce_first {
            let unasked = match &self.bluetooth_access {
                Some(access) => {
                    access.status().await.permission == crate::bluetooth::Permission::Prompt
                }
                None => false,
            };
            if unasked || self.needs_introduction() {
                tracing::info!("Bluetooth stays closed until the owner first scans");
                return;
            }
        }
        self.open_radio().await;
    }

    /// Opens the radio if it is not open and nobody tried yet.
    pub(crate) async fn open_radio(&self) {
        let Some(opener) = &self.radio.opener else {
            return;
        };
        let _one_at_a_time = self.radio.opening.lock().await;
        if self.devices.get().is_some() || self.radio.tried.load(Ordering::SeqCst) {
            return;
        }
        opener.open().await;
        self.radio.tried.store(true, Ordering::SeqCst);
        if self.devices.get().is_none() {
            // The UI may have been told "on" while the radio was still unopened.
            let now = self.bluetooth().await;
            self.events
                .emit(crate::events::AppEvent::BluetoothChanged(now));
        }
    }

    /// Whether the radio may still be opened on demand (so "no Bluetooth" is not yet known).
    pub(crate) fn radio_pending(&self) -> bool {
        self.radio.opener.is_some()
            && self.devices.get().is_none()
            && !self.radio.tried.load(Ordering::SeqCst)
    }

    /// Whether the owner has yet to be told why Bluetooth is needed before the OS asks.
    pub(crate) fn needs_introduction(&self) -> bool {
        self.radio.introduce_first && !self.bluetooth_introduced() && !self.has_paired_devices()
    }

    /// Records that the owner read why and went on.
    pub(crate) fn mark_bluetooth_introduced(&self) {
        let now = crate::steward::unix_now();
        if let Err(error) = self.with_store(|store| settings::set(store, INTRODUCED, "yes", now)) {
            // Not fatal: the owner is introduced again next time, which asks nothing of the OS.
            tracing::warn!(message = %error.message, "could not record the Bluetooth introduction");
        }
    }

    fn bluetooth_introduced(&self) -> bool {
        matches!(
            self.with_store(|store| settings::get(store, INTRODUCED)),
            Ok(Some(_))
        )
    }

    fn has_paired_devices(&self) -> bool {
        self.with_store(|store| devices::keys(store))
            .is_ok_and(|keys| !keys.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Mutex, Weak};
    use std::time::Duration;

    use steward_devices::hub::DeviceInfo;
    use steward_devices::{
        Advertisement, DeviceControl, DeviceError, KnownDevice, Paired, RadioState,
    };
    use steward_protocol::command::Command;
    use steward_protocol::pairing::SetupCode;
    use steward_protocol::{DeviceId, DeviceState};

    use super::*;
    use crate::bluetooth::AccessFuture as BoxFuture;
    use crate::events::Discard;
    use crate::wire::BluetoothState;

    /// A radio with nothing around it: scans find nothing.
    struct EmptyRadio(tokio::sync::watch::Sender<RadioState>);

    impl DeviceControl for EmptyRadio {
        fn scan(&self, _: Duration) -> BoxFuture<'_, Result<Vec<Advertisement>, DeviceError>> {
            Box::pin(async { Ok(Vec::new()) })
        }
        fn pair<'a>(
            &'a self,
            _: &'a str,
            _: &'a SetupCode,
            _: Option<DeviceId>,
        ) -> BoxFuture<'a, Result<Paired, DeviceError>> {
            Box::pin(async { Err(DeviceError::OutOfRange) })
        }
        fn command(&self, _: DeviceId, _: Command) -> BoxFuture<'_, Result<(), DeviceError>> {
            Box::pin(async { Err(DeviceError::OutOfRange) })
        }
        fn read_state(&self, _: DeviceId) -> BoxFuture<'_, Result<DeviceState, DeviceError>> {
            Box::pin(async { Err(DeviceError::OutOfRange) })
        }
        fn is_connected(&self, _: &DeviceId) -> bool {
            false
        }
        fn connected_at(&self) -> Vec<(DeviceId, String)> {
            Vec::new()
        }
        fn info(&self, _: &DeviceId) -> Option<DeviceInfo> {
            None
        }
        fn restore(&self, _: Vec<KnownDevice>) {}
        fn forget(&self, _: DeviceId) -> BoxFuture<'_, bool> {
            Box::pin(async { false })
        }
        fn radio(&self) -> tokio::sync::watch::Receiver<RadioState> {
            self.0.subscribe()
        }
        fn problem(&self, _: &DeviceId) -> Option<DeviceError> {
            None
        }
    }

    /// Opens the radio the way the shell does, counting how often; `adapter` false is a phone
    /// with no Bluetooth.
    struct Opener {
        household: Mutex<Weak<Steward>>,
        adapter: bool,
        opened: AtomicUsize,
    }

    impl RadioOpener for Opener {
        fn open(&self) -> AccessFuture<'_, ()> {
            self.opened.fetch_add(1, Ordering::SeqCst);
            let household = self.household.lock().expect("lock").upgrade();
            if let (Some(household), true) = (household, self.adapter) {
                household.attach_devices(Arc::new(EmptyRadio(tokio::sync::watch::Sender::new(
                    RadioState::On,
                ))));
            }
            Box::pin(async {})
        }
    }

    fn household(
        dir: &std::path::Path,
        adapter: bool,
        introduce_first: bool,
    ) -> (Arc<Steward>, Arc<Opener>) {
        household_with(
            Steward::open(dir, Discard, crate::tests_keys()),
            adapter,
            introduce_first,
        )
    }

    fn household_with(
        steward: Steward,
        adapter: bool,
        introduce_first: bool,
    ) -> (Arc<Steward>, Arc<Opener>) {
        let opener = Arc::new(Opener {
            household: Mutex::new(Weak::new()),
            adapter,
            opened: AtomicUsize::new(0),
        });
        let steward = Arc::new(
            steward.with_radio_opener(Arc::clone(&opener) as Arc<dyn RadioOpener>, introduce_first),
        );
        *opener.household.lock().expect("lock") = Arc::downgrade(&steward);
        (steward, opener)
    }

    fn block<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn where_the_os_asks_at_first_use_the_radio_waits_for_the_owner_to_go_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (steward, opener) = household(dir.path(), true, true);
        block(steward.open_radio_at_start());
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            0,
            "nothing touches Bluetooth at start, so the OS asks nothing out of nowhere"
        );
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::PermissionNeeded
        );
        assert!(
            block(steward.scan_devices()).is_err(),
            "no scan before the owner chose"
        );
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            0,
            "not even by a scan"
        );

        assert_eq!(block(steward.request_bluetooth()).state, BluetoothState::On);
        assert_eq!(opener.opened.load(Ordering::SeqCst), 1);
        assert_eq!(block(steward.scan_devices()).expect("scans"), Vec::new());
        block(steward.request_bluetooth());
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            1,
            "opened once, never twice"
        );
        drop(steward);

        let (again, opener) = household(dir.path(), true, true);
        block(again.open_radio_at_start());
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            1,
            "once the owner went on, the next start opens the radio by itself"
        );
    }

    /// iOS's authorisation as read before any manager exists.
    struct Ios(Mutex<crate::bluetooth::Permission>);

    impl crate::bluetooth::BluetoothAccess for Ios {
        fn status(&self) -> BoxFuture<'_, crate::bluetooth::AccessStatus> {
            let permission = *self.0.lock().expect("lock");
            Box::pin(async move {
                crate::bluetooth::AccessStatus {
                    permission,
                    radio: None,
                }
            })
        }
        fn request(&self) -> BoxFuture<'_, crate::bluetooth::AccessStatus> {
            // The owner allows in the system's dialog that opening the radio brought up.
            *self.0.lock().expect("lock") = crate::bluetooth::Permission::Granted;
            self.status()
        }
        fn open_settings(&self) -> BoxFuture<'_, Result<(), String>> {
            Box::pin(async { Ok(()) })
        }
    }

    #[test]
    fn an_unanswered_ios_question_keeps_the_radio_closed_even_after_an_earlier_introduction() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (steward, _) = household(dir.path(), true, true);
        block(steward.request_bluetooth());
        drop(steward);
        // The owner went on before but never answered iOS (the app was closed on the dialog).
        let ios = Arc::new(Ios(Mutex::new(crate::bluetooth::Permission::Prompt)));
        let (steward, opener) = household_with(
            Steward::open(dir.path(), Discard, crate::tests_keys()).with_bluetooth_access(ios),
            true,
            true,
        );
        block(steward.open_radio_at_start());
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            0,
            "iOS would ask out of nowhere"
        );
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::PermissionNeeded
        );
        assert_eq!(block(steward.request_bluetooth()).state, BluetoothState::On);
        assert_eq!(opener.opened.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn elsewhere_the_radio_opens_at_start_and_no_bluetooth_is_said_once_known() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (steward, opener) = household(dir.path(), true, false);
        block(steward.open_radio_at_start());
        assert_eq!(opener.opened.load(Ordering::SeqCst), 1);
        assert_eq!(block(steward.bluetooth()).state, BluetoothState::On);

        let dir = tempfile::tempdir().expect("temp dir");
        let (steward, opener) = household(dir.path(), false, false);
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::On,
            "before the radio is tried, nothing says it is missing"
        );
        block(steward.open_radio_at_start());
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::Unavailable
        );
        let refused = block(steward.scan_devices()).expect_err("no Bluetooth");
        assert_eq!(refused.code, crate::ErrorCode::NoBluetooth);
        assert_eq!(
            opener.opened.load(Ordering::SeqCst),
            1,
            "a phone without Bluetooth is not searched again on every call"
        );
    }
}
