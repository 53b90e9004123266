//! The inventory's wire types: consumables, their forecast and use, and the shopping list, as
//! the UI sees them. Ids are numbers; dates are `YYYY-MM-DD` (UTC days).

use serde::{Deserialize, Serialize};
use specta::Type;

/// The inventory screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InventoryView {
    pub consumables: Vec<ConsumableSummaryView>,
}

/// A consumable in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsumableSummaryView {
    pub id: u32,
    pub name: String,
    pub brand: Option<String>,
    /// What one of it is called, such as `packet`.
    pub unit: String,
    pub remaining: u32,
    /// A full pack.
    pub capacity: u32,
    /// At or below this, it goes on the shopping list.
    pub threshold: u32,
    /// At or below the threshold.
    pub low: bool,
    /// Whole days until empty at the current rate, when that can be said.
    pub days_left: Option<u32>,
    /// The day it is expected to run out.
    pub empty_date: Option<String>,
    /// The device that counts it, if any (its id).
    pub device_id: Option<String>,
}

/// A consumable with its forecast and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsumableDetailView {
    pub summary: ConsumableSummaryView,
    pub gtin: Option<String>,
    /// Use per day at the current rate.
    pub per_day: f64,
    /// How the forecast was made, for a person: "about 2 a day over the last 2 weeks".
    pub explanation: String,
    /// Use on each of the last 14 days, oldest first, for the chart.
    pub daily_use: Vec<DayUseView>,
    /// The most recent purchases and refills.
    pub purchases: Vec<PurchaseView>,
}

/// One day's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DayUseView {
    pub date: String,
    pub amount: u32,
}

/// A purchase or refill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseView {
    pub quantity: u32,
    /// `owner` (recorded by hand) or `device` (the device reported a refill).
    pub source: String,
    pub note: Option<String>,
    pub date: String,
}

/// A consumable as the owner describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsumableInputView {
    pub name: String,
    pub brand: Option<String>,
    pub gtin: Option<String>,
    pub unit: String,
    pub capacity: i32,
    pub remaining: i32,
    /// `null` for the default (a fifth of a pack).
    pub threshold: Option<i32>,
}

/// The shopping list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShoppingListView {
    /// Open items first, then the ones ticked off.
    pub items: Vec<ShoppingItemView>,
}

/// An item on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShoppingItemView {
    pub id: u32,
    pub title: String,
    pub quantity: u32,
    pub note: Option<String>,
    pub consumable_id: Option<u32>,
    /// Why it is on the list, for a person: "Added because Dish soap was down to 8 packets or fewer (your threshold)".
    pub reason: String,
    pub done: bool,
}

/// An item as the owner types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShoppingItemInput {
    pub title: String,
    pub quantity: i32,
    pub note: Option<String>,
}

/// How the household's data is protected at rest, as the owner is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DataProtectionView {
    /// Whether the keys are in the platform's keystore (not a file beside the data).
    pub in_keystore: bool,
    /// One sentence for the owner: where the key that encrypts the data is kept, and what that
    /// means.
    pub message: String,
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    /// The file's full path.
    pub path: String,
    /// The file's name alone: what `show_export` takes.
    pub file_name: String,
    /// The folder it is in.
    pub folder: String,
    pub bytes: u32,
}
