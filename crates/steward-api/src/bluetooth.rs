//! Bluetooth as the owner sees it: whether Steward may use it (the phone's permission), whether
//! the radio is on, and what to do when it cannot be used. The same words on every platform; this
//! module never talks to a radio or the OS itself: it reads the hub's view of the radio and asks
//! the platform through [`BluetoothAccess`], which the shell implements per platform.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use steward_devices::RadioState;

use crate::events::AppEvent;
use crate::wire::{BluetoothState, BluetoothView};
use crate::Steward;

/// The headline and advice shown while Bluetooth is off. The error a device command returns
/// in that state says the same, so the owner reads one explanation wherever they look.
pub(crate) const OFF_TITLE: &str = "Bluetooth is off";
pub(crate) const OFF_ADVICE: &str = "Turn Bluetooth on in Settings or the quick settings panel. \
     Steward reconnects your devices by itself when it is back.";
pub(crate) const UNAVAILABLE_TITLE: &str = "No Bluetooth";
pub(crate) const UNAVAILABLE_ADVICE: &str = "Steward cannot find Bluetooth on this device, so it \
     cannot reach your home's devices. Your inventory and shopping list still work.";

pub(crate) const NEEDED_TITLE: &str = "Allow Steward to find your devices";
pub(crate) const NEEDED_ADVICE: &str = "Steward uses Bluetooth to find, pair and control the \
     devices in your home. It does not use Bluetooth to work out where you are. Your phone will \
     ask you next.";
pub(crate) const DENIED_TITLE: &str = "Steward may not use Bluetooth";
pub(crate) const DENIED_ADVICE: &str = "You said no when your phone asked, so Steward cannot \
     reach your devices. To change that, open Steward's settings and allow Nearby devices \
     (Android) or Bluetooth (iOS).";

/// What the phone's OS says about Steward using Bluetooth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Granted,
    /// Not asked yet: asking shows the system's dialog.
    Prompt,
    /// Refused; asking again shows nothing, only the settings can change it.
    Denied,
}

/// What the platform says: the permission, and the radio where the platform can tell better
/// than the BLE stack (btleplug on Android cannot report the radio; Android itself can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessStatus {
    pub permission: Permission,
    pub radio: Option<RadioState>,
}

/// A boxed future, so the trait stays object-safe without a futures dependency.
pub type AccessFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The platform's permission for Bluetooth: the Android runtime permission, iOS's
/// CoreBluetooth authorisation. Desktop Linux has none, so it provides no implementation and
/// Steward takes permission as granted there.
pub trait BluetoothAccess: Send + Sync {
    /// The current answer, without showing anything to the owner.
    fn status(&self) -> AccessFuture<'_, AccessStatus>;
    /// Shows the system's question if it has not been answered; resolves to the answer.
    fn request(&self) -> AccessFuture<'_, AccessStatus>;
    /// Opens Steward's page in the system settings.
    fn open_settings(&self) -> AccessFuture<'_, Result<(), String>>;
}

impl Steward {
    /// Gives the household the platform's Bluetooth permission (phones only).
    pub fn with_bluetooth_access(mut self, access: Arc<dyn BluetoothAccess>) -> Self {
        self.bluetooth_access = Some(access);
        self
    }

    /// Whether devices can be reached now, and if not, why and what to do.
    pub async fn bluetooth(&self) -> BluetoothView {
        if self.needs_introduction() {
            return view(BluetoothState::PermissionNeeded);
        }
        if let Some(access) = &self.bluetooth_access {
            let status = access.status().await;
            match status.permission {
                Permission::Granted => {}
                Permission::Prompt => return view(BluetoothState::PermissionNeeded),
                Permission::Denied => return view(BluetoothState::PermissionDenied),
            }
            if status.radio == Some(RadioState::Off) {
                return view(BluetoothState::Off);
            }
        }
        self.radio_view()
    }

