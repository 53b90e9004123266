//! Location wire types: a position report from the phone's location service, and where the
//! owner stands with location use. camelCase, TypeScript generated from them.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One report from the phone's location service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PositionReportInput {
    pub latitude: f64,
    pub longitude: f64,
    /// Metres (68% confidence).
    pub accuracy_meters: f64,
}

/// Location use, as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocationView {
    /// The owner allowed Steward to use the phone's location for store offers.
    pub in_use: bool,
    /// `off` (not in use), `waiting` (no position yet), `on`, or `unavailable` (the location
    /// service is gone or refused).
    pub state: String,
    /// What the owner should know, in words.
    pub message: String,
    /// The stores the phone is at now (settled in their geofences).
    pub at_stores: Vec<String>,
}
