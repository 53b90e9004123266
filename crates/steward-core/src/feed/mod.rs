//! Partner feeds (docs/protocol/partner-feed.md): offers and tutorials a partner publishes,
//! signed with its pinned key. This module reads and checks them; it must never fetch anything
//! (the partner client does) or decide what the owner sees (the matcher does).

pub mod document;
pub mod time;
pub mod verify;

pub use document::{Feed, Offer, Rule, Tutorial};
pub use verify::{verify, FeedError};
