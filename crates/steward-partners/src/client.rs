//! The HTTP client: rustls (ring), HTTP/1.1, no redirects, no cookies, no proxy discovery, short
//! deadlines and bounded answers. Partners are untrusted: everything they answer is bounded,
//! checked and kept as plain text.

use std::sync::Once;
use std::time::Duration;

use steward_core::consent::gate::Disclosure;
use steward_core::consent::jws::MAX_TOKEN_BYTES;
use steward_core::consent::signature::CONTENT_TYPE;
use steward_core::store::ledger::Outcome;
use steward_core::text;

use crate::Delivery;

/// The most of an answer that is read (docs/protocol/partner-api.md, section 6).
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The longest partner text kept from an answer.
const MAX_TEXT_CHARS: usize = 200;

/// Why the client could not be made, or a card not fetched.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the HTTP client could not start: {0}")]
    Start(String),
    #[error("{0}")]
    Card(String),
}

/// How long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(10),
        }
    }
}

/// Talks to partners.
#[derive(Debug, Clone)]
pub struct PartnerClient {
    http: reqwest::Client,
}

static PROVIDER: Once = Once::new();

impl PartnerClient {
    pub fn new(timeouts: Timeouts) -> Result<Self, ClientError> {
        PROVIDER.call_once(|| {
            // Another part of the process may have installed one already; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .no_proxy()
            .user_agent(concat!("Steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Start(error.to_string()))?;
        Ok(Self { http })
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends a disclosure, exactly the bytes the gate recorded, and says how it went. Never
    /// fails: every failure is an outcome for the ledger.
    pub async fn send(&self, disclosure: &Disclosure) -> Delivery {
        let headers = disclosure.headers();
        let sent = self
            .http
            .post(disclosure.url())
            .header("content-type", CONTENT_TYPE)
            .header("content-digest", &headers.content_digest)
            .header("signature-input", &headers.signature_input)
            .header("signature", &headers.signature)
            .body(disclosure.body().to_vec())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return Delivery::failed(describe(&error)),
        };
        let status = response.status();
        if status.is_redirection() {
            return Delivery::failed(format!(
                "the partner answered with a redirect ({}); it was not followed",
                status.as_u16()
            ));
        }
        let answer = match read_bounded(response, MAX_ANSWER_BYTES).await {
            Ok(answer) => answer,
            Err(detail) => return Delivery::failed(detail),
        };
        let json: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
        let text_of = |key: &str| {
            json.get(key)
                .and_then(|v| v.as_str())
                .and_then(|s| text::optional("partner answer", Some(s), MAX_TEXT_CHARS).ok())
                .flatten()
        };
        if status.is_success() {
            Delivery {
                outcome: Outcome::Delivered,
                detail: None,
                reference: text_of("reference"),
                message: text_of("message"),
            }
        } else if status.is_client_error() {
            Delivery {
                outcome: Outcome::Refused,
                detail: Some(
                    text_of("error")
                        .unwrap_or_else(|| format!("the partner refused it ({})", status.as_u16())),
                ),
                reference: None,
                message: None,
            }
        } else {
            Delivery::failed(format!("the partner's server failed ({})", status.as_u16()))
        }
    }

    /// Fetches a partner's card (a JWS) from `{base_url}/card`. Carries nothing about the
    /// household; the caller verifies the card.
    pub async fn fetch_card(&self, base_url: &str) -> Result<String, ClientError> {
        let url = steward_core::consent::partner::url("partner address", base_url)
            .map_err(|error| ClientError::Card(error.to_string()))?;
        let response = self
            .http
            .get(format!("{url}/card"))
            .send()
            .await
            .map_err(|error| ClientError::Card(describe(&error)))?;
        if !response.status().is_success() {
            return Err(ClientError::Card(format!(
                "the partner has no card there ({})",
                response.status().as_u16()
            )));
        }
        let bytes = read_bounded(response, MAX_TOKEN_BYTES)
            .await
            .map_err(ClientError::Card)?;
        String::from_utf8(bytes).map_err(|_| ClientError::Card("the card is not text".to_owned()))
    }
}

/// Reads at most `limit` bytes of the answer; more is an error, not a truncation.
pub(crate) async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, String> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(format!("the partner's answer is larger than {limit} bytes"));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(format!("the partner's answer is larger than {limit} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) => return Err(describe(&error)),
        }
    }
}

pub(crate) fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the partner did not answer in time".to_owned()
    } else if error.is_connect() {
        "the partner could not be reached".to_owned()
    } else {
        "the connection to the partner broke".to_owned()
    }
}
