//! Checking a fetched feed before anything in it is used: size, the partner's pinned key over
//! the exact bytes (JWS, as partner cards), the partner it names, its sequence against the last
//! one kept (an older or equal one is a replay), its dates, then every field. Each refusal has a
//! reason the owner can read; the caller keeps the last good feed.

use super::document::{check, WireFeed};
use super::Feed;
use crate::consent::{jws, PartnerCard};

/// The largest feed read, as sent (the signed document).
pub const MAX_FEED_BYTES: usize = 512 * 1024;
/// How far in the future a feed's issue time may be (clocks differ).
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Why a feed was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the feed is larger than {MAX_FEED_BYTES} bytes")]
    Oversized,
    #[error("the signature does not match {partner}'s key")]
    Signature { partner: String },
    #[error("the feed cannot be read: {0}")]
    Malformed(String),
    #[error("the feed is signed for {found:?}, not {expected}")]
    WrongPartner { expected: String, found: String },
    #[error("the feed is not newer than the one Steward has (number {found}, kept {kept})")]
    Replayed { found: u64, kept: u64 },
    #[error("the feed expired")]
    Expired,
    #[error("the feed is dated in the future")]
    FromTheFuture,
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// Checks a feed `token` from `partner`; `kept_sequence` is the sequence of the last good feed.
pub fn verify(
    token: &str,
    partner: &PartnerCard,
    kept_sequence: Option<u64>,
    now: i64,
) -> Result<Feed, FeedError> {
    if token.len() > MAX_FEED_BYTES {
        return Err(FeedError::Oversized);
    }
    let key = partner.verifying_key().map_err(|_| FeedError::Signature {
        partner: partner.name.clone(),
    })?;
    let payload = jws::verify_bounded(token, &key, MAX_FEED_BYTES).map_err(|error| {
        if error.to_string().contains("does not match") || error.to_string().contains("Ed25519") {
            FeedError::Signature {
                partner: partner.name.clone(),
            }
        } else {
            FeedError::Malformed(error.to_string())
        }
    })?;
    let wire: WireFeed = serde_json::from_slice(&payload)
        .map_err(|error| FeedError::Malformed(error.to_string()))?;
    if wire.partner != partner.id.as_str() {
        return Err(FeedError::WrongPartner {
            expected: partner.id.to_string(),
            found: wire.partner,
        });
    }
    if let Some(kept) = kept_sequence {
        if wire.sequence <= kept {
            return Err(FeedError::Replayed {
                found: wire.sequence,
                kept,
            });
        }
    }
    let feed = check(wire, &host_of(&partner.base_url)).map_err(|invalid| FeedError::Invalid {
        field: invalid.field,
        reason: invalid.reason,
    })?;
    if feed.issued_at > now + MAX_CLOCK_SKEW_SECS {
        return Err(FeedError::FromTheFuture);
    }
    if feed.expires_at <= now {
        return Err(FeedError::Expired);
    }
    Ok(feed)
}

/// `scheme://host[:port]` of a partner's base address.
fn host_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or_default();
            format!("{scheme}://{host}")
        }
        None => base_url.to_owned(),
    }
}
