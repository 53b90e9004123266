//! Consent receipts: one for every grant, change and withdrawal, with the fields of the Kantara
//! Initiative Consent Receipt v1.1 and the event, status, expiry and policy version ISO/IEC TS
//! 27560 adds. Kept locally, shown to the owner, exported, and sent with each disclosure so the
//! partner holds the same record.
//!
//! A receipt is written once and never changed: a withdrawal is a new receipt, not an edit.

use serde::Serialize;

use super::{Category, PartnerCard, Purpose};

/// What happened to the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentEvent {
    /// The owner said yes.
    Given,
    /// The owner changed it (renewed it, narrowed or widened it).
    Modified,
    /// The owner took it back, or removed the partner.
    Withdrawn,
}

impl ConsentEvent {
    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentEvent::Given => "given",
            ConsentEvent::Modified => "modified",
            ConsentEvent::Withdrawn => "withdrawn",
        }
    }
}

/// What a receipt records, before it is written out.
#[derive(Debug, Clone)]
pub struct ReceiptFacts<'a> {
    pub receipt_id: &'a str,
    pub partner: &'a PartnerCard,
    /// The household's key at this partner (base64url): its pseudonymous id there.
    pub principal_id: &'a str,
    pub category: Category,
    pub purpose: Purpose,
    /// `None`: the whole category.
    pub subject: Option<&'a str>,
    pub event: ConsentEvent,
    pub at: i64,
    /// When it lapses; `None` once withdrawn.
    pub expires_at: Option<i64>,
    /// How it was collected: "in-app prompt", "privacy center".
    pub collection_method: &'a str,
}

/// The receipt's JSON.
pub fn to_json(facts: &ReceiptFacts<'_>) -> String {
    let scope = match facts.subject {
        Some(subject) => format!("{} ({subject} only)", facts.category.as_str()),
        None => facts.category.as_str().to_owned(),
    };
    let receipt = serde_json::json!({
        // Kantara Consent Receipt Specification v1.1.0
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "",
        "consentTimestamp": facts.at,
        "collectionMethod": facts.collection_method,
        "consentReceiptID": facts.receipt_id,
        "language": "en",
        "piiPrincipalId": facts.principal_id,
        "piiControllers": [{
            "piiController": facts.partner.name,
            "onBehalf": false,
            "contact": "",
            "address": "",
            "email": "",
            "phone": "",
            "piiControllerUrl": facts.partner.base_url,
        }],
        "policyUrl": facts.partner.policy_url,
        "services": [{
            "service": facts.partner.name,
            "purposes": [{
                "purpose": facts.purpose.label(),
                "purposeCategory": [facts.purpose.receipt_category()],
                "consentType": "EXPLICIT",
                "piiCategory": [scope],
                "primaryPurpose": true,
                "termination": match facts.expires_at {
                    Some(at) => format!("expires at {at} (unix seconds) unless withdrawn earlier"),
                    None => "withdrawn".to_owned(),
                },
                "thirdPartyDisclosure": false,
            }],
        }],
        "sensitive": facts.category.sensitive(),
        "spiCat": if facts.category.sensitive() { vec![facts.category.as_str()] } else { vec![] },
        // ISO/IEC TS 27560 consent record fields Kantara v1.1 lacks.
        "iso27560": {
            "event": facts.event.as_str(),
            "status": if facts.event == ConsentEvent::Withdrawn { "withdrawn" } else { "active" },
            "expiry": facts.expires_at,
            "policyVersion": facts.partner.policy_version,
            "partnerId": facts.partner.id.as_str(),
            "category": facts.category.as_str(),
            "purpose": facts.purpose.as_str(),
            "subject": facts.subject,
        },
    });
    receipt.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::partner::tests::{card_json, key};

    #[test]
    fn a_receipt_has_the_kantara_and_27560_fields() {
        let card = PartnerCard::from_json(card_json("sudsy", &key(1)).to_string().as_bytes())
            .expect("card");
        let json = to_json(&ReceiptFacts {
            receipt_id: "r-1",
            partner: &card,
            principal_id: "hh-key",
            category: Category::ConsumableLevels,
            purpose: Purpose::ReorderDelivery,
            subject: Some("consumable:1"),
            event: ConsentEvent::Given,
            at: 1_000,
            expires_at: Some(2_000),
            collection_method: "in-app prompt",
        });
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        for field in [
            "version",
            "jurisdiction",
            "consentTimestamp",
            "collectionMethod",
            "consentReceiptID",
            "language",
            "piiPrincipalId",
            "piiControllers",
            "policyUrl",
            "services",
            "sensitive",
            "spiCat",
        ] {
            assert!(value.get(field).is_some(), "{field} missing: {value}");
        }
        assert_eq!(value["piiControllers"][0]["piiController"], "Sudsy");
        assert_eq!(value["iso27560"]["policyVersion"], "2026-10");
        assert_eq!(value["iso27560"]["expiry"], 2_000);
        assert_eq!(
            value["services"][0]["purposes"][0]["piiCategory"][0],
            "consumable-levels (consumable:1 only)"
        );
    }
}
