//! Partner feeds: a good feed verifies; every way a feed can be wrong is refused with its reason.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use steward_core::consent::{jws, PartnerCard};
use steward_core::feed::document::Item;
use steward_core::feed::{verify, FeedError, Rule};

const NOW: i64 = 1_796_144_400; // 2026-12-01T17:00:00Z

fn key() -> SigningKey {
    SigningKey::from_bytes(&[1; 32])
}

fn sudsy() -> PartnerCard {
    let json = serde_json::json!({
        "id": "sudsy", "name": "Sudsy", "brands": ["Sudsy"],
        "baseUrl": "https://sudsy.example/api",
        "publicKey": URL_SAFE_NO_PAD.encode(key().verifying_key().to_bytes()),
        "policyUrl": "https://sudsy.example/privacy", "policyVersion": "1",
    });
    PartnerCard::verify_new(&jws::sign(&key(), json.to_string().as_bytes())).expect("card")
}

fn good() -> serde_json::Value {
    serde_json::json!({
        "version": 1,
        "partner": "sudsy",
        "sequence": 7,
        "issuedAt": "2026-12-01T08:00:00Z",
        "expiresAt": "2026-12-08T08:00:00Z",
        "offers": [{
            "@type": "Offer",
            "id": "soap-15",
            "name": "Sudsy dish soap, 15% off",
            "item": {"gtin": "4006381333931"},
            "price": {"amount": "3.49", "currency": "EUR"},
            "discountPercent": 15,
            "validFrom": "2026-12-01T00:00:00Z",
            "validThrough": "2026-12-15T00:00:00Z",
            "stores": [{"name": "Main Street Market", "latitude": 52.52, "longitude": 13.405}],
            "targeting": [
                {"rule": "daysLeftBelow", "item": {"category": "Dish soap"}, "days": 5},
                {"rule": "insideGeofence", "latitude": 52.52, "longitude": 13.405, "radiusMeters": 800},
                {"rule": "timeWindow", "from": "17:00", "until": "20:00"}
            ],
            "collapseKey": "sudsy-soap",
            "priority": 3
        }],
        "tutorials": [{
            "@type": "HowTo",
            "id": "bd-menu",
            "name": "Finding the disc menu",
            "steps": [
                {"text": "Press <b>Menu</b> once.", "image": "https://sudsy.example/img/menu.png", "state": "stopped"},
                {"text": "Use the arrows, then OK.", "state": "menu"}
            ],
            "models": ["bluray_player"],
            "states": ["stopped", "menu"],
            "targeting": [{"rule": "devicePattern", "model": "bluray_player", "event": "button", "count": 5, "withinSeconds": 20}],
            "expiresAt": "2027-01-01T00:00:00Z",
            "collapseKey": "bd-menu",
            "priority": 5
        }]
    })
}

fn signed(feed: &serde_json::Value) -> String {
    jws::sign(&key(), feed.to_string().as_bytes())
}

#[test]
fn a_good_feed_verifies_with_its_offers_tutorials_and_rules() {
    let feed = verify(&signed(&good()), &sudsy(), Some(6), NOW).expect("a good feed");
    assert_eq!(feed.sequence, 7);
    let offer = &feed.offers[0];
    assert_eq!(offer.price_minor, Some((349, "EUR".to_owned())));
    assert_eq!(offer.discount_percent, Some(15));
    assert!(
        matches!(&offer.rules[0], Rule::DaysLeftBelow { item: Item::Category(c), days: 5 } if c == "dish soap")
    );
    assert_eq!(
        offer.rules[2],
        Rule::TimeWindow {
            from_minute: 17 * 60,
            until_minute: 20 * 60
        }
    );
    let tutorial = &feed.tutorials[0];
    assert_eq!(
        tutorial.steps[0].text, "Press <b>Menu</b> once.",
        "markup stays text"
    );
    assert_eq!(tutorial.states, ["stopped", "menu"]);
    assert_eq!(tutorial.steps[1].state.as_deref(), Some("menu"));
    assert_eq!(
        tutorial.rules[0],
        Rule::DevicePattern {
            model: "bluray_player".into(),
            event: "button".into(),
            count: 5,
            within_secs: 20
        }
    );
}

fn refused(feed: &serde_json::Value) -> FeedError {
    verify(&signed(feed), &sudsy(), Some(6), NOW).expect_err("refused")
}

fn with(path: &[&str], value: serde_json::Value) -> serde_json::Value {
    let mut feed = good();
    let mut at = &mut feed;
    for (i, key) in path.iter().enumerate() {
        let next = if let Ok(index) = key.parse::<usize>() {
            &mut at[index]
        } else {
            &mut at[*key]
        };
        if i == path.len() - 1 {
            *next = value.clone();
            break;
        }
        at = next;
    }
    feed
}

