//! Offers and tutorials through the API, against the reference partner server on loopback: the
//! feeds fetched and kept, the inbox matched on the phone with why each item is shown, mute,
//! dismiss and save, a tutorial with its pictures, search by words and GTIN, a forged feed
//! refused with a reason while the last good one stays, and proof that the partners received
//! nothing but plain feed requests.

mod common;

use std::net::{Ipv4Addr, SocketAddr};

use steward_api::inventory_wire::ConsumableInputView;
use steward_api::offers_wire::{ItemKeyInput, PositionInput, SearchInput};
use steward_api::Steward;
use steward_partner_server::{brief_partners, PartnerServer};

/// About 280 m from Main Street Market, inside every demo geofence.
const NEAR_MARKET: PositionInput = PositionInput {
    latitude: 52.5219,
    longitude: 13.4132,
};
const PARTNERS: [&str; 5] = ["sudsy", "crumb", "goldcrust", "lumaview", "cornerway"];

fn consumable(
    name: &str,
    brand: &str,
    unit: &str,
    capacity: i32,
    remaining: i32,
) -> ConsumableInputView {
    ConsumableInputView {
        name: name.into(),
        brand: Some(brand.into()),
        gtin: None,
        unit: unit.into(),
        capacity,
        remaining,
        threshold: Some(2),
    }
}

fn key(partner: &str, kind: &str, item: &str) -> ItemKeyInput {
    ItemKeyInput {
        partner_id: partner.into(),
        kind: kind.into(),
        item_id: item.into(),
    }
}

async fn household() -> (PartnerServer, tempfile::TempDir, Steward) {
    let (server, dir, app, _) = household_with_events().await;
    (server, dir, app)
}

async fn household_with_events() -> (PartnerServer, tempfile::TempDir, Steward, common::Collect) {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let events = common::Collect::default();
    let app = Steward::open(dir.path(), events.clone(), common::keys());
    let urls: Vec<String> = PARTNERS.iter().map(|id| server.base_url(id)).collect();
    app.add_partners(&urls).await;
    (server, dir, app, events)
}

