//! Request signatures: HTTP Message Signatures (RFC 9421) with `ed25519`, over the method, the
//! target URI, the body's `Content-Digest` (RFC 9530, SHA-256) and its content type, with a
//! creation time and a nonce so a partner can refuse replays. The key is the household's key at
//! that partner (its pseudonymous id there), so every request proves it comes from the same
//! household the partner's earlier receipts name, and nothing links it to other partners.
//!
//! Both sides use this module: the gate to sign, the reference partner server to verify. It must
//! never sign anything but a body the gate built.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::text::invalid;
use crate::Result;

/// The signature label used in `Signature-Input` and `Signature`.
pub const LABEL: &str = "steward";
/// The covered components, in order.
pub const COMPONENTS: &str = r#"("@method" "@target-uri" "content-digest" "content-type")"#;
/// The only content type signed requests carry.
pub const CONTENT_TYPE: &str = "application/json";

/// The headers that make a request signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub content_digest: String,
    pub signature_input: String,
    pub signature: String,
}

/// `sha-256=:<base64>:` for `body`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// The household's public key as it names itself: base64url, no padding.
pub fn key_id(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.to_bytes())
}

/// Signs a POST of `body` to `target_uri`.
pub fn sign(
    key: &SigningKey,
    target_uri: &str,
    body: &[u8],
    created: i64,
    nonce: &str,
) -> SignedHeaders {
    let content_digest = content_digest(body);
    let params = params(created, &key_id(&key.verifying_key()), nonce);
    let base = signature_base("POST", target_uri, &content_digest, &params);
    let signature = key.sign(base.as_bytes());
    SignedHeaders {
        content_digest,
        signature_input: format!("{LABEL}={params}"),
        signature: format!("{LABEL}=:{}:", STANDARD.encode(signature.to_bytes())),
    }
}

/// What a verified request says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The household's key at this partner.
    pub key_id: String,
    pub created: i64,
    pub nonce: String,
}

/// Verifies a received request: the digest matches the body and the signature matches the key
/// the request names. Freshness and replay (the nonce) are the receiver's to check.
pub fn verify(
    method: &str,
    target_uri: &str,
    content_type: &str,
    body: &[u8],
    headers: &SignedHeaders,
) -> Result<Verified> {
    if headers.content_digest != content_digest(body) {
        return Err(invalid(
            "signature",
            "the body does not match its Content-Digest",
        ));
    }
    if content_type != CONTENT_TYPE {
        return Err(invalid(
            "signature",
            "the content type is not application/json",
        ));
    }
    let params = headers
        .signature_input
        .strip_prefix(LABEL)
        .and_then(|rest| rest.strip_prefix('='))
        .ok_or_else(|| invalid("signature", "no steward= Signature-Input"))?;
    let parsed = parse_params(params)?;
    let key_bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&parsed.key_id)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| invalid("signature", "the keyid is not an Ed25519 key"))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|_| invalid("signature", "the keyid is not an Ed25519 key"))?;
    let signature = headers
        .signature
        .strip_prefix(LABEL)
        .and_then(|rest| rest.strip_prefix("=:"))
        .and_then(|rest| rest.strip_suffix(':'))
        .and_then(|b64| STANDARD.decode(b64).ok())
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or_else(|| invalid("signature", "no steward= Signature"))?;
    let base = signature_base(method, target_uri, &headers.content_digest, params);
    key.verify_strict(base.as_bytes(), &signature)
        .map_err(|_| invalid("signature", "does not match the household key"))?;
    Ok(Verified {
        key_id: parsed.key_id,
        created: parsed.created,
        nonce: parsed.nonce,
    })
}

fn params(created: i64, key_id: &str, nonce: &str) -> String {
    format!(r#"{COMPONENTS};created={created};keyid="{key_id}";alg="ed25519";nonce="{nonce}""#)
}

/// RFC 9421 §2.5: one line per component, then the parameters line, joined by LF.
fn signature_base(method: &str, target_uri: &str, digest: &str, params: &str) -> String {
    format!(
        "\"@method\": {method}\n\"@target-uri\": {target_uri}\n\"content-digest\": {digest}\n\"content-type\": {CONTENT_TYPE}\n\"@signature-params\": {params}"
    )
}

struct Params {
    created: i64,
    key_id: String,
    nonce: String,
}

/// Reads exactly the parameters [`params`] writes, in that order: anything else is refused, so
/// a request cannot leave a component out of the signature.
fn parse_params(raw: &str) -> Result<Params> {
    let bad = || invalid("signature", "the Signature-Input is not Steward's");
    let rest = raw.strip_prefix(COMPONENTS).ok_or_else(bad)?;
    let rest = rest.strip_prefix(";created=").ok_or_else(bad)?;
    let (created, rest) = rest.split_once(';').ok_or_else(bad)?;
    let created: i64 = created.parse().map_err(|_| bad())?;
    let rest = rest.strip_prefix("keyid=\"").ok_or_else(bad)?;
    let (key_id, rest) = rest.split_once('"').ok_or_else(bad)?;
    let rest = rest
        .strip_prefix(";alg=\"ed25519\";nonce=\"")
        .ok_or_else(bad)?;
    let nonce = rest.strip_suffix('"').ok_or_else(bad)?;
    let token_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !token_ok(key_id) || !token_ok(nonce) {
        return Err(bad());
    }
    Ok(Params {
        created,
        key_id: key_id.to_owned(),
        nonce: nonce.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "http://127.0.0.1:8080/sudsy/v1/share";

    #[test]
    fn a_signed_request_verifies_and_names_its_household() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let headers = sign(&key, URI, b"{\"a\":1}", 1_700_000_000, "n1");
        let verified = verify("POST", URI, CONTENT_TYPE, b"{\"a\":1}", &headers).expect("verifies");
        assert_eq!(verified.key_id, key_id(&key.verifying_key()));
        assert_eq!(verified.created, 1_700_000_000);
        assert_eq!(verified.nonce, "n1");
    }

    #[test]
    fn changing_body_target_method_time_or_nonce_breaks_it() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let headers = sign(&key, URI, b"{\"a\":1}", 1_700_000_000, "n1");
        assert!(verify("POST", URI, CONTENT_TYPE, b"{\"a\":2}", &headers).is_err());
        assert!(verify(
            "POST",
            "http://127.0.0.1:8080/bready/v1/share",
            CONTENT_TYPE,
            b"{\"a\":1}",
            &headers
        )
        .is_err());
        assert!(verify("PUT", URI, CONTENT_TYPE, b"{\"a\":1}", &headers).is_err());
        let mut later = headers.clone();
        later.signature_input = later.signature_input.replace("1700000000", "1700000999");
        assert!(verify("POST", URI, CONTENT_TYPE, b"{\"a\":1}", &later).is_err());
        let mut other_nonce = headers.clone();
        other_nonce.signature_input = other_nonce.signature_input.replace("\"n1\"", "\"n2\"");
        assert!(verify("POST", URI, CONTENT_TYPE, b"{\"a\":1}", &other_nonce).is_err());
        let mut fewer = headers.clone();
        fewer.signature_input = fewer.signature_input.replace(" \"content-type\"", "");
        assert!(verify("POST", URI, CONTENT_TYPE, b"{\"a\":1}", &fewer).is_err());
        let mut other_key = headers;
        other_key.signature_input = other_key.signature_input.replace(
            &key_id(&key.verifying_key()),
            &key_id(&SigningKey::from_bytes(&[8; 32]).verifying_key()),
        );
        assert!(verify("POST", URI, CONTENT_TYPE, b"{\"a\":1}", &other_key).is_err());
    }
}
