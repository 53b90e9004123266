//! Reading a support conversation's replies (partner-api.md, section 3.5): a plain GET named
//! only by the conversation's reference (a capability the partner gave), long-polled, the body
//! bounded and checked by the core. Sending messages goes through the consent gate like every
//! disclosure; reading replies carries nothing about the household.
//!
//! It must never follow a redirect nor put anything but the checked reference and two numbers
//! in the URL.

use std::time::Duration;

use steward_core::support::{self, Reply, MAX_REPLIES_BYTES};

use crate::client::{describe, read_bounded, PartnerClient};
use crate::FetchError;

/// The longest a read may wait for a reply at the partner (the protocol's bound).
pub const MAX_WAIT: Duration = Duration::from_secs(25);

impl PartnerClient {
    /// Replies in conversation `reference` after `after`, waiting up to `wait` at the partner
    /// for one to be written.
    pub async fn support_replies(
        &self,
        base_url: &str,
        reference: &str,
        after: u32,
        wait: Duration,
    ) -> Result<Vec<Reply>, FetchError> {
        let url = steward_core::consent::partner::url("partner address", base_url)
            .map_err(|error| FetchError(error.to_string()))?;
        let reference =
            support::reference(reference).map_err(|error| FetchError(error.to_string()))?;
        let wait = wait.min(MAX_WAIT);
        let response = self
            .http()
            .get(format!(
                "{url}/v1/support/{reference}/messages?after={after}&wait={}",
                wait.as_secs()
            ))
            .header("accept", "application/json")
            // The partner may hold the request for `wait`; the usual deadline starts after it.
            .timeout(wait + Duration::from_secs(10))
            .send()
            .await
            .map_err(|error| FetchError(describe(&error)))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(FetchError(
                "the partner's server answered with a redirect; it was not followed".to_owned(),
            ));
        }
        if !status.is_success() {
            return Err(FetchError(format!(
                "the partner's server answered {} instead of the replies",
                status.as_u16()
            )));
        }
        let body = read_bounded(response, MAX_REPLIES_BYTES)
            .await
            .map_err(FetchError)?;
        support::parse_replies(&body, after).map_err(|error| FetchError(error.to_string()))
    }
}
