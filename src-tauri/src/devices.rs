//! Opening the device layer: the first Bluetooth adapter (BlueZ here, or the simulated home when
//! `DBUS_SYSTEM_BUS_ADDRESS` points at it; CoreBluetooth on iOS; Android's stack through
//! btleplug's Java half), the hub over it, and the tasks that follow the hub and reconnect paired
//! devices. The household decides when this runs (`steward_api::radio`): at start, or on iOS
//! once the owner has read why Bluetooth is needed. Without Bluetooth the app runs and says so.

use std::sync::Arc;
use std::time::Duration;

use steward_api::bluetooth::AccessFuture;
use steward_api::radio::RadioOpener;
use steward_api::Steward;
use steward_ble::BtleCentral;
use steward_devices::{Backoff, Deadlines, Hub, HubEvent};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::mpsc::Receiver;

/// How long opening waits for the Bluetooth stack before going on without it.
const ADAPTER_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the OS asks the owner the moment an app first touches Bluetooth, so Steward must say
/// why before it opens the radio: iOS shows its prompt when CoreBluetooth's manager is created.
pub const INTRODUCE_FIRST: bool = cfg!(target_os = "ios");

/// Opens the radio for the household when it asks.
pub struct ShellRadio<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> RadioOpener for ShellRadio<R> {
    fn open(&self) -> AccessFuture<'_, ()> {
        Box::pin(async move {
            let Some(central) = first_adapter().await else {
                return;
            };
            let steward = self.0.state::<Steward>();
            let phone_key = match steward.phone_key() {
                Ok(key) => key,
                Err(error) => {
                    tracing::error!(message = %error.message, "no device-link key: devices are unavailable");
                    return;
                }
            };
            let (hub, events) =
                Hub::with_phone_key(central, Backoff::default(), Deadlines::default(), phone_key);
            if steward.attach_devices(Arc::new(hub)) {
                start(&self.0, events);
            }
        })
    }
}

/// The first adapter, or `None` (logged) when there is no Bluetooth.
async fn first_adapter() -> Option<BtleCentral> {
    match tokio::time::timeout(ADAPTER_TIMEOUT, BtleCentral::first_adapter()).await {
        Ok(Ok(central)) => Some(central),
        Ok(Err(error)) => {
            tracing::warn!(%error, "no Bluetooth: devices are unavailable");
            None
        }
        Err(_) => {
            tracing::warn!("the Bluetooth stack did not answer in time: devices are unavailable");
            None
        }
    }
}

/// Reconnects the paired devices and follows the hub's events and the radio, in the background.
fn start<R: Runtime>(app: &AppHandle<R>, events: Receiver<HubEvent>) {
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let steward = handle.state::<Steward>();
        if let Err(error) = steward.restore_devices() {
            tracing::error!(message = %error.message, "could not restore paired devices");
        }
        steward.follow_devices(events).await;
    });
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        handle.state::<Steward>().follow_bluetooth().await;
    });
}
