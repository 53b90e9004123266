//! The commands the UI may call: each is one line around a `steward_api::Steward` method.
//! Async so that SQLite work runs off the main (UI) thread.

use steward_api::wire::HomeView;
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
