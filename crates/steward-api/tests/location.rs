//! Location and store offers through the API, against the reference partner server: with
//! location off nothing is used; walking into a store's geofence brings its offer once the
//! visit has lasted the dwell time; no position reaches a partner without a grant; with a
//! precise-location grant the position goes through the gate (in the ledger), with only a
//! coarse one just the store; bad reports are refused and a vanished location service leaves
//! every fence.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use steward_api::inventory_wire::ConsumableInputView;
use steward_api::location_wire::PositionReportInput;
use steward_api::notifications_wire::NotificationSettingsInput;
use steward_api::Steward;
use steward_partner_server::{brief_partners, PartnerServer};

/// The demo home's street, inside Cornerway's and the market's 800 m fences.
const AT_THE_MARKET: (f64, f64) = (52.5219, 13.4132);
/// Two kilometres north: outside every fence.
const AWAY: (f64, f64) = (52.5400, 13.4132);

fn report(at: (f64, f64)) -> PositionReportInput {
    PositionReportInput {
        latitude: at.0,
        longitude: at.1,
        accuracy_meters: 12.0,
    }
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    tokio::time::timeout(Duration::from_secs(15), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_visit_brings_its_offer_and_the_position_leaves_only_under_a_grant() {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let screen = common::Screen::granted();
    let app = Arc::new(
        Steward::open(dir.path(), common::Collect::default(), common::keys())
            .with_geofence_dwell(1)
            .with_notifier(Arc::new(screen.clone())),
    );
    app.add_partners(&[server.base_url("cornerway"), server.base_url("goldcrust")])
        .await;
    app.refresh_offers().await.expect("feeds");
    app.add_consumable(ConsumableInputView {
        name: "Bread".into(),
        brand: Some("crumb".into()),
        gtin: None,
        unit: "slices".into(),
        capacity: 20,
        remaining: 2,
        threshold: Some(1),
    })
    .expect("bread");
    app.set_notification_settings(NotificationSettingsInput {
        daily_offer_budget: 3,
        per_brand_cap: 1,
        quiet_from: None,
        quiet_until: None,
        reminders: true,
        tutorials: true,
        offers: true,
    })
    .expect("no quiet hours");
    let looping = Arc::clone(&app);
    tokio::spawn(async move { looping.run_notifications().await });

    // Location off (the default): reports are not used.
    assert_eq!(app.location().expect("location").state, "off");
    app.position_report(report(AT_THE_MARKET))
        .await
        .expect("ignored");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(screen.titles().is_empty(), "{:?}", screen.titles());

    // On: a walk from two kilometres away to the market.
    assert_eq!(app.set_location_use(true).expect("on").state, "waiting");
    // The notification loop settles into its long sleep first: arriving must wake it.
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.position_report(report(AWAY)).await.expect("away");
    app.position_report(report(AT_THE_MARKET))
        .await
        .expect("arrived");
    assert!(
        app.location().expect("location").at_stores.is_empty(),
        "not yet: the visit has not lasted the dwell time"
    );
    wait_for("the store offers after the dwell time", || {
        screen.titles().len() == 2
    })
    .await;
    assert_eq!(
        screen.titles(),
        [
            "Goldcrust sourdough, 30% off today",
            "Cornerway own-brand dish soap"
        ]
    );
    assert_eq!(
        app.location().expect("location").at_stores,
        ["Cornerway Alexanderplatz", "Main Street Market"]
    );
    assert!(
        server.recorded().is_empty(),
        "no grant: nothing about the visit left the phone"
    );

    // The owner lets Cornerway have the position and Goldcrust the store, then visits again.
    app.set_grant("cornerway", "precise-location", "personalised-offers", true)
        .expect("grant");
    app.set_grant("goldcrust", "coarse-location", "personalised-offers", true)
        .expect("grant");
    app.position_report(report(AWAY)).await.expect("left");
    assert!(app.location().expect("location").at_stores.is_empty());
    app.position_report(report(AT_THE_MARKET))
        .await
        .expect("back");
    wait_for("the visit is shared under the grants", || {
        server.recorded().len() == 2
    })
    .await;
    let mut bodies: Vec<(String, serde_json::Value)> = server
        .recorded()
        .into_iter()
        .map(|r| (r.path, serde_json::from_slice(&r.body).expect("json")))
        .collect();
    bodies.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(bodies[0].0, "/cornerway/v1/share");
    assert_eq!(
        bodies[0].1["data"]["position"],
        serde_json::json!({"latitude": 52.5219, "longitude": 13.4132, "accuracyMeters": 12.0})
    );
    assert!(
        bodies[0].1["data"].get("store").is_none(),
        "no coarse grant"
    );
    assert_eq!(bodies[1].0, "/goldcrust/v1/share");
    assert_eq!(
        bodies[1].1["data"],
        serde_json::json!({"store": {"name": "Main Street Market"}}),
        "only the store: Goldcrust has no precise-location grant"
    );
    let ledger = app
        .ledger(steward_api::privacy_wire::LedgerFilterInput {
            partner_id: Some("cornerway".into()),
            category: None,
            from: None,
            until: None,
        })
        .expect("ledger");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].categories, ["precise-location"]);
    assert_eq!(
        screen.titles().len(),
        2,
        "the same offers are not said twice today"
    );

    // Bad reports are refused and change nothing.
    for (lat, lon, accuracy) in [(0.0, 0.0, 0.0), (f64::NAN, 1.0, 5.0), (95.0, 1.0, 5.0)] {
        let refused = app
            .position_report(PositionReportInput {
                latitude: lat,
                longitude: lon,
                accuracy_meters: accuracy,
            })
            .await
            .expect_err("refused");
        assert!(
            refused.message.starts_with("Position: "),
            "{}",
            refused.message
        );
    }
    assert_eq!(app.location().expect("location").at_stores.len(), 2);

    // The location service vanishes: no position, no store.
    app.location_lost("the location service stopped");
    let lost = app.location().expect("location");
    assert_eq!(lost.state, "unavailable");
    assert!(lost.at_stores.is_empty());
    assert!(lost.message.contains("the location service stopped"));

    // Off: forgotten.
    assert_eq!(app.set_location_use(false).expect("off").state, "off");
}

