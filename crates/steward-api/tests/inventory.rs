//! The brief's soap and toaster scenarios through the whole path: the simulated device → BLE
//! (btleplug's real Linux path) → ingestion → inventory → forecast → shopping list; then export
//! and erase as the UI calls them.
//!
//! libdbus reads `DBUS_SYSTEM_BUS_ADDRESS` once per process: one bus, one test function.

mod common;

use std::time::{Duration, Instant};

use common::Collect;
use steward_api::inventory_wire::{ConsumableInputView, ShoppingItemInput};
use steward_api::{AppEvent, ErrorCode, Steward};
use steward_devices::Deadlines;
use steward_simhome::{brief_home, PrivateBus, SimHome};

async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn open_titles(app: &Steward) -> Vec<String> {
    app.shopping_list()
        .expect("list")
        .items
        .into_iter()
        .filter(|i| !i.done)
        .map(|i| i.title)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_and_bread_reach_the_shopping_list_from_the_devices() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let demo = brief_home::devices();
    let soap_id = demo[0].device.id;
    let toaster_id = demo[1].device.id;
    let home = SimHome::start(bus.address(), demo.into_iter().map(|d| d.device).collect())
        .await
        .expect("home");
    let dir = tempfile::tempdir().expect("temp dir");
    let events = Collect::default();
    let app = Steward::open(dir.path(), events.clone(), common::keys());
    let app = common::with_real_hub(
        app.with_export_dir(dir.path().join("downloads")),
        Deadlines::default(),
    )
    .await;

    let found = app.scan_devices().await.expect("scan");
    let address = |name: &str| {
        found
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.address.clone())
            .unwrap_or_else(|| panic!("{name} was found"))
    };

    // Soap: 40 bought, 30 used, 10 left, taken from the dispenser when it is paired.
    app.pair_device(&address("Dish soap"), "1234-5678", None)
        .await
        .expect("pair soap");
    let inventory = app.inventory().expect("inventory");
    let soap = &inventory.consumables[0];
    assert_eq!(
        (
            soap.name.as_str(),
            soap.remaining,
            soap.capacity,
            soap.threshold
        ),
        ("Dish soap", 10, 40, 8)
    );
    let soap_cid = soap.id;
    home.dispense(&soap_id);
    home.dispense(&soap_id);
    let detail = eventually("two packets counted", || {
        let d = app.consumable_detail(soap_cid).expect("detail");
        (d.summary.remaining == 8).then_some(d)
    })
    .await;
    assert!(detail.summary.low);
    assert_eq!(
        detail.daily_use.last().map(|d| d.amount),
        Some(2),
        "today's use is charted"
    );
    assert_eq!(
        detail.explanation,
        "2 used today: too little history to forecast yet (it takes 3 days of use)"
    );
    assert_eq!(
        detail.summary.days_left, None,
        "two pumps today are no forecast"
    );
    assert_eq!(
        open_titles(&app),
        ["Dish soap"],
        "at the threshold, soap is on the list"
    );
    let reason = &app.shopping_list().expect("list").items[0].reason;
    assert_eq!(
        reason,
        "Added because Dish soap was down to 8 packets or fewer (your threshold)"
    );
    home.dispense(&soap_id);
    eventually("a third packet", || {
        (app.consumable_detail(soap_cid)
            .expect("d")
            .summary
            .remaining
            == 7)
            .then_some(())
    })
    .await;
    assert_eq!(
        open_titles(&app),
        ["Dish soap"],
        "never twice while one is open"
    );
    assert!(
        events
            .0
            .lock()
            .expect("events")
            .iter()
            .any(|e| matches!(e, AppEvent::ShoppingChanged(_))),
        "the UI hears about the list"
    );

    // The toaster eats bread, which it cannot count: the owner is asked once how much there is
    // (a bag's worth suggested) and nothing is paired without an answer.
    let question = app
        .scan_devices()
        .await
        .expect("scan")
        .into_iter()
        .find(|d| d.name == "Toaster")
        .and_then(|d| d.supply_question)
        .expect("pairing the toaster asks about bread");
    assert_eq!(
        (question.prompt.as_str(), question.suggested),
        ("How many slices of bread do you have now?", 10)
    );
    let unasked = app
        .pair_device(&address("Toaster"), "2345-6789", None)
        .await
        .expect_err("no level is invented");
    assert!(
        unasked.message.contains("how many slices"),
        "{}",
        unasked.message
    );
    assert!(
        !app.inventory()
            .expect("inventory")
            .consumables
            .iter()
            .any(|c| c.name == "Bread"),
        "nothing was paired or recorded"
    );
    app.pair_device(&address("Toaster"), "2345-6789", Some(0))
        .await
        .expect("pair toaster");
    let bread = app
        .inventory()
        .expect("inventory")
        .consumables
        .into_iter()
        .find(|c| c.name == "Bread")
        .expect("the toaster brings bread into the inventory");
    assert_eq!(
        (bread.remaining, bread.capacity),
        (0, 10),
        "the owner said they had none"
    );
    assert_eq!(
        open_titles(&app),
        ["Dish soap", "Bread"],
        "none left means listed"
    );
    app.record_purchase(bread.id, 10, Some("a bag of 10".into()))
        .expect("bought bread");
    for _ in 0..8 {
        home.toast_slice(&toaster_id);
    }
    eventually("eight slices counted", || {
        (app.consumable_detail(bread.id)
            .expect("d")
            .summary
            .remaining
            == 2)
            .then_some(())
    })
    .await;
    assert_eq!(open_titles(&app), ["Dish soap", "Bread"]);

    // Refilling the soap ticks it off.
    app.record_purchase(soap_cid, 40, None).expect("refill");
    assert_eq!(open_titles(&app), ["Bread"]);

    // Hostile input is refused with a reason and stores nothing.
    let err = app
        .add_consumable(ConsumableInputView {
            name: "Coffee\u{202E}".into(),
            brand: None,
            gtin: None,
            unit: "pod".into(),
            capacity: 30,
            remaining: 30,
            threshold: None,
        })
        .expect_err("hostile name");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.starts_with("Name: "), "{}", err.message);
    let err = app
        .add_shopping_item(ShoppingItemInput {
            title: "Milk".into(),
            quantity: -2,
            note: None,
        })
        .expect_err("negative quantity");
    assert!(err.message.contains("between 1 and 999"), "{}", err.message);
    assert_eq!(app.inventory().expect("inventory").consumables.len(), 2);

    // The owner's time zone decides where days start; nonsense offsets are refused.
    let err = app.set_utc_offset(15 * 60).expect_err("no such time zone");
    assert!(err.message.contains("14 hours"), "{}", err.message);
    app.set_utc_offset(-5 * 60).expect("New York");

    // Export everything, then erase everything.
    let export = app.export_household().expect("export");
    let text = std::fs::read_to_string(&export.path).expect("the export file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["consumables"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        json["usageEvents"].as_array().map(Vec::len),
        Some(11),
        "3 packets + 8 slices"
    );
    let refused = app
        .erase_household("yes")
        .await
        .expect_err("needs the word");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(
        app.home().expect("home").devices.len(),
        2,
        "nothing erased yet"
    );
    let home_after = app.erase_household("ERASE").await.expect("erased");
    assert!(
        !std::path::Path::new(&export.path).exists(),
        "earlier exports are erased with the household"
    );
    assert!(home_after.devices.is_empty());
    assert!(app.inventory().expect("inventory").consumables.is_empty());
    assert!(app.shopping_list().expect("list").items.is_empty());
}
