//! Signed partner documents as JWS compact serialisation (RFC 7515) with EdDSA over Ed25519
//! (RFC 8037): `base64url(header) . base64url(payload) . base64url(signature)`, the signature over
//! the first two parts as sent. Only `{"alg":"EdDSA"}` is accepted (with an optional `typ`), so
//! no token can choose a weaker algorithm or none.
//!
//! It must never return a payload it did not verify, except through [`unverified_payload`],
//! whose only use is to read a self-signed card's key before verifying the card with it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::text::invalid;
use crate::Result;

/// The largest token read: partner cards and key changes are small.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

const HEADER: &str = r#"{"alg":"EdDSA"}"#;

/// Signs `payload`.
pub fn sign(key: &SigningKey, payload: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )
}

/// The payload of `token` when `key` signed it.
pub fn verify(token: &str, key: &VerifyingKey) -> Result<Vec<u8>> {
    verify_bounded(token, key, MAX_TOKEN_BYTES)
}

/// Like [`verify`], for documents allowed up to `max_bytes` (feeds).
pub fn verify_bounded(token: &str, key: &VerifyingKey, max_bytes: usize) -> Result<Vec<u8>> {
    let parts = split(token, max_bytes)?;
    let signature = URL_SAFE_NO_PAD
        .decode(parts.signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or_else(|| invalid("signature", "is not an Ed25519 signature"))?;
    // Strict: no small-order keys, no malleable signatures.
    key.verify_strict(parts.signing_input.as_bytes(), &signature)
        .map_err(|_| invalid("signature", "does not match the partner's key"))?;
    Ok(parts.payload)
}

/// The payload of `token`, not verified: only to read the key a self-signed card names.
pub fn unverified_payload(token: &str) -> Result<Vec<u8>> {
    Ok(split(token, MAX_TOKEN_BYTES)?.payload)
}

struct Parts<'a> {
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: &'a str,
}

fn split(token: &str, max_bytes: usize) -> Result<Parts<'_>> {
    if token.len() > max_bytes {
        return Err(invalid(
            "signed document",
            format!("is larger than {max_bytes} bytes"),
        ));
    }
    let token = token.trim();
    let (signing_input, signature) = token
        .rsplit_once('.')
        .ok_or_else(|| invalid("signed document", "is not a JWS (header.payload.signature)"))?;
    let (header, payload) = signing_input
        .split_once('.')
        .ok_or_else(|| invalid("signed document", "is not a JWS (header.payload.signature)"))?;
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| invalid("signed document", "its header is not base64url"))?;
    check_header(&header)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| invalid("signed document", "its payload is not base64url"))?;
    Ok(Parts {
        signing_input,
        payload,
        signature,
    })
}

fn check_header(header: &[u8]) -> Result<()> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Header {
        alg: String,
        #[serde(default)]
        #[allow(dead_code)]
        typ: Option<String>,
    }
    let header: Header = serde_json::from_slice(header)
        .map_err(|_| invalid("signed document", "its header is not {\"alg\":\"EdDSA\"}"))?;
    if header.alg != "EdDSA" {
        return Err(invalid(
            "signed document",
            format!("uses {:?}; only EdDSA is accepted", header.alg),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_signed_payload_verifies_with_its_key_only() {
        let token = sign(&key(1), b"{\"hello\":1}");
        assert_eq!(
            verify(&token, &key(1).verifying_key()).expect("verifies"),
            b"{\"hello\":1}"
        );
        assert!(verify(&token, &key(2).verifying_key()).is_err());
    }

    #[test]
    fn a_changed_payload_or_header_is_refused() {
        let token = sign(&key(1), b"level=8");
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(b"level=9"),
            parts[2]
        );
        assert!(verify(&forged, &key(1).verifying_key()).is_err());
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            parts[1]
        );
        let refused = verify(&none, &key(1).verifying_key()).expect_err("alg none");
        assert!(refused.to_string().contains("only EdDSA"), "{refused}");
        let hs = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#),
            parts[1],
            parts[2]
        );
        assert!(verify(&hs, &key(1).verifying_key()).is_err());
    }

    #[test]
    fn oversized_and_malformed_tokens_are_refused() {
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(unverified_payload(&huge).is_err());
        for bad in ["", "abc", "a.b", "!!.!!.!!", "e30.e30"] {
            assert!(verify(bad, &key(1).verifying_key()).is_err(), "{bad}");
        }
    }
}