#[tokio::test]
async fn the_inbox_matches_on_the_phone_says_why_and_partners_only_ever_see_plain_feed_requests() {
    let (server, _dir, app, events) = household_with_events().await;
    let soap = app
        .add_consumable(consumable("Dish soap", "sudsy", "packets", 40, 8))
        .expect("soap");
    app.add_consumable(consumable("Bread", "crumb", "slices", 20, 2))
        .expect("bread");

    let statuses = app.refresh_offers().await.expect("refreshed");
    assert_eq!(statuses.len(), 5);
    assert!(
        events
            .0
            .lock()
            .expect("events")
            .iter()
            .any(|e| matches!(e, steward_api::AppEvent::OffersChanged(feeds) if feeds.len() == 5)),
        "the UI is told the feeds were fetched"
    );
    assert!(
        statuses
            .iter()
            .all(|s| s.problem.is_none() && s.updated_at.is_some()),
        "{statuses:?}"
    );

    // Counted for a badge: not yet seen.
    let inbox = app.inbox(Some(NEAR_MARKET), false).expect("inbox");
    let ids: Vec<&str> = inbox.items.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "sudsy-soap-15",
            "crumb-loaf",
            "goldcrust-coupon",
            "cornerway-soap"
        ],
        "most relevant first; the tutorial waits for a confused owner"
    );
    let offer = &inbox.items[0];
    assert_eq!(
        offer.explanation,
        "You have 8 packets of dish soap left, and Sudsy has it 15% off at Main Street Market, 280 m away."
    );
    assert_eq!(
        offer.reorder_consumable_id,
        Some(soap.summary.id),
        "the maker's own offer can reorder"
    );
    assert_eq!(
        (offer.price.as_deref(), offer.discount_percent),
        (Some("3.49 EUR"), Some(15))
    );
    assert!(offer.is_new);
    assert_eq!(
        inbox.items[2].reorder_consumable_id, None,
        "a competitor's coupon does not reorder"
    );
    assert!(
        app.inbox(Some(NEAR_MARKET), true).expect("shown").items[0].is_new,
        "counting for a badge did not make it seen"
    );
    assert!(
        !app.inbox(Some(NEAR_MARKET), true).expect("again").items[0].is_new,
        "shown once, not new again"
    );

    // Far from the store: the geofenced offers go, the others stay.
    let far = app
        .inbox(
            Some(PositionInput {
                latitude: 48.8566,
                longitude: 2.3522,
            }),
            true,
        )
        .expect("far");
    let ids: Vec<&str> = far.items.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(ids, ["sudsy-soap-15", "crumb-loaf"]);

    // Stop the competitor's offers; they stay stopped until lifted.
    let muted = app
        .mute_partner("goldcrust", true, Some(NEAR_MARKET))
        .expect("muted");
    assert!(muted.items.iter().all(|i| i.partner_id != "goldcrust"));
    assert_eq!(muted.muted.len(), 1);
    assert_eq!(muted.muted[0].label, "Goldcrust Bakery");
    assert!(app
        .inbox(Some(NEAR_MARKET), true)
        .expect("later")
        .items
        .iter()
        .all(|i| i.partner_id != "goldcrust"));
    let lifted = app
        .mute_partner("goldcrust", false, Some(NEAR_MARKET))
        .expect("lifted");
    assert!(lifted.items.iter().any(|i| i.partner_id == "goldcrust"));

    // Dismiss one, save another: saved first, the dismissed one gone.
    app.mark_item(
        key("cornerway", "offer", "cornerway-soap"),
        "dismiss",
        Some(NEAR_MARKET),
    )
    .expect("dismissed");
    let saved = app
        .mark_item(
            key("crumb", "offer", "crumb-loaf"),
            "save",
            Some(NEAR_MARKET),
        )
        .expect("saved");
    let ids: Vec<&str> = saved.items.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(ids, ["crumb-loaf", "sudsy-soap-15", "goldcrust-coupon"]);
    assert!(saved.items[0].saved);
    // Bread restocked: the loaf no longer matches, but the owner saved it, so it stays.
    let bread = app
        .inventory()
        .expect("inventory")
        .consumables
        .into_iter()
        .find(|c| c.name == "Bread")
        .expect("bread");
    app.record_purchase(bread.id, 18, None).expect("restocked");
    let after = app.inbox(Some(NEAR_MARKET), true).expect("after");
    let loaf = after
        .items
        .iter()
        .find(|i| i.item_id == "crumb-loaf")
        .expect("kept");
    assert_eq!(loaf.explanation, "You saved this.");
    assert!(
        after.items.iter().all(|i| i.item_id != "goldcrust-coupon"),
        "plenty of bread: no coupon"
    );

    // Unknown items and actions are refused plainly.
    assert!(app
        .mark_item(key("nobody", "offer", "x"), "save", None)
        .is_err());
    assert!(app
        .mark_item(key("crumb", "coupon", "x"), "save", None)
        .is_err());
    assert!(app
        .mark_item(key("crumb", "offer", "crumb-loaf"), "burn", None)
        .is_err());

    // What the partners saw: their cards and plain feed GETs, the same for any household.
    app.refresh_offers().await.expect("again");
    let requests = server.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!(request.method, "GET", "{request:?}");
        let path_ok = PARTNERS.iter().any(|p| {
            request.target == format!("/{p}/card") || request.target == format!("/{p}/feed")
        });
        assert!(
            path_ok,
            "only cards and feeds, no query: {}",
            request.target
        );
        for (name, value) in &request.headers {
            assert!(
                ["host", "accept", "if-none-match", "user-agent"].contains(&name.as_str()),
                "unexpected header {name}: {value}"
            );
        }
    }
    assert!(
        server.recorded().is_empty(),
        "no household data was sent anywhere"
    );
}

#[tokio::test]
async fn stopping_a_brand_from_the_settings_does_not_mark_the_inbox_seen() {
    let (_server, _dir, app) = household().await;
    app.refresh_offers().await.expect("refreshed");
    let stopped = app
        .mute_partner("goldcrust", true, Some(NEAR_MARKET))
        .expect("stopped");
    assert!(!stopped.items.is_empty());
    app.mute_partner("goldcrust", false, Some(NEAR_MARKET))
        .expect("allowed again");
    let inbox = app.inbox(Some(NEAR_MARKET), false).expect("badge count");
    assert!(
        inbox.items.iter().all(|i| i.is_new),
        "still new: the owner has not looked at the inbox"
    );
}