    /// Refuses a scan or a pairing the phone would not allow, with what to do about it, before
    /// anything touches the radio.
    pub(crate) async fn require_bluetooth(&self) -> Result<(), crate::ApiError> {
        let now = self.bluetooth().await;
        match now.state {
            BluetoothState::On => Ok(()),
            _ => Err(crate::ApiError {
                code: crate::ErrorCode::NoBluetooth,
                message: format!(
                    "{}. {}",
                    now.title.unwrap_or_default(),
                    now.advice.unwrap_or_default()
                ),
            }),
        }
    }

    /// Asks the owner for Bluetooth, through the system's own dialog, once they have read why.
    /// The UI calls this only when the owner chose to go on from the reason.
    pub async fn request_bluetooth(&self) -> BluetoothView {
        if self.radio.introduce_first {
            // The OS asks as the radio opens (iOS): the owner has now read why. Opened even when
            // an earlier introduction was recorded, or iOS would have nothing to ask with.
            self.mark_bluetooth_introduced();
            self.open_radio().await;
        }
        if let Some(access) = &self.bluetooth_access {
            let answer = access.request().await;
            tracing::info!(?answer, "Bluetooth permission answered");
        }
        let now = self.bluetooth().await;
        self.events.emit(AppEvent::BluetoothChanged(now.clone()));
        now
    }

    /// Opens Steward's page in the system settings, where a refused permission can be given.
    pub async fn open_bluetooth_settings(&self) -> Result<(), crate::ApiError> {
        let Some(access) = &self.bluetooth_access else {
            return Ok(());
        };
        access
            .open_settings()
            .await
            .map_err(|reason| crate::ApiError {
                code: crate::ErrorCode::Device,
                message: format!("The settings could not be opened ({reason}). Open them from your phone's Settings app."),
            })
    }

    fn radio_view(&self) -> BluetoothView {
        match self.devices.get() {
            // Not opened yet: it will be on first use, and only then is "no Bluetooth" known.
            None if self.radio_pending() => view(BluetoothState::On),
            None => view(BluetoothState::Unavailable),
            Some(control) => view(state_of(*control.radio().borrow())),
        }
    }

    /// Announces every change of the radio until the hub is gone. Call inside the runtime.
    pub async fn follow_bluetooth(&self) {
        let Some(control) = self.devices.get() else {
            return;
        };
        let mut radio = control.radio();
        // The radio may have opened after the UI first asked (iOS): say where it stands now.
        let now = self.bluetooth().await;
        self.events.emit(AppEvent::BluetoothChanged(now));
        while radio.changed().await.is_ok() {
            radio.borrow_and_update();
            let now = self.bluetooth().await;
            self.events.emit(AppEvent::BluetoothChanged(now));
        }
    }
}

/// A stack that cannot tell (Unknown) is taken as on: operations are tried, and their own
/// errors explain a failure, rather than the owner being told Bluetooth is off when it is not.
fn state_of(radio: RadioState) -> BluetoothState {
    match radio {
        RadioState::On | RadioState::Unknown => BluetoothState::On,
        RadioState::Off => BluetoothState::Off,
    }
}

