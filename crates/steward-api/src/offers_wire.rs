//! The offers screen's wire types: the inbox (matched offers and tutorials with why each is
//! shown), each partner feed's state, a tutorial step by step, and search hits. camelCase,
//! TypeScript generated from them. Everything a partner wrote is plain text here.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::privacy_wire::LabelView;

/// A position the UI knows (the phone's, when the owner allows it). It never leaves the phone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PositionInput {
    pub latitude: f64,
    pub longitude: f64,
}

/// Which inbox item: the partner, `offer` or `tutorial`, and its id in the partner's feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemKeyInput {
    pub partner_id: String,
    pub kind: String,
    pub item_id: String,
}

/// The inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxView {
    /// Saved first, then the most relevant and newest.
    pub items: Vec<InboxItemView>,
    pub feeds: Vec<FeedStatusView>,
    /// Partners whose offers the owner stopped.
    pub muted: Vec<LabelView>,
}

/// One offer or tutorial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxItemView {
    pub partner_id: String,
    pub partner_name: String,
    /// `offer` or `tutorial`.
    pub kind: String,
    pub item_id: String,
    pub name: String,
    /// Why it is shown, from the rule that matched.
    pub explanation: String,
    pub store: Option<String>,
    pub distance_meters: Option<u32>,
    /// "3.49 EUR".
    pub price: Option<String>,
    pub discount_percent: Option<u8>,
    pub saved: bool,
    /// Not seen before this showing.
    pub is_new: bool,
    /// A reorder offer: the consumable the reorder button orders (through the consent flow).
    pub reorder_consumable_id: Option<u32>,
    /// Unix seconds.
    pub expires_at: u32,
}

/// A partner's feed: when it was last updated, and why not, if the last try failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FeedStatusView {
    pub partner_id: String,
    pub partner_name: String,
    /// Unix seconds of the last good fetch (or confirmation), if any.
    pub updated_at: Option<u32>,
    /// "Dishwell's offers could not be updated: the signature does not match Dishwell's key".
    pub problem: Option<String>,
}

/// A tutorial, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TutorialView {
    pub partner_id: String,
    pub partner_name: String,
    pub item_id: String,
    pub name: String,
    pub steps: Vec<StepView>,
    /// The household's device it is for, and what that device reports now, when known.
    pub device_name: Option<String>,
    /// Its id (to offer its diagnostics when asking the maker).
    pub device_id: Option<String>,
    pub device_state: Option<String>,
    /// The step to open at: the first for the device's state now, else the first.
    pub start_step: u32,
}

/// One step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub text: String,
    /// The step's picture as a `data:` address, fetched from the partner's own host within
    /// limits; `None` when it has none or it could not be fetched.
    pub image: Option<String>,
}

/// What the owner searches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchInput {
    /// Words, or a GTIN typed or scanned.
    pub query: String,
    /// `distance` (default) or `price`.
    pub sort: Option<String>,
    pub position: Option<PositionInput>,
}

/// An offer found by search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHitView {
    pub partner_id: String,
    pub partner_name: String,
    pub item_id: String,
    pub name: String,
    pub price: Option<String>,
    pub discount_percent: Option<u8>,
    pub store: Option<String>,
    pub distance_meters: Option<u32>,
    pub valid_through: u32,
}

/// A place the owner can measure search distances from when Steward does not use their
/// location: a store named in a partner's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlaceView {
    /// The store's name, as its partner gives it.
    pub name: String,
    pub partner_name: String,
    pub latitude: f64,
    pub longitude: f64,
}
