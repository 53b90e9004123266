//! The feed decoder on arbitrary input, two ways: the bytes as a whole signed token (anything a
//! server could send), and the bytes as the payload of a token signed with the partner's pinned
//! key (so the JSON reader and every field check are reached, not stopped at the signature).
//! Nothing may panic; whatever is accepted is matched and searched without panicking.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use steward_core::consent::{jws, PartnerCard};
use steward_core::feed::household::{ConsumableFacts, DeviceFacts, EventFacts, Household, Position};
use steward_core::feed::search::{search, Query, SortBy};
use steward_core::feed::{matches, verify, PartnerFeed};

const NOW: i64 = 1_796_144_400;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3; 32])
}

fn card() -> &'static PartnerCard {
    static CARD: OnceLock<PartnerCard> = OnceLock::new();
    CARD.get_or_init(|| {
        let json = serde_json::json!({
            "id": "sudsy", "name": "Sudsy", "brands": ["Sudsy"],
            "baseUrl": "https://sudsy.example/api",
            "publicKey": URL_SAFE_NO_PAD.encode(key().verifying_key().to_bytes()),
            "policyUrl": "https://sudsy.example/privacy", "policyVersion": "1",
        });
        PartnerCard::verify_new(&jws::sign(&key(), json.to_string().as_bytes())).expect("card")
    })
}

fn household() -> Household {
    Household {
        consumables: vec![ConsumableFacts {
            id: 1,
            name: "Dish soap".into(),
            gtin: Some("4006381333931".into()),
            unit: "packet".into(),
            remaining: 3,
            days_left: Some(2),
        }],
        devices: vec![DeviceFacts { id: "d".into(), name: "Player".into(), kind: "bluray_player".into(), state: Some("menu".into()) }],
        events: (0..6).map(|i| EventFacts { device_id: "d".into(), event: "button".into(), at: NOW - i }).collect(),
        position: Some(Position { lat: 52.52, lon: 13.405 }),
        now: NOW,
        fences: None,
        local_minute: 1_080,
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = verify(&String::from_utf8_lossy(data), card(), None, NOW);
    let token = jws::sign(&key(), data);
    if let Ok(feed) = verify(&token, card(), Some(0), NOW) {
        let h = household();
        let feeds = [PartnerFeed { partner_id: "sudsy", partner_name: "Sudsy", feed: &feed }];
        for m in matches(&feeds, &h, &HashSet::new()) {
            let _ = m.explanation();
        }
        let _ = search(&feeds, &Query::parse("soap"), h.position, NOW, SortBy::Price);
    }
});