#[test]
fn forged_replayed_foreign_expired_and_oversized_feeds_are_refused_with_their_reason() {
    let other = SigningKey::from_bytes(&[2; 32]);
    let forged = jws::sign(&other, good().to_string().as_bytes());
    let error = verify(&forged, &sudsy(), None, NOW).expect_err("another key");
    assert_eq!(
        error.to_string(),
        "the signature does not match Sudsy's key"
    );

    let error = verify(&signed(&good()), &sudsy(), Some(7), NOW).expect_err("same sequence");
    assert!(
        matches!(error, FeedError::Replayed { found: 7, kept: 7 }),
        "{error}"
    );
    assert!(
        verify(&signed(&good()), &sudsy(), Some(9), NOW).is_err(),
        "older"
    );

    assert!(matches!(
        refused(&with(&["partner"], "crumb".into())),
        FeedError::WrongPartner { .. }
    ));
    assert_eq!(
        refused(&with(&["expiresAt"], "2026-12-01T09:00:00Z".into())),
        FeedError::Expired
    );
    assert_eq!(
        refused(&with(&["issuedAt"], "2026-12-02T08:00:00Z".into())),
        FeedError::FromTheFuture
    );

    let huge = "x".repeat(steward_core::feed::verify::MAX_FEED_BYTES + 1);
    assert_eq!(
        verify(&huge, &sudsy(), None, NOW).expect_err("huge"),
        FeedError::Oversized
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(
        verify(&jws::sign(&key(), deep.as_bytes()), &sudsy(), None, NOW).expect_err("deep"),
        FeedError::Malformed(_)
    ));
    assert!(matches!(
        verify("not a feed", &sudsy(), None, NOW).expect_err("junk"),
        FeedError::Malformed(_)
    ));
}