pub(crate) fn view(state: BluetoothState) -> BluetoothView {
    let (title, advice) = match state {
        BluetoothState::On => (None, None),
        BluetoothState::Off => (Some(OFF_TITLE), Some(OFF_ADVICE)),
        BluetoothState::Unavailable => (Some(UNAVAILABLE_TITLE), Some(UNAVAILABLE_ADVICE)),
        BluetoothState::PermissionNeeded => (Some(NEEDED_TITLE), Some(NEEDED_ADVICE)),
        BluetoothState::PermissionDenied => (Some(DENIED_TITLE), Some(DENIED_ADVICE)),
    };
    BluetoothView {
        state,
        title: title.map(str::to_owned),
        advice: advice.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use super::*;
    use crate::events::Discard;
    use crate::ErrorCode;

    /// A phone's permission in-process: what it says now, what the owner answers when asked.
    struct Phone {
        now: Mutex<AccessStatus>,
        answer: Permission,
        asked: AtomicUsize,
    }

    impl Phone {
        fn new(permission: Permission, answer: Permission) -> Arc<Self> {
            Arc::new(Self {
                now: Mutex::new(AccessStatus {
                    permission,
                    radio: None,
                }),
                answer,
                asked: AtomicUsize::new(0),
            })
        }
    }

    impl BluetoothAccess for Phone {
        fn status(&self) -> AccessFuture<'_, AccessStatus> {
            let now = *self.now.lock().expect("lock");
            Box::pin(async move { now })
        }

        fn request(&self) -> AccessFuture<'_, AccessStatus> {
            let mut now = self.now.lock().expect("lock");
            if now.permission == Permission::Prompt {
                self.asked.fetch_add(1, Ordering::SeqCst);
                now.permission = self.answer;
            }
            let now = *now;
            Box::pin(async move { now })
        }

        fn open_settings(&self) -> AccessFuture<'_, Result<(), String>> {
            Box::pin(async { Ok(()) })
        }
    }

    fn household(phone: &Arc<Phone>) -> (tempfile::TempDir, Steward) {
        let dir = tempfile::tempdir().expect("temp dir");
        let steward = Steward::open(dir.path(), Discard, crate::tests_keys())
            .with_bluetooth_access(Arc::clone(phone) as Arc<dyn BluetoothAccess>);
        (dir, steward)
    }

    fn block<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn a_scan_before_the_owner_was_asked_is_refused_with_the_reason_and_asks_nothing() {
        let phone = Phone::new(Permission::Prompt, Permission::Granted);
        let (_dir, steward) = household(&phone);
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::PermissionNeeded
        );
        let refused = block(steward.scan_devices()).expect_err("no scan without permission");
        assert_eq!(refused.code, ErrorCode::NoBluetooth);
        assert!(
            refused.message.contains(NEEDED_TITLE),
            "{}",
            refused.message
        );
        assert_eq!(
            phone.asked.load(Ordering::SeqCst),
            0,
            "only the owner's Continue may bring up the system's question"
        );
    }

    #[test]
    fn allowing_moves_on_to_the_radio_and_refusing_points_to_the_settings() {
        let phone = Phone::new(Permission::Prompt, Permission::Granted);
        let (_dir, steward) = household(&phone);
        // Granted, and this test has no radio at all: the next thing the owner hears about.
        assert_eq!(
            block(steward.request_bluetooth()).state,
            BluetoothState::Unavailable
        );
        assert_eq!(phone.asked.load(Ordering::SeqCst), 1);

        let phone = Phone::new(Permission::Prompt, Permission::Denied);
        let (_dir, steward) = household(&phone);
        let denied = block(steward.request_bluetooth());
        assert_eq!(denied.state, BluetoothState::PermissionDenied);
        assert_eq!(denied.title.as_deref(), Some(DENIED_TITLE));
        block(steward.request_bluetooth());
        assert_eq!(
            phone.asked.load(Ordering::SeqCst),
            1,
            "after a refusal the system is not asked again; the settings are the way"
        );
    }

    #[test]
    fn the_platform_saying_the_radio_is_off_is_told_as_off() {
        let phone = Phone::new(Permission::Granted, Permission::Granted);
        phone.now.lock().expect("lock").radio = Some(RadioState::Off);
        let (_dir, steward) = household(&phone);
        let view = block(steward.bluetooth());
        assert_eq!(view.state, BluetoothState::Off);
        assert_eq!(view.title.as_deref(), Some(OFF_TITLE));
    }

    #[test]
    fn without_a_platform_permission_only_the_radio_counts() {
        let dir = tempfile::tempdir().expect("temp dir");
        let steward = Steward::open(dir.path(), Discard, crate::tests_keys());
        assert_eq!(
            block(steward.bluetooth()).state,
            BluetoothState::Unavailable,
            "desktop with no adapter: no permission question, just no Bluetooth"
        );
    }
}
