//! The privacy center's wire types: partners with their grants as a matrix, the sharing ledger,
//! consent receipts, and the just-in-time prompt. camelCase, TypeScript generated from them.

use serde::{Deserialize, Serialize};
use specta::Type;

/// A category or purpose with the words the owner reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LabelView {
    pub id: String,
    pub label: String,
}

/// The privacy center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrivacyView {
    pub partners: Vec<PartnerView>,
    pub categories: Vec<LabelView>,
    pub purposes: Vec<LabelView>,
}

/// One partner and what the owner allowed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PartnerView {
    pub id: String,
    pub name: String,
    pub brands: Vec<String>,
    pub policy_url: String,
    pub policy_version: String,
    /// The household's id at this partner (its public key), so the owner can quote it.
    pub household_id: String,
    /// One cell per category × purpose the partner may ask for, in the matrix's order.
    pub cells: Vec<GrantCellView>,
}

/// One cell of a partner's matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GrantCellView {
    pub category: String,
    pub purpose: String,
    pub allowed: bool,
    /// Allowed for some items only (as the reorder prompt grants it), not the whole category.
    pub narrowed: bool,
    /// When the grant lapses (Unix seconds), while allowed.
    pub expires_at: Option<u32>,
    /// Allowed, and within a month of lapsing: ask the owner again.
    pub renew_due: bool,
}

/// Which ledger entries to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerFilterInput {
    pub partner_id: Option<String>,
    pub category: Option<String>,
    /// Unix seconds, from (inclusive) and until (exclusive).
    pub from: Option<u32>,
    pub until: Option<u32>,
}

/// One thing that left the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntryView {
    pub id: u32,
    pub partner_id: String,
    pub partner_name: String,
    /// `share`, `order`, `support` or `erasure`.
    pub kind: String,
    pub purpose: String,
    pub categories: Vec<String>,
    /// What was sent, in plain words, one line per value.
    pub summary: String,
    /// Unix seconds.
    pub at: u32,
    /// `sending`, `delivered`, `refused` or `failed`.
    pub outcome: String,
    pub outcome_detail: Option<String>,
    pub attempts: u32,
    /// SHA-256 of the exact bytes, hex.
    pub sha256: String,
    pub receipt_ids: Vec<String>,
}

/// The exact bytes of one entry, on request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerPayloadView {
    pub id: u32,
    pub url: String,
    /// The bytes as sent (JSON text).
    pub body: String,
    pub sha256: String,
}

/// A consent receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    pub id: String,
    pub partner_name: String,
    /// `given`, `modified` or `withdrawn`.
    pub event: String,
    pub category: String,
    pub purpose: String,
    pub at: u32,
    /// The whole receipt, as the partner receives it.
    pub receipt: String,
}

/// What a reorder would send, to whom, for what and for how long: shown before asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsentPromptView {
    pub partner_id: String,
    pub partner_name: String,
    /// Why it would be sent, completing "… {partner} would receive:": "To reorder Dish soap".
    pub reason: String,
    pub category: LabelView,
    pub purpose: LabelView,
    /// Exactly what would be sent, one line per value.
    pub lines: Vec<String>,
    /// How long the permission would last, in days.
    pub lasts_days: u32,
    pub policy_url: String,
    /// Whether the owner already allowed it (then no question is needed).
    pub already_allowed: bool,
}

/// How a request to a partner went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SentView {
    pub ledger_id: u32,
    /// `delivered`, `refused` or `failed`.
    pub outcome: String,
    /// What the partner said (an order confirmation), or why it did not go through.
    pub message: Option<String>,
}