#[tokio::test]
async fn search_finds_offers_by_words_or_gtin_sorted_by_distance_or_price() {
    let (_server, _dir, app) = household().await;
    app.refresh_offers().await.expect("refreshed");
    let hits = app
        .search_offers(SearchInput {
            query: "dish soap".into(),
            sort: None,
            position: Some(NEAR_MARKET),
        })
        .expect("search");
    let found: Vec<(&str, Option<u32>)> = hits
        .iter()
        .map(|h| (h.item_id.as_str(), h.distance_meters))
        .collect();
    assert_eq!(
        found,
        [("cornerway-soap", Some(0)), ("sudsy-soap-15", Some(280))]
    );
    let by_price = app
        .search_offers(SearchInput {
            query: "Dish Soap".into(),
            sort: Some("price".into()),
            position: Some(NEAR_MARKET),
        })
        .expect("by price");
    assert_eq!(by_price[0].price.as_deref(), Some("2.99 EUR"));
    assert!(app
        .search_offers(SearchInput {
            query: "4006381333931".into(),
            sort: None,
            position: None
        })
        .expect("gtin")
        .is_empty());
    assert!(app
        .search_offers(SearchInput {
            query: "soap".into(),
            sort: Some("colour".into()),
            position: None
        })
        .is_err());
    assert!(app
        .search_offers(SearchInput {
            query: "soap".into(),
            sort: None,
            position: Some(PositionInput {
                latitude: f64::NAN,
                longitude: 0.0
            }),
        })
        .is_err());
}

#[tokio::test]
async fn a_forged_feed_is_refused_with_a_reason_and_the_last_good_one_stays() {
    let (server, _dir, app) = household().await;
    app.add_consumable(consumable("Dish soap", "sudsy", "packets", 40, 8))
        .expect("soap");
    app.refresh_offers().await.expect("refreshed");
    // Sudsy's next feed is signed by someone else: the server moves to a key Steward never pinned.
    let mut newer = steward_partner_server::feeds::demo_feed("sudsy", 1_900_000_000).expect("feed");
    newer["sequence"] = 2.into();
    server.set_feed("sudsy", newer);
    server.rotate_key("sudsy").expect("rotated");
    let statuses = app.refresh_offers().await.expect("refreshed");
    let sudsy = statuses
        .iter()
        .find(|s| s.partner_id == "sudsy")
        .expect("sudsy");
    assert_eq!(
        sudsy.problem.as_deref(),
        Some("Sudsy's offers could not be updated: the signature does not match Sudsy's key")
    );
    let inbox = app.inbox(Some(NEAR_MARKET), true).expect("inbox");
    assert!(
        inbox.items.iter().any(|i| i.item_id == "sudsy-soap-15"),
        "the last good feed stays"
    );
    assert_eq!(
        inbox.feeds.iter().filter(|f| f.problem.is_some()).count(),
        1
    );
}

#[tokio::test]
async fn a_tutorial_comes_step_by_step_with_pictures_from_the_partner_only() {
    let (_server, _dir, app) = household().await;
    app.refresh_offers().await.expect("refreshed");
    let tutorial = app
        .tutorial(key("lumaview", "tutorial", "lumaview-disc-menu"))
        .await
        .expect("tutorial");
    assert_eq!(tutorial.name, "Getting to the disc menu");
    assert_eq!(tutorial.steps.len(), 4);
    assert_eq!(tutorial.start_step, 0, "no player paired: from the start");
    for step in &tutorial.steps {
        let image = step.image.as_deref().expect("a picture");
        assert!(
            image.starts_with("data:image/png;base64,iVBORw0KGgo"),
            "{}",
            &image[..40]
        );
    }
    assert!(app
        .tutorial(key("lumaview", "tutorial", "no-such"))
        .await
        .is_err());
}
