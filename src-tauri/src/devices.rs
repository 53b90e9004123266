//! Start-up of the device layer: the first Bluetooth adapter (BlueZ here, or the simulated home
//! when `DBUS_SYSTEM_BUS_ADDRESS` points at it), the hub over it, and the tasks that follow the
//! hub and reconnect paired devices. Without Bluetooth the app runs and says so when asked.

use std::sync::Arc;
use std::time::Duration;

use steward_api::Steward;
use steward_ble::BtleCentral;
use steward_devices::{Backoff, Hub, HubEvent};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::mpsc::UnboundedReceiver;

/// How long start-up waits for the Bluetooth stack before going on without it.
const ADAPTER_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens the adapter and the hub, or `None` (logged) when there is no Bluetooth.
pub fn open_hub() -> Option<(Hub<BtleCentral>, UnboundedReceiver<HubEvent>)> {
    let adapter = tauri::async_runtime::block_on(async {
        tokio::time::timeout(ADAPTER_TIMEOUT, BtleCentral::first_adapter()).await
    });
    match adapter {
        Ok(Ok(central)) => Some(Hub::new(central, Backoff::default())),
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

/// Follows the hub's events and reconnects the paired devices, in the background.
pub fn start<R: Runtime>(app: &AppHandle<R>, events: UnboundedReceiver<HubEvent>) {
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

/// The hub as the API holds it.
pub fn control(hub: Hub<BtleCentral>) -> Arc<dyn steward_devices::DeviceControl> {
    Arc::new(hub)
}
