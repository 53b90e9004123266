//! The commands the UI may call: each is one line around a `steward_api::Steward` method.
//! Async so that SQLite work runs off the main (UI) thread.

use steward_api::wire::{CommandInput, DeviceDetailView, FoundDeviceView, HomeView};
use steward_api::{ApiError, Steward};
use tauri::State;

/// The home screen's summary.
#[tauri::command]
#[specta::specta]
pub async fn home(steward: State<'_, Steward>) -> Result<HomeView, ApiError> {
    steward.home()
}

/// Names the household and returns the new summary.
#[tauri::command]
#[specta::specta]
pub async fn set_household_name(
    steward: State<'_, Steward>,
    name: String,
) -> Result<HomeView, ApiError> {
    steward.set_household_name(&name)
}

/// Finds Steward devices nearby.
#[tauri::command]
#[specta::specta]
pub async fn scan_devices(steward: State<'_, Steward>) -> Result<Vec<FoundDeviceView>, ApiError> {
    steward.scan_devices().await
}

/// Pairs with a device from the last scan, with its setup code or QR text.
#[tauri::command]
#[specta::specta]
pub async fn pair_device(
    steward: State<'_, Steward>,
    address: String,
    code: String,
) -> Result<DeviceDetailView, ApiError> {
    steward.pair_device(&address, &code).await
}

/// A paired device with its live status.
#[tauri::command]
#[specta::specta]
pub async fn device_detail(
    steward: State<'_, Steward>,
    id: String,
) -> Result<DeviceDetailView, ApiError> {
    steward.device_detail(&id).await
}

/// Sends a command and returns the state the device confirmed.
#[tauri::command]
#[specta::specta]
pub async fn device_command(
    steward: State<'_, Steward>,
    id: String,
    command: CommandInput,
) -> Result<DeviceDetailView, ApiError> {
    steward.device_command(&id, command).await
}
