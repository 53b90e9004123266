//! The notification policy's memory in SQLite: the owner's settings (checked, defaults where
//! unset, defaults again if a row is damaged) and the bounded history of decisions, which goes
//! with its partner, with an erase, and into the export.

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use steward_core::consent::{gate, jws, PartnerCard};
use steward_core::notify::{Candidate, Channel, Decision, Policy, Settings};
use steward_core::store::notifications::{self, MAX_ENTRIES};
use steward_core::store::{household, partners, settings};
use steward_core::Store;

const NOW: i64 = 1_796_126_400;

fn store_with(partner: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open_in(dir.path()).expect("store");
    let key = SigningKey::from_bytes(&[4; 32]);
    let json = serde_json::json!({
        "id": partner, "name": "Sudsy", "brands": ["Sudsy"],
        "baseUrl": "https://sudsy.example/api",
        "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "policyUrl": "https://sudsy.example/privacy", "policyVersion": "1",
    });
    let card =
        PartnerCard::verify_new(&jws::sign(&key, json.to_string().as_bytes())).expect("card");
    partners::add(&mut store, &card, NOW).expect("partner");
    (dir, store)
}

#[test]
fn settings_are_kept_checked_and_fall_back_to_quiet_defaults() {
    let (_dir, mut store) = store_with("sudsy");
    assert_eq!(
        notifications::load_settings(&store).expect("load"),
        Settings::default()
    );
    let mine = Settings {
        daily_offer_budget: 5,
        per_brand_cap: 2,
        quiet: None,
        reminders: true,
        tutorials: false,
        offers: true,
    };
    notifications::save_settings(&mut store, &mine, NOW).expect("saved");
    assert_eq!(notifications::load_settings(&store).expect("load"), mine);
    let absurd = Settings {
        daily_offer_budget: 1_000,
        ..Settings::default()
    };
    assert!(notifications::save_settings(&mut store, &absurd, NOW).is_err());
    assert_eq!(
        notifications::load_settings(&store).expect("load"),
        mine,
        "a refused change changes nothing"
    );
    settings::set(&mut store, "notify.per_brand_cap", "99", NOW).expect("damaged by hand");
    assert_eq!(
        notifications::load_settings(&store).expect("load"),
        Settings::default()
    );
}

#[test]
fn the_history_says_what_was_decided_newest_first_and_stays_bounded() {
    let (_dir, mut store) = store_with("sudsy");
    let mut policy = Policy::new(Settings::default(), HashSet::new());
    let offer = Candidate {
        id: "offer:sudsy:soap".into(),
        collapse_key: "sudsy:soap".into(),
        channel: Channel::Offer,
        brand: Some(("sudsy".into(), "Sudsy".into())),
        relevance: 600,
        expires_at: None,
    };
    let midnight = NOW + 11 * 3_600; // 00:00 at UTC+1
    let decision = policy.decide(&offer, midnight, 3_600);
    notifications::record(
        &mut store,
        midnight,
        &candidate(Channel::Offer, &offer.id, Some("sudsy")),
        "Sudsy soap, 15% off",
        &decision,
        3_600,
    )
    .expect("recorded");
    notifications::record(
        &mut store,
        midnight + 1,
        &candidate(Channel::DeviceAlert, "alert:soap", None),
        "Soap is empty",
        &Decision::Show,
        3_600,
    )
    .expect("recorded");
    let history = notifications::history(&store, 10).expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0].title.as_str(), history[0].outcome.as_str()),
        ("Soap is empty", "shown")
    );
    assert_eq!(history[1].words, "held until 07:00: quiet hours");
    assert_eq!(history[1].partner_id.as_deref(), Some("sudsy"));
    // What the policy recalls after a restart: oldest first, each with its collapse key.
    let since = notifications::since(&store, midnight + 1).expect("since");
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].collapse_key, "key:alert:soap");
    let both = notifications::since(&store, midnight).expect("since");
    assert_eq!(both[0].collapse_key, "key:offer:sudsy:soap");

    for i in 0..MAX_ENTRIES + 5 {
        notifications::record(
            &mut store,
            NOW + i,
            &candidate(Channel::Reminder, "r", None),
            "Buy soap",
            &Decision::Show,
            0,
        )
        .expect("recorded");
    }
    let all = notifications::history(&store, u32::MAX).expect("history");
    assert_eq!(all.len() as i64, MAX_ENTRIES);
    assert_eq!(all[0].at, NOW + MAX_ENTRIES + 4, "the newest kept");
}

#[test]
fn the_history_goes_with_its_partner_with_an_erase_and_into_the_export() {
    let (_dir, mut store) = store_with("sudsy");
    notifications::record(
        &mut store,
        NOW,
        &candidate(Channel::Offer, "o", Some("sudsy")),
        "Soap offer",
        &Decision::Show,
        0,
    )
    .expect("recorded");
    notifications::record(
        &mut store,
        NOW,
        &candidate(Channel::Reminder, "r", None),
        "Buy bread",
        &Decision::Show,
        0,
    )
    .expect("recorded");
    notifications::record(
        &mut store,
        NOW,
        &candidate(Channel::Offer, "x", Some("nobody")),
        "Unknown partner's offer",
        &Decision::Show,
        0,
    )
    .expect("kept without the partner");
    let exported =
        serde_json::to_value(household::export(&store, NOW).expect("export")).expect("json");
    assert_eq!(
        exported["notificationLog"].as_array().map(Vec::len),
        Some(3)
    );
    let sudsy = partners::list(&store).expect("list")[0].card.id.clone();
    gate::remove_partner(&mut store, &sudsy, NOW).expect("removed");
    let left: Vec<String> = notifications::history(&store, 10)
        .expect("history")
        .into_iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(left, ["Unknown partner's offer", "Buy bread"]);
    household::erase(&mut store).expect("erased");
    assert!(notifications::history(&store, 10)
        .expect("history")
        .is_empty());
}

/// A candidate as the policy would have decided it: its brand by id (the name is not recorded).
fn candidate(channel: Channel, id: &str, brand: Option<&str>) -> Candidate {
    Candidate {
        id: id.to_owned(),
        collapse_key: format!("key:{id}"),
        channel,
        brand: brand.map(|b| (b.to_owned(), b.to_owned())),
        relevance: 0,
        expires_at: None,
    }
}
