//! Partner feeds (docs/protocol/partner-feed.md): offers and tutorials a partner publishes,
//! signed with its pinned key. This module reads and checks them, matches them against the
//! household and searches them, all on the phone. It must never fetch anything (the partner
//! client does) nor let a fact about the household leave.

pub mod document;
pub mod household;
pub mod matcher;
pub mod naive;
pub mod search;
pub mod time;
pub mod verify;

pub use document::{Feed, Offer, Rule, Tutorial};
pub use household::Household;
pub use matcher::{matches, Match, MatchKind, PartnerFeed};
pub use verify::{verify, FeedError};
