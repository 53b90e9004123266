//! Partner cards: who a partner is (a brand or a store chain), which brands and models it speaks
//! for, where its API is, its Ed25519 key, its privacy policy, and what it may ask for.
//!
//! A card arrives as a JWS signed by the partner's own key. When a partner is added the card is
//! self-signed and its key is pinned; a later card with another key is accepted only when signed
//! by the pinned key. Every text in a card is partner text: checked by the shared validator,
//! stored as text, never rendered as HTML.

use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::{jws, Category, Purpose};
use crate::text::{self, invalid};
use crate::Result;

/// The longest partner name, brand or model name accepted.
pub const MAX_NAME_CHARS: usize = 60;
/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 200;
/// At most this many brands, models and asks on one card.
pub const MAX_LIST: usize = 32;

/// A partner's id: lower-case letters, digits and dashes, as the partner chose it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartnerId(String);

impl PartnerId {
    pub fn parse(raw: &str) -> Result<Self> {
        let ok = (1..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(invalid(
                "partner id",
                "must be 1 to 40 lower-case letters, digits or dashes",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PartnerId {
    type Error = crate::Error;
    fn try_from(raw: String) -> Result<Self> {
        Self::parse(&raw)
    }
}

impl From<PartnerId> for String {
    fn from(id: PartnerId) -> Self {
        id.0
    }
}

impl std::fmt::Display for PartnerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing a partner may ask for: a category for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ask {
    pub category: Category,
    pub purpose: Purpose,
}

/// A validated partner card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerCard {
    pub id: PartnerId,
    pub name: String,
    pub brands: Vec<String>,
    pub models: Vec<String>,
    pub base_url: String,
    pub public_key: [u8; 32],
    pub policy_url: String,
    pub policy_version: String,
    pub asks: BTreeSet<Ask>,
}

/// The card as it is written on the wire (camelCase JSON inside the JWS).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCard {
    id: String,
    name: String,
    #[serde(default)]
    brands: Vec<String>,
    #[serde(default)]
    models: Vec<String>,
    base_url: String,
    public_key: String,
    policy_url: String,
    policy_version: String,
    #[serde(default)]
    asks: Vec<WireAsk>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireAsk {
    category: String,
    purpose: String,
}

impl PartnerCard {
    /// A card offered for a partner not yet added: it must be signed by the key it names.
    pub fn verify_new(token: &str) -> Result<Self> {
        let card = Self::from_json(&jws::unverified_payload(token)?)?;
        let payload = jws::verify(token, &card.verifying_key()?)?;
        Self::from_json(&payload)
    }

    /// A newer card for a partner already added with `pinned`: signed by the pinned key, for
    /// the same partner id. The new card may name a new key; that is how a key changes.
    pub fn verify_update(pinned: &PartnerCard, token: &str) -> Result<Self> {
        let payload = jws::verify(token, &pinned.verifying_key()?).map_err(|_| {
            invalid(
                "partner card",
                format!(
                    "is not signed by the key pinned for {} when it was added; a key change must be signed by the old key",
                    pinned.name
                ),
            )
        })?;
        let card = Self::from_json(&payload)?;
        if card.id != pinned.id {
            return Err(invalid(
                "partner card",
                format!("is for {:?}, not {}", card.id.as_str(), pinned.id),
            ));
        }
        Ok(card)
    }

    /// Whether the card lets the partner ask for `category` for `purpose`.
    pub fn declares(&self, category: Category, purpose: Purpose) -> bool {
        self.asks.contains(&Ask { category, purpose })
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        VerifyingKey::from_bytes(&self.public_key)
            .map_err(|_| invalid("partner key", "is not an Ed25519 public key"))
    }

    /// The card as stored: the validated fields only, so nothing unvalidated is kept.
    pub fn to_json(&self) -> String {
        let wire = WireCard {
            id: self.id.to_string(),
            name: self.name.clone(),
            brands: self.brands.clone(),
            models: self.models.clone(),
            base_url: self.base_url.clone(),
            public_key: URL_SAFE_NO_PAD.encode(self.public_key),
            policy_url: self.policy_url.clone(),
            policy_version: self.policy_version.clone(),
            asks: self
                .asks
                .iter()
                .map(|a| WireAsk {
                    category: a.category.as_str().to_owned(),
                    purpose: a.purpose.as_str().to_owned(),
                })
                .collect(),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Parses and validates a card's JSON.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let wire: WireCard = serde_json::from_slice(json)
            .map_err(|error| invalid("partner card", format!("is not a card: {error}")))?;
        let key_bytes = URL_SAFE_NO_PAD
            .decode(wire.public_key.trim_end_matches('='))
            .map_err(|_| invalid("partner key", "is not base64url"))?;
        let public_key: [u8; 32] = key_bytes
            .try_into()
            .map_err(|_| invalid("partner key", "is not 32 bytes"))?;
        VerifyingKey::from_bytes(&public_key)
            .ok()
            .filter(|key| !key.is_weak())
            .ok_or_else(|| invalid("partner key", "is not a usable Ed25519 public key"))?;
        let mut asks = BTreeSet::new();
        for ask in &wire.asks {
            asks.insert(Ask {
                category: Category::parse(&ask.category)?,
                purpose: Purpose::parse(&ask.purpose)?,
            });
        }
        if wire.brands.len() > MAX_LIST
            || wire.models.len() > MAX_LIST
            || wire.asks.len() > MAX_LIST
        {
            return Err(invalid(
                "partner card",
                format!("lists more than {MAX_LIST} brands, models or asks"),
            ));
        }
        Ok(Self {
            id: PartnerId::parse(&wire.id)?,
            name: text::required("partner name", &wire.name, MAX_NAME_CHARS)?,
            brands: names("brand", &wire.brands)?,
            models: names("model", &wire.models)?,
            base_url: url("partner address", &wire.base_url)?,
            public_key,
            policy_url: url("privacy policy address", &wire.policy_url)?,
            policy_version: text::required("policy version", &wire.policy_version, 40)?,
            asks,
        })
    }
}

fn names(field: &'static str, raw: &[String]) -> Result<Vec<String>> {
    raw.iter()
        .map(|name| text::required(field, name, MAX_NAME_CHARS))
        .collect()
}

/// An address a partner is reached at: `https://host[:port][/path]`, or plain `http` to this
/// machine's loopback only (the demo's and the tests' partner server). No credentials, query or
/// fragment, so an address cannot smuggle anything into a request.
pub fn url(field: &'static str, raw: &str) -> Result<String> {
    let raw = text::required(field, raw, MAX_URL_CHARS)?;
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or_else(|| invalid(field, "is not an address (https://…)"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..host_end];
    let host = host_of(authority).ok_or_else(|| invalid(field, "has no host name"))?;
    let loopback = matches!(host, "127.0.0.1" | "[::1]" | "localhost");
    match scheme {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(invalid(field, "must start with https://")),
    }
    if raw.contains(['?', '#', '@', '\\', ' ', '"', '<', '>']) {
        return Err(invalid(
            field,
            "must not carry credentials, a query or a fragment",
        ));
    }
    if !authority
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    {
        return Err(invalid(field, "has a host name Steward cannot use"));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn host_of(authority: &str) -> Option<&str> {
    let host = if authority.starts_with('[') {
        &authority[..=authority.find(']')?]
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    pub(crate) fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    pub(crate) fn card_json(id: &str, key: &SigningKey) -> serde_json::Value {
        serde_json::json!({
            "id": id,
            "name": "Sudsy",
            "brands": ["Sudsy"],
            "models": ["SD-40"],
            "baseUrl": "http://127.0.0.1:8080/sudsy",
            "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
            "policyUrl": "https://sudsy.example/privacy",
            "policyVersion": "2026-10",
            "asks": [
                {"category": "consumable-levels", "purpose": "reorder-delivery"},
                {"category": "device-diagnostics", "purpose": "tutorials-support"}
            ]
        })
    }

    pub(crate) fn signed(card: &serde_json::Value, by: &SigningKey) -> String {
        jws::sign(by, card.to_string().as_bytes())
    }

    #[test]
    fn a_self_signed_card_is_accepted_and_its_key_pinned() {
        let card = PartnerCard::verify_new(&signed(&card_json("sudsy", &key(1)), &key(1)))
            .expect("a good card");
        assert_eq!(card.name, "Sudsy");
        assert_eq!(card.public_key, key(1).verifying_key().to_bytes());
        assert!(card.declares(Category::ConsumableLevels, Purpose::ReorderDelivery));
        assert!(!card.declares(Category::PreciseLocation, Purpose::PersonalisedOffers));
        assert_eq!(
            PartnerCard::from_json(card.to_json().as_bytes()).expect("round trip"),
            card
        );
    }

    #[test]
    fn a_card_signed_by_another_key_than_it_names_is_refused() {
        let refused = PartnerCard::verify_new(&signed(&card_json("sudsy", &key(1)), &key(2)))
            .expect_err("not its key");
        assert!(refused.to_string().contains("does not match"), "{refused}");
    }

    #[test]
    fn a_key_change_is_accepted_only_when_signed_by_the_pinned_key() {
        let pinned = PartnerCard::verify_new(&signed(&card_json("sudsy", &key(1)), &key(1)))
            .expect("first card");
        let new_card = card_json("sudsy", &key(3));
        // Self-signed by the new key (what an attacker holding only the new key can make).
        let refused = PartnerCard::verify_update(&pinned, &signed(&new_card, &key(3)))
            .expect_err("not signed by the pinned key");
        assert!(refused.to_string().contains("pinned"), "{refused}");
        // Signed by the old key: the owner's partner really moved to a new key.
        let moved =
            PartnerCard::verify_update(&pinned, &signed(&new_card, &key(1))).expect("rotated");
        assert_eq!(moved.public_key, key(3).verifying_key().to_bytes());
        // And a card for another partner cannot replace this one.
        let other =
            PartnerCard::verify_update(&pinned, &signed(&card_json("bready", &key(1)), &key(1)));
        assert!(other.is_err());
    }

    #[test]
    fn hostile_and_undeclared_content_is_refused_with_a_reason() {
        let good = card_json("sudsy", &key(1));
        let cases: Vec<(&str, serde_json::Value)> = vec![
            ("name", serde_json::json!("Sud\u{202E}sy")),
            ("name", serde_json::json!("   ")),
            ("name", serde_json::json!("x".repeat(61))),
            ("baseUrl", serde_json::json!("http://sudsy.example")),
            (
                "baseUrl",
                serde_json::json!("https://user:pw@sudsy.example"),
            ),
            (
                "baseUrl",
                serde_json::json!("https://sudsy.example/?track=1"),
            ),
            ("baseUrl", serde_json::json!("javascript:alert(1)")),
            ("policyUrl", serde_json::json!("file:///etc/passwd")),
            ("publicKey", serde_json::json!("AAAA")),
            (
                "publicKey",
                serde_json::json!(URL_SAFE_NO_PAD.encode([0u8; 32])),
            ),
            ("id", serde_json::json!("Sudsy Inc")),
            (
                "asks",
                serde_json::json!([{"category": "everything", "purpose": "reorder-delivery"}]),
            ),
            ("brands", serde_json::json!(vec!["b"; MAX_LIST + 1])),
        ];
        for (field, value) in cases {
            let mut card = good.clone();
            card[field] = value.clone();
            assert!(
                PartnerCard::from_json(card.to_string().as_bytes()).is_err(),
                "{field} = {value} was accepted"
            );
        }
        let markup = {
            let mut card = good.clone();
            card["name"] = serde_json::json!("<b>Sudsy</b>");
            PartnerCard::from_json(card.to_string().as_bytes()).expect("markup is text")
        };
        assert_eq!(markup.name, "<b>Sudsy</b>", "kept as text, shown as text");
    }

    #[test]
    fn addresses_are_https_or_loopback() {
        assert_eq!(
            url("a", "https://sudsy.example/api/").expect("https"),
            "https://sudsy.example/api"
        );
        assert!(url("a", "http://127.0.0.1:9000").is_ok());
        assert!(url("a", "http://[::1]:9000").is_ok());
        assert!(url("a", "http://localhost.evil.example").is_err());
        assert!(url("a", "http://127.0.0.1.evil.example").is_err());
    }
}