#[test]
fn every_bad_field_is_refused_and_says_which() {
    let cases: Vec<(Vec<&str>, serde_json::Value, &str)> = vec![
        (vec!["version"], 2.into(), "version"),
        (vec!["issuedAt"], "2026-12-01 08:00".into(), "issuedAt"),
        (vec!["offers", "0", "@type"], "Product".into(), "offers[0]"),
        (
            vec!["offers", "0", "name"],
            "Sud\u{202E}sy".into(),
            "offers[0].name",
        ),
        (
            vec!["offers", "0", "name"],
            "x".repeat(121).into(),
            "offers[0].name",
        ),
        (
            vec!["offers", "0", "item"],
            serde_json::json!({"gtin": "123"}),
            "offers[0].item",
        ),
        (
            vec!["offers", "0", "item"],
            serde_json::json!({}),
            "offers[0].item",
        ),
        (
            vec!["offers", "0", "price"],
            serde_json::json!({"amount": "-1", "currency": "EUR"}),
            "offers[0].price",
        ),
        (
            vec!["offers", "0", "price"],
            serde_json::json!({"amount": "3.499", "currency": "EUR"}),
            "offers[0].price",
        ),
        (
            vec!["offers", "0", "price"],
            serde_json::json!({"amount": "3.49", "currency": "euro"}),
            "offers[0].price",
        ),
        (
            vec!["offers", "0", "discountPercent"],
            150.into(),
            "offers[0].discountPercent",
        ),
        (
            vec!["offers", "0", "validThrough"],
            "2026-11-01T00:00:00Z".into(),
            "offers[0]",
        ),
        (
            vec!["offers", "0", "stores", "0", "latitude"],
            91.0.into(),
            "offers[0].stores",
        ),
        (
            vec!["offers", "0", "targeting", "1", "radiusMeters"],
            (-5.0).into(),
            "offers[0].targeting[1]",
        ),
        (
            vec!["offers", "0", "targeting", "1", "radiusMeters"],
            1e9.into(),
            "offers[0].targeting[1]",
        ),
        (
            vec!["offers", "0", "targeting", "2", "from"],
            "5pm".into(),
            "offers[0].targeting[2]",
        ),
        (
            vec!["offers", "0", "priority"],
            11.into(),
            "offers[0].priority",
        ),
        (
            vec!["offers", "0", "collapseKey"],
            "a b".into(),
            "offers[0].collapseKey",
        ),
        // Absurd button patterns: a million presses, none, a window of no time, a year.
        (
            vec!["tutorials", "0", "targeting", "0", "count"],
            1_000_000.into(),
            "tutorials[0].targeting[0]",
        ),
        (
            vec!["tutorials", "0", "targeting", "0", "count"],
            0.into(),
            "tutorials[0].targeting[0]",
        ),
        (
            vec!["tutorials", "0", "targeting", "0", "withinSeconds"],
            0.into(),
            "tutorials[0].targeting[0]",
        ),
        (
            vec!["tutorials", "0", "targeting", "0", "withinSeconds"],
            31_536_000.into(),
            "tutorials[0].targeting[0]",
        ),
        (
            vec!["tutorials", "0", "targeting", "0", "withinSeconds"],
            0.5.into(),
            "tutorials[0].targeting[0]",
        ),
        (
            vec!["tutorials", "0", "steps"],
            serde_json::json!([]),
            "tutorials[0]",
        ),
        (
            vec!["tutorials", "0", "steps", "0", "image"],
            "https://tracker.example/pixel.png".into(),
            "tutorials[0].steps",
        ),
        (
            vec!["tutorials", "0", "steps", "0", "image"],
            "http://sudsy.example/img/menu.png".into(),
            "tutorials[0].steps",
        ),
        (
            vec!["tutorials", "0", "steps", "0", "text"],
            "   ".into(),
            "tutorials[0].steps",
        ),
        (
            vec!["tutorials", "0", "steps", "0", "state"],
            "the menu!".into(),
            "tutorials[0].steps.state",
        ),
        (
            vec!["tutorials", "0", "states"],
            serde_json::json!(["menu", ""]),
            "tutorials[0].states",
        ),
        (
            vec!["tutorials", "0", "states"],
            serde_json::json!(vec!["menu"; 17]),
            "tutorials[0]",
        ),
    ];
    for (path, value, field) in cases {
        let error = refused(&with(&path, value.clone()));
        match &error {
            FeedError::Invalid { field: f, .. } => {
                assert_eq!(f, field, "{path:?} = {value}: {error}")
            }
            other => panic!("{path:?} = {value}: expected an invalid field, got {other}"),
        }
    }
    let mut many = good();
    many["offers"] = serde_json::Value::Array(vec![good()["offers"][0].clone(); 501]);
    assert!(matches!(refused(&many), FeedError::Invalid { .. }));
    // An unknown rule is not guessed at.
    assert!(matches!(
        refused(&with(
            &["offers", "0", "targeting", "0", "rule"],
            "always".into()
        )),
        FeedError::Malformed(_)
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the bytes, the checker answers (never panics) and never accepts a feed not
    /// signed by the partner.
    #[test]
    fn arbitrary_input_is_refused_not_crashed(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(verify(&text, &sudsy(), None, NOW).is_err());
        let signed_by_other = jws::sign(&SigningKey::from_bytes(&[3; 32]), &bytes);
        prop_assert!(verify(&signed_by_other, &sudsy(), None, NOW).is_err());
        // Signed by the partner but not a feed: refused as unreadable, not accepted.
        let signed_junk = jws::sign(&key(), &bytes);
        prop_assert!(verify(&signed_junk, &sudsy(), None, NOW).is_err());
    }
}

mod kept_feeds {
    use super::*;
    use steward_core::store::{feeds, household, partners};
    use steward_core::Store;

    fn store_with_sudsy() -> Store {
        let mut store = Store::open_in_memory().expect("store");
        partners::add(&mut store, &sudsy(), NOW).expect("partner");
        store
    }

    #[test]
    fn a_good_feed_is_kept_and_a_refused_one_leaves_it_with_the_reason() {
        let mut store = store_with_sudsy();
        let card = sudsy();
        let first = feeds::accept(&mut store, &card, &signed(&good()), Some("\"v7\""), NOW)
            .expect("store")
            .expect("good");
        assert_eq!(first.sequence, 7);
        assert_eq!(
            feeds::kept(&store, &card)
                .expect("read")
                .expect("kept")
                .1
                .as_deref(),
            Some("\"v7\"")
        );

        // The same feed again (a replay) and a forged newer one: refused, the kept one stays.
        let replay =
            feeds::accept(&mut store, &card, &signed(&good()), None, NOW + 60).expect("store");
        assert!(matches!(replay, Err(FeedError::Replayed { .. })));
        let mut newer = good();
        newer["sequence"] = 8.into();
        let forged = jws::sign(
            &SigningKey::from_bytes(&[9; 32]),
            newer.to_string().as_bytes(),
        );
        let refused = feeds::accept(&mut store, &card, &forged, None, NOW + 120).expect("store");
        assert!(matches!(refused, Err(FeedError::Signature { .. })));
        let (reason, at) = feeds::problem(&store, "sudsy")
            .expect("read")
            .expect("recorded");
        assert_eq!(
            (reason.as_str(), at),
            ("the signature does not match Sudsy's key", NOW + 120)
        );
        let (kept, _) = feeds::kept(&store, &card)
            .expect("read")
            .expect("still kept");
        assert_eq!(kept.sequence, 7);

        // A genuine newer feed replaces it and clears the problem.
        let accepted = feeds::accept(
            &mut store,
            &card,
            &signed(&newer),
            Some("\"v8\""),
            NOW + 180,
        )
        .expect("store");
        assert_eq!(accepted.expect("newer").sequence, 8);
        assert!(feeds::problem(&store, "sudsy").expect("read").is_none());
    }

    #[test]
    fn the_kept_feed_is_read_again_from_its_signed_bytes_and_goes_with_erase() {
        let mut store = store_with_sudsy();
        let card = sudsy();
        feeds::accept(&mut store, &card, &signed(&good()), None, NOW)
            .expect("store")
            .expect("good");
        let (kept, _) = feeds::kept(&store, &card).expect("read").expect("kept");
        assert_eq!(kept.offers.len(), 1, "read again from the signed bytes");
        household::erase(&mut store).expect("erase");
        assert!(feeds::kept(&store, &card).expect("read").is_none());
    }
}
