//! The test vector in docs/protocol/partner-feed.md section 8 is what the code computes and
//! accepts: a publisher can check its signing against it, and a reader its checks.

use ed25519_dalek::SigningKey;
use steward_core::consent::{jws, PartnerCard};
use steward_core::feed::document::Item;
use steward_core::feed::{verify, FeedError, Rule};

const FEED_DOC: &str = include_str!("../../../docs/protocol/partner-feed.md");
const API_DOC: &str = include_str!("../../../docs/protocol/partner-api.md");
/// 2026-12-01T17:00:00Z.
const NOW: i64 = 1_796_144_400;

fn vector(doc: &str, section: &str, name: &str) -> String {
    doc.split(section)
        .nth(1)
        .unwrap_or_else(|| panic!("no section {section}"))
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("the document gives no {name}"))
        .to_owned()
}

#[test]
fn the_feed_vector_in_the_document_is_signed_and_read_as_the_code_does() {
    let partner = SigningKey::from_bytes(&[1; 32]);
    let payload = vector(FEED_DOC, "## 8. Test vector", "feed payload");
    let token = jws::sign(&partner, payload.as_bytes());
    if std::env::var_os("STEWARD_PRINT_VECTORS").is_some() {
        println!("feed JWS: {token}");
    }
    assert_eq!(vector(FEED_DOC, "## 8. Test vector", "feed JWS"), token);

    // The partner is the one whose card is partner-api.md's vector.
    let card =
        PartnerCard::verify_new(&vector(API_DOC, "## 7. Test vectors", "card JWS")).expect("card");
    let feed = verify(&token, &card, None, NOW).expect("the vector verifies");
    assert_eq!((feed.partner.as_str(), feed.sequence), ("sudsy", 1));
    let offer = &feed.offers[0];
    assert_eq!(offer.price_minor, Some((349, "EUR".to_owned())));
    assert_eq!(
        offer.rules,
        [Rule::ConsumableBelow {
            item: Item::category("dish soap"),
            level: 10
        }]
    );
    // The same feed once more is a replay; one byte changed is a forgery.
    assert!(matches!(
        verify(&token, &card, Some(1), NOW),
        Err(FeedError::Replayed { found: 1, kept: 1 })
    ));
    let forged = jws::sign(&partner, payload.replace("\"3.49\"", "\"0.49\"").as_bytes());
    let tampered = format!(
        "{}.{}.{}",
        forged.split('.').next().unwrap_or_default(),
        forged.split('.').nth(1).unwrap_or_default(),
        token.split('.').nth(2).unwrap_or_default()
    );
    assert!(matches!(
        verify(&tampered, &card, None, NOW),
        Err(FeedError::Signature { .. })
    ));
}
