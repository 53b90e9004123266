//! The types that cross the IPC boundary, exactly as the UI sees them (camelCase JSON). The
//! TypeScript in `ui/src/lib/backend/bindings.ts` is generated from these; never edit it by hand.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HomeView {
    /// The owner's name for the household, or `null` until they give one.
    pub household_name: Option<String>,
    /// The paired devices, by name.
    pub devices: Vec<DeviceView>,
    /// The store's schema version, shown under "About".
    pub schema_version: u32,
}

/// A paired device in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceView {
    /// The device's stable identity.
    pub id: String,
    /// The name the owner sees.
    pub name: String,
    /// The device kind, such as `toaster`.
    pub kind: String,
}

impl From<steward_core::HomeSummary> for HomeView {
    fn from(home: steward_core::HomeSummary) -> Self {
        Self {
            household_name: home.household_name,
            devices: home
                .devices
                .into_iter()
                .map(|d| DeviceView {
                    id: d.id,
                    name: d.name,
                    kind: d.kind,
                })
                .collect(),
            schema_version: home.schema_version,
        }
    }
}
