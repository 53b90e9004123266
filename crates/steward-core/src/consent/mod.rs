//! Consent: which partner may receive which category of the household's data, for which
//! purpose, until when; the receipts that record each decision; and the gate every disclosure
//! passes through.
//!
//! The model is deny by default: a category leaves the phone only under a live grant for that
//! partner and purpose. Nothing here talks to a network: [`gate`] builds a [`gate::Disclosure`]
//! (the only value a partner client can send) after writing its ledger entry, and the partner
//! client in `steward-partners` sends it and records the outcome.

pub mod category;
pub mod flows;
pub mod gate;
pub mod grant;
pub mod jws;
pub mod partner;
pub mod payload;
pub mod purpose;
pub mod receipt;
pub mod signature;

pub use category::Category;
pub use grant::{Grant, GrantScope};
pub use partner::{PartnerCard, PartnerId};
pub use payload::{Field, Payload};
pub use purpose::Purpose;
