//! Export of everything stored about the household as one document, and erasure of all of it,
//! leaving nothing readable in the database file.

use steward_core::inventory::{ConsumableInput, ConsumableSpec};
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::store::{consumables, household, purchases, settings, shopping, FILE_NAME};
use steward_core::Store;

const MARKER: &str = "Zanzibar lemon soap";

fn filled(dir: &std::path::Path) -> Store {
    let mut store = Store::open_in(dir).expect("store");
    settings::set(
        &mut store,
        settings::HOUSEHOLD_NAME,
        "Maple <b>Street</b>",
        1,
    )
    .expect("name");
    let device = DeviceRow {
        id: "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e01".into(),
        name: "Dish soap".into(),
        kind: "soap_dispenser".into(),
        paired_at: 1,
    };
    devices::save_paired(&mut store, &device, &[0xAB; 32], &[1; 8]).expect("pair");
    let spec = ConsumableSpec::parse(&ConsumableInput {
        name: MARKER.into(),
        gtin: Some("4006381333931".into()),
        unit: "packet".into(),
        capacity: 40,
        remaining: 10,
        ..Default::default()
    })
    .expect("valid");
    let soap = consumables::create(&mut store, &spec, Some(&device.id), 1).expect("create");
    let events: Vec<DeviceEvent> = (1..=3)
        .map(|seq| DeviceEvent {
            device_id: device.id.clone(),
            seq,
            reading: Reading::Used { counter: 30 + seq },
            at: 100 + i64::from(seq),
            restarted: false,
        })
        .collect();
    ingest::ingest(&mut store, &events).expect("ingest");
    purchases::record(&mut store, soap, 40, Some("pack of 40"), 200).expect("buy");
    shopping::add(
        &mut store,
        &shopping::ItemSpec::parse("Milk", 2, None).expect("ok"),
        300,
    )
    .expect("add");
    store
}

#[test]
fn the_export_holds_everything_but_the_pairing_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = filled(dir.path());
    let export = household::export(&store, 999).expect("export");
    let json = serde_json::to_value(&export).expect("serialises");
    assert_eq!(json["format"], "steward-household-export");
    assert_eq!(json["formatVersion"], 4);
    assert_eq!(
        json["settings"][0]["value"], "Maple <b>Street</b>",
        "text exported as text"
    );
    assert_eq!(json["devices"][0]["lastSeq"], 3);
    assert_eq!(json["consumables"][0]["name"], MARKER);
    assert_eq!(json["consumables"][0]["remaining"], 47);
    assert_eq!(json["usageEvents"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["purchases"][0]["note"], "pack of 40");
    assert_eq!(
        json["shoppingItems"].as_array().map(Vec::len),
        Some(2),
        "soap was listed at 8, then milk"
    );
    let text = serde_json::to_string(&export).expect("text");
    assert!(
        !text.to_lowercase().contains("pairingkey") && !text.contains("171,171"),
        "no pairing key leaves"
    );
}

#[test]
fn erase_leaves_nothing_behind_not_even_in_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = filled(dir.path());
    household::erase(&mut store).expect("erase");
    let export = household::export(&store, 999).expect("export");
    assert!(
        export.settings.is_empty() && export.devices.is_empty() && export.consumables.is_empty()
    );
    assert!(
        export.usage_events.is_empty()
            && export.purchases.is_empty()
            && export.shopping_items.is_empty()
    );
    drop(store);
    for suffix in ["", "-wal"] {
        let path = dir.path().join(format!("{FILE_NAME}{suffix}"));
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()),
                "{} still holds erased text",
                path.display()
            );
        }
    }
    let store = Store::open_in(dir.path()).expect("the erased store opens");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[test]
fn an_erase_cut_short_is_finished_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = filled(dir.path());
    // The app is killed right after the rows went, before the file was scrubbed.
    household::begin_erase(&mut store).expect("first half");
    std::mem::forget(store);
    let store = Store::open_in(dir.path()).expect("the next start");
    let export = household::export(&store, 999).expect("export");
    assert!(
        export.settings.is_empty() && export.devices.is_empty() && export.consumables.is_empty(),
        "nothing of the household, and no mark left behind"
    );
    drop(store);
    for suffix in ["", "-wal"] {
        let path = dir.path().join(format!("{FILE_NAME}{suffix}"));
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()),
                "{} still holds erased text",
                path.display()
            );
        }
    }
}
