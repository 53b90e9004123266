//! What a partner checks before it accepts a request (docs/protocol/partner-api.md, 3.2 and 5),
//! written the way a third party would from the document.

use std::collections::HashMap;

use steward_core::consent::signature::{self, SignedHeaders};

/// How far a request's `created` may be from the server's clock.
pub const MAX_SKEW_SECS: i64 = 300;
/// How long a body from one household counts as the same request (a retry signed afresh).
pub const SAME_REQUEST_SECS: i64 = 24 * 3600;
/// How long nonces are remembered.
pub const NONCE_MEMORY_SECS: i64 = 600;

/// A refusal: the status and the plain-text reason.
pub type Refusal = (u16, String);

/// An earlier answer, by (household, nonce): the digest it was for, what was answered, and when.
pub type Seen = HashMap<(String, String), (String, u16, String, i64)>;

/// A request that passed the checks.
pub struct Checked {
    pub household: String,
    pub nonce: String,
    pub digest: String,
}

/// Checks signature, freshness, identity and receipts. A replay of an answered nonce with the
/// same digest is returned as `Err(Ok(answer))` so the caller answers it again unchanged.
pub fn check(
    target_uri: &str,
    content_type: &str,
    headers: &SignedHeaders,
    raw: &[u8],
    partner_id: &str,
    seen: &Seen,
    now: i64,
) -> Result<Checked, Result<(u16, String), Refusal>> {
    let refuse = |status: u16, reason: &str| Err(Err((status, reason.to_owned())));
    let verified = match signature::verify("POST", target_uri, content_type, raw, headers) {
        Ok(verified) => verified,
        Err(error) => return refuse(401, &error.to_string()),
    };
    if (verified.created - now).abs() > MAX_SKEW_SECS {
        return refuse(401, "the request is too old or from the future");
    }
    let key = (verified.key_id.clone(), verified.nonce.clone());
    if let Some((digest, status, answer, _)) = seen.get(&key) {
        return if *digest == headers.content_digest {
            Err(Ok((*status, answer.clone())))
        } else {
            refuse(409, "this nonce was already used for another request")
        };
    }
    let body: serde_json::Value = match serde_json::from_slice(raw) {
        Ok(body) => body,
        Err(_) => return refuse(400, "the body is not JSON"),
    };
    if body["household"].as_str() != Some(verified.key_id.as_str()) {
        return refuse(401, "the body names another household than the signature");
    }
    let purpose = body["purpose"].as_str();
    for receipt in body["receipts"].as_array().into_iter().flatten() {
        let iso = &receipt["iso27560"];
        if iso["partnerId"].as_str() != Some(partner_id)
            || iso["status"].as_str() != Some("active")
            || iso["purpose"].as_str() != purpose
            || iso["expiry"].as_i64().is_none_or(|expiry| expiry <= now)
            || receipt["piiPrincipalId"].as_str() != Some(verified.key_id.as_str())
        {
            return refuse(
                403,
                "a receipt does not allow this for this partner and purpose",
            );
        }
    }
    Ok(Checked {
        household: verified.key_id,
        nonce: verified.nonce,
        digest: headers.content_digest.clone(),
    })
}
