//! The reference partner server: docs/protocol/partner-api.md implemented on loopback, for the
//! demo and the tests. It serves each hosted partner's card (signed with a key made at start, so
//! no partner key lives in the repository), verifies every request as a partner must (digest,
//! RFC 9421 signature, freshness, nonce replay, receipts), answers, and records every request it
//! receives, byte for byte, so tests can compare what arrived with the phone's ledger.
//!
//! It must never be linked into the app. Its misbehaviours (down, slow, failing, redirecting,
//! huge answers) are switched on per partner by tests.

mod behaviour;
mod brief;
pub mod feeds;
mod server;
pub mod support;
mod verify;

pub use behaviour::Behaviour;
pub use brief::brief_partners;
pub use server::{PartnerServer, PartnerSpec, Recorded};
