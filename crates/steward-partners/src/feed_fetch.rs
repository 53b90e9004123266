//! Fetching a partner's feed: the same plain GET for every household (no cookie, no query, no
//! identifier), conditional on the ETag of the feed kept, within the client's deadlines, with the
//! body bounded while it streams and no redirect followed. What arrives is only bytes: the core
//! checks the signature, the partner, the sequence and every field before anything is used.
//!
//! It must never send anything about the household, nor trust an ETag for anything but saving a
//! download (a changed feed under an old ETag is checked like any other).

use steward_core::feed::verify::MAX_FEED_BYTES;
use steward_core::feed::FeedError;

use crate::client::{describe, read_bounded, PartnerClient};

/// The longest ETag kept and sent back (RFC 9110 sets none; partners' are short).
const MAX_ETAG_CHARS: usize = 128;

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedFetch {
    /// 304: the kept feed is still the partner's latest.
    NotModified,
    /// A feed to check, with the partner's ETag when it gave a usable one.
    Fetched { token: String, etag: Option<String> },
}

/// Why a feed could not be fetched, in words for the owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

impl PartnerClient {
    /// Fetches `{base_url}/feed`, sending `If-None-Match: etag` when a feed is kept.
    pub async fn fetch_feed(
        &self,
        base_url: &str,
        etag: Option<&str>,
    ) -> Result<FeedFetch, FetchError> {
        let url = steward_core::consent::partner::url("partner address", base_url)
            .map_err(|error| FetchError(error.to_string()))?;
        let mut request = self
            .http()
            .get(format!("{url}/feed"))
            .header("accept", "application/jose");
        if let Some(etag) = etag.filter(|etag| usable_etag(etag)) {
            request = request.header("if-none-match", etag);
        }
        let response = request
            .send()
            .await
            .map_err(|error| FetchError(describe(&error)))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(FeedFetch::NotModified);
        }
        if status.is_redirection() {
            return Err(FetchError(format!(
                "the partner's server answered with a redirect ({}); it was not followed",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(FetchError(format!(
                "the partner's server answered {} instead of the feed",
                status.as_u16()
            )));
        }
        let etag = response
            .headers()
            .get("etag")
            .and_then(|value| value.to_str().ok())
            .filter(|etag| usable_etag(etag))
            .map(str::to_owned);
        let body = read_bounded(response, MAX_FEED_BYTES)
            .await
            .map_err(|detail| {
                if detail.contains("larger than") {
                    FetchError(FeedError::Oversized.to_string())
                } else {
                    FetchError(detail)
                }
            })?;
        let token =
            String::from_utf8(body).map_err(|_| FetchError("the feed is not text".to_owned()))?;
        Ok(FeedFetch::Fetched { token, etag })
    }
}

/// The largest tutorial picture read.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// The pictures shown: the formats every webview draws, no SVG (it can carry script).
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/// A tutorial picture: its type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl PartnerClient {
    /// Fetches a tutorial picture at `url`, which must be on the partner's own host (the
    /// scheme, host and port of `base_url`): the same plain GET for every household, within the
    /// client's deadlines, at most [`MAX_IMAGE_BYTES`], a raster type only.
    pub async fn fetch_image(&self, base_url: &str, url: &str) -> Result<Image, FetchError> {
        let origin = |address: &str| -> Option<String> {
            let (scheme, rest) = address.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!("{scheme}://{host}/"))
        };
        match (origin(base_url), origin(url)) {
            (Some(partner), Some(image)) if partner == image && !url.contains(['?', '#', '@']) => {}
            _ => {
                return Err(FetchError(
                    "the picture is not on the partner's own host".to_owned(),
                ))
            }
        }
        let response = self
            .http()
            .get(url)
            .send()
            .await
            .map_err(|error| FetchError(describe(&error)))?;
        if !response.status().is_success() {
            return Err(FetchError(format!(
                "the partner's server answered {} instead of the picture",
                response.status().as_u16()
            )));
        }
        let declared = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let media_type = IMAGE_TYPES
            .into_iter()
            .find(|known| *known == declared)
            .ok_or_else(|| FetchError("the picture is not PNG, JPEG, WebP or GIF".to_owned()))?;
        let bytes = read_bounded(response, MAX_IMAGE_BYTES)
            .await
            .map_err(FetchError)?;
        Ok(Image { media_type, bytes })
    }
}

/// An ETag worth keeping: short, visible ASCII (so it is a valid header value to send back).
fn usable_etag(etag: &str) -> bool {
    !etag.is_empty()
        && etag.len() <= MAX_ETAG_CHARS
        && etag.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::usable_etag;

    #[test]
    fn only_short_visible_ascii_etags_are_kept() {
        assert!(usable_etag("\"17\""));
        assert!(usable_etag("W/\"abc\""));
        assert!(!usable_etag(""));
        assert!(!usable_etag("\"a b\""));
        assert!(!usable_etag("\"é\""));
        assert!(!usable_etag("\"line\r\nX-Injected: 1\""));
        assert!(!usable_etag(&"x".repeat(129)));
    }
}
