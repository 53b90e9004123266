//! What came of sending one disclosure, in the ledger's terms.

use steward_core::store::ledger::Outcome;

/// How a send went: what the ledger records, and what the owner may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub outcome: Outcome,
    /// Why it was refused or failed, in plain words (partner text is bounded and kept as text).
    pub detail: Option<String>,
    /// The partner's reference for it, when delivered.
    pub reference: Option<String>,
    /// A short message from the partner for the owner (an order confirmation), as plain text.
    pub message: Option<String>,
}

impl Delivery {
    pub(crate) fn failed(detail: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Failed,
            detail: Some(detail.into()),
            reference: None,
            message: None,
        }
    }
}
