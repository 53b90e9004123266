//! What the owner did with offers and tutorials, kept in SQLite: seen once, dismissed, saved,
//! a partner's offers stopped; only for partners the household has, and gone with the partner
//! (removal) or with everything (erase).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use steward_core::consent::{gate, jws, PartnerCard};
use steward_core::feed::MatchKind;
use steward_core::store::inbox::{self, ItemKey};
use steward_core::store::{household, partners};
use steward_core::Store;

const NOW: i64 = 1_796_144_400;

fn card(id: &str) -> PartnerCard {
    let key = SigningKey::from_bytes(&[9; 32]);
    let json = serde_json::json!({
        "id": id, "name": id, "brands": [id],
        "baseUrl": format!("https://{id}.example/api"),
        "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "policyUrl": format!("https://{id}.example/privacy"), "policyVersion": "1",
    });
    PartnerCard::verify_new(&jws::sign(&key, json.to_string().as_bytes())).expect("card")
}

fn key(partner: &str, item: &str) -> ItemKey {
    ItemKey {
        partner_id: partner.to_owned(),
        kind: MatchKind::Offer,
        item_id: item.to_owned(),
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open_in(dir.path()).expect("store");
    partners::add(&mut store, &card("sudsy"), NOW).expect("sudsy");
    partners::add(&mut store, &card("crumb"), NOW).expect("crumb");
    (dir, store)
}

#[test]
fn seen_once_dismissed_saved_and_stopped_as_the_owner_said() {
    let (_dir, mut store) = store();
    inbox::seen(
        &mut store,
        &[key("sudsy", "soap"), key("crumb", "loaf")],
        NOW,
    )
    .expect("seen");
    inbox::seen(&mut store, &[key("sudsy", "soap")], NOW + 60).expect("seen again");
    let marks = inbox::marks(&store).expect("marks");
    assert_eq!(
        marks[&key("sudsy", "soap")].first_seen_at,
        Some(NOW),
        "the first time is kept"
    );

    inbox::set_dismissed(&store, &key("crumb", "loaf"), true, NOW + 1).expect("dismissed");
    assert_eq!(
        inbox::marks(&store).expect("marks")[&key("crumb", "loaf")].dismissed_at,
        Some(NOW + 1)
    );
    inbox::set_saved(&store, &key("crumb", "loaf"), true, NOW + 2).expect("saved");
    let loaf = inbox::marks(&store).expect("marks")[&key("crumb", "loaf")];
    assert_eq!(
        (loaf.saved_at, loaf.dismissed_at),
        (Some(NOW + 2), None),
        "saving brings it back"
    );
    // Read per item (only what matched now) and the saved ones alone: the same marks.
    let some = inbox::marks_of(&store, &[key("crumb", "loaf"), key("crumb", "never-shown")])
        .expect("marks of");
    assert_eq!(some.len(), 1, "only the asked-for items that have marks");
    assert_eq!(some[&key("crumb", "loaf")], loaf);
    let saved = inbox::saved(&store).expect("saved");
    assert_eq!(saved.keys().collect::<Vec<_>>(), [&key("crumb", "loaf")]);
    inbox::set_saved(&store, &key("crumb", "loaf"), false, NOW + 3).expect("unsaved");
    assert!(inbox::saved(&store).expect("saved").is_empty());
    assert_eq!(
        inbox::marks(&store).expect("marks")[&key("crumb", "loaf")].saved_at,
        None
    );

    inbox::set_muted(&store, "crumb", true, NOW).expect("muted");
    inbox::set_muted(&store, "crumb", true, NOW).expect("muted twice is the same");
    assert!(inbox::muted_partners(&store)
        .expect("muted")
        .contains("crumb"));
    inbox::set_muted(&store, "crumb", false, NOW).expect("lifted");
    assert!(inbox::muted_partners(&store).expect("muted").is_empty());

    // Only this household's partners.
    assert!(inbox::set_muted(&store, "nobody", true, NOW).is_err());
    assert!(inbox::set_saved(&store, &key("nobody", "x"), true, NOW).is_err());
    inbox::seen(&mut store, &[key("nobody", "x")], NOW).expect("ignored, not stored");
    assert!(!inbox::marks(&store)
        .expect("marks")
        .contains_key(&key("nobody", "x")));
}

#[test]
fn marks_and_stops_go_with_the_partner_and_with_everything() {
    let (_dir, mut store) = store();
    inbox::seen(
        &mut store,
        &[key("sudsy", "soap"), key("crumb", "loaf")],
        NOW,
    )
    .expect("seen");
    inbox::set_muted(&store, "sudsy", true, NOW).expect("muted");
    let sudsy = card("sudsy").id;
    gate::remove_partner(&mut store, &sudsy, NOW).expect("removed");
    let marks = inbox::marks(&store).expect("marks");
    assert!(!marks.contains_key(&key("sudsy", "soap")));
    assert!(marks.contains_key(&key("crumb", "loaf")));
    assert!(inbox::muted_partners(&store).expect("muted").is_empty());

    inbox::set_muted(&store, "crumb", true, NOW).expect("muted");
    let exported =
        serde_json::to_value(household::export(&store, NOW).expect("export")).expect("json");
    assert_eq!(exported["inboxMarks"][0]["itemId"], "loaf");
    assert_eq!(exported["mutedPartners"][0]["partnerId"], "crumb");
    household::erase(&mut store).expect("erased");
    assert!(inbox::marks(&store).expect("marks").is_empty());
    assert!(inbox::muted_partners(&store).expect("muted").is_empty());
}
