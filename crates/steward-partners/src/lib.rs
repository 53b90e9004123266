//! Steward's only door to partners. It sends what the consent gate built (a
//! [`steward_core::consent::gate::Disclosure`], which nothing but the gate can make) and fetches
//! partner cards and feeds (plain GETs, the same for every household); it has no other way to
//! send bytes.
//! It is the one crate in the app with an HTTP client (a test checks the workspace for others).
//!
//! It must never build a request body itself, follow a redirect, or read an unbounded answer.

mod client;
mod delivery;
mod feed_fetch;
mod support_fetch;

pub use client::{ClientError, PartnerClient, Timeouts};
pub use delivery::Delivery;
pub use feed_fetch::{FeedFetch, FetchError, Image, MAX_IMAGE_BYTES};
pub use support_fetch::MAX_WAIT as MAX_SUPPORT_WAIT;