/// The states location use announces, in order.
fn announced(events: &common::Collect) -> Vec<String> {
    events
        .0
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            steward_api::AppEvent::LocationChanged(view) => {
                Some(format!("{} {:?}", view.state, view.at_stores))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_location_off_search_measures_from_a_chosen_place_and_changes_are_announced() {
    use steward_api::offers_wire::{PositionInput, SearchInput};
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let events = common::Collect::default();
    let app = Arc::new(
        Steward::open(dir.path(), events.clone(), common::keys())
            .with_geofence_dwell(1)
            // Demo mode's street is not the owner's position: search does not use it.
            .with_demo_position(AT_THE_MARKET.0, AT_THE_MARKET.1),
    );
    app.add_partners(&[server.base_url("cornerway"), server.base_url("goldcrust")])
        .await;
    app.refresh_offers().await.expect("feeds");
    let looping = Arc::clone(&app);
    tokio::spawn(async move { looping.run_notifications().await });

    // Location off: no distances, and the stores in the feeds are offered as places.
    let search = |position: Option<PositionInput>| {
        app.search_offers(SearchInput {
            query: "dish soap".into(),
            sort: None,
            position,
        })
        .expect("search")
    };
    let hits = search(None);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h.distance_meters.is_none()),
        "no position, no distance: {hits:?}"
    );
    let places = app.places().expect("places");
    let names: Vec<&str> = places.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"Cornerway Alexanderplatz"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "by name, each once");
    let chosen = places
        .iter()
        .find(|p| p.name == "Cornerway Alexanderplatz")
        .expect("the store");
    let from_there = search(Some(PositionInput {
        latitude: chosen.latitude,
        longitude: chosen.longitude,
    }));
    assert_eq!(
        from_there
            .iter()
            .find(|h| h.store.as_deref() == Some("Cornerway Alexanderplatz"))
            .and_then(|h| h.distance_meters),
        Some(0),
        "measured from the chosen place: {from_there:?}"
    );

    // On: waiting, then a position (search measures from it), a store reached, the service lost.
    app.set_location_use(true).expect("on");
    app.position_report(report(AWAY)).await.expect("away");
    assert!(search(None).iter().all(|h| h.distance_meters.is_some()));
    app.position_report(report(AT_THE_MARKET))
        .await
        .expect("arrived");
    wait_for("the stores reached after the dwell time", || {
        announced(&events).len() >= 3
    })
    .await;
    app.location_lost("the location service stopped");
    app.location_lost("the location service stopped");
    app.set_location_use(false).expect("off");
    assert_eq!(
        announced(&events),
        [
            "waiting []",
            "on []",
            "on [\"Cornerway Alexanderplatz\", \"Main Street Market\"]",
            "unavailable []",
            "off []",
        ],
        "each change once, a repeated loss not again"
    );
}
