//! "Ask the maker" wire types: a conversation with a maker's support as the owner reads it.
//! camelCase, TypeScript generated from them.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What the owner writes to a maker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AskMakerInput {
    pub partner_id: String,
    /// The guide or offer it is about (the partner's id), when asked from one.
    pub topic: Option<String>,
    pub message: String,
    /// The device to include diagnostics of, when the owner chose to.
    pub diagnostics_of: Option<String>,
    /// The owner's answer to the diagnostics prompt (grants diagnostics of that device).
    pub allow_diagnostics: bool,
}

/// One message in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SupportMessageView {
    /// The owner wrote it (else the maker's support did).
    pub from_owner: bool,
    /// "You", or the person at the maker ("Ana at Lumaview").
    pub name: String,
    /// Plain text, shown as text.
    pub text: String,
    /// Unix seconds.
    pub at: u32,
}

/// A conversation with a maker's support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    pub id: u32,
    pub partner_id: String,
    pub partner_name: String,
    /// What it is about ("Getting to the disc menu").
    pub title: String,
    pub messages: Vec<SupportMessageView>,
    /// The owner's last message has no answer yet.
    pub awaiting_reply: bool,
}
