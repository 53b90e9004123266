//! The notification settings' and history's wire types. camelCase, TypeScript generated from
//! them. Times of day are "HH:MM" in the owner's local time.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::privacy_wire::LabelView;

/// The owner's notification settings, as the settings screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettingsView {
    pub daily_offer_budget: u32,
    pub per_brand_cap: u32,
    /// Quiet hours, "22:00" to "07:00"; both `None` when off.
    pub quiet_from: Option<String>,
    pub quiet_until: Option<String>,
    pub reminders: bool,
    pub tutorials: bool,
    pub offers: bool,
    /// The channels, with the words the owner reads.
    pub channels: Vec<LabelView>,
}

/// What the owner sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettingsInput {
    pub daily_offer_budget: u32,
    pub per_brand_cap: u32,
    pub quiet_from: Option<String>,
    pub quiet_until: Option<String>,
    pub reminders: bool,
    pub tutorials: bool,
    pub offers: bool,
}

/// One decision in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationEntryView {
    /// Unix seconds.
    pub at: u32,
    /// `device-alerts`, `reminders`, `tutorials` or `offers`.
    pub channel: String,
    pub title: String,
    /// `shown`, `replaced`, `held`, `inbox` or `dropped`.
    pub outcome: String,
    /// "held until 07:00: quiet hours".
    pub words: String,
}

/// Whether Steward may notify, as the app tells the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPermissionView {
    /// `granted`, `denied` or `ask` (not asked yet).
    pub state: String,
    /// Why Steward would like to notify now (what is waiting), when it is asking.
    pub reason: Option<String>,
    /// What the owner should know when notifications are off: the inbox still has everything.
    pub message: Option<String>,
}

/// What a tapped notification opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenTargetView {
    /// `offer`, `tutorial`, `consumable` or `device`.
    pub kind: String,
    pub partner_id: Option<String>,
    pub item_id: Option<String>,
    pub consumable_id: Option<u32>,
    pub device_id: Option<String>,
}
