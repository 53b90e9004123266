//! Device events into the inventory: the brief's soap and toaster through ingestion, replays,
//! gaps, counters that misbehave, and events from devices that are not paired.

use steward_core::inventory::{ConsumableInput, ConsumableSpec};
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::store::{consumables, purchases, shopping, usage};
use steward_core::Store;

const SOAP: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e01";
const TOASTER: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e02";
const NOW: i64 = 1_795_000_000;

fn paired(store: &mut Store, id: &str, kind: &str) {
    let row = DeviceRow {
        id: id.into(),
        name: kind.into(),
        kind: kind.into(),
        paired_at: NOW,
    };
    devices::save_paired(store, &row, &[1; 32], &[1; 8]).expect("pair");
}

fn consumable(store: &mut Store, device: &str, name: &str, capacity: i64, remaining: i64) -> i64 {
    let spec = ConsumableSpec::parse(&ConsumableInput {
        name: name.into(),
        unit: "unit".into(),
        capacity,
        remaining,
        ..Default::default()
    })
    .expect("valid");
    consumables::create(store, &spec, Some(device), NOW).expect("create")
}

fn used(device: &str, seq: u32, counter: u32) -> DeviceEvent {
    DeviceEvent {
        device_id: device.into(),
        seq,
        reading: Reading::Used { counter },
        at: NOW + i64::from(seq),
        restarted: false,
    }
}

fn open_items(store: &Store) -> Vec<String> {
    shopping::list(store)
        .expect("list")
        .into_iter()
        .filter(|i| i.done_at.is_none())
        .map(|i| i.title)
        .collect()
}

fn remaining(store: &Store, id: i64) -> u32 {
    consumables::get(store, id)
        .expect("get")
        .expect("there")
        .remaining
}

#[test]
fn the_soap_scenario_counts_down_lists_once_and_clears_on_refill() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    ingest::set_counter(&mut store, SOAP, 30).expect("counter at pairing");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 10);

    let report = ingest::ingest(&mut store, &[used(SOAP, 1, 31)]).expect("ingest");
    assert_eq!((report.accepted, report.usage_rows), (1, 1));
    assert_eq!(remaining(&store, soap), 9);
    assert!(
        open_items(&store).is_empty(),
        "9 left is above the threshold of 8"
    );

    ingest::ingest(&mut store, &[used(SOAP, 2, 32)]).expect("ingest");
    assert_eq!(remaining(&store, soap), 8);
    assert_eq!(
        open_items(&store),
        ["Dish soap"],
        "8 left reaches the threshold"
    );

    ingest::ingest(&mut store, &[used(SOAP, 3, 33), used(SOAP, 4, 34)]).expect("ingest");
    assert_eq!(remaining(&store, soap), 6);
    assert_eq!(
        open_items(&store),
        ["Dish soap"],
        "listed once while the item is open"
    );

    let refill = DeviceEvent {
        device_id: SOAP.into(),
        seq: 5,
        reading: Reading::Refilled {
            remaining: 40,
            capacity: 40,
        },
        at: NOW + 100,
        restarted: false,
    };
    let report = ingest::ingest(&mut store, &[refill]).expect("ingest");
    assert_eq!(report.consumables_changed, [soap]);
    assert_eq!(remaining(&store, soap), 40);
    assert!(open_items(&store).is_empty(), "the refill ticked soap off");
    let bought = purchases::list(&store, soap).expect("purchases");
    assert_eq!(
        (bought[0].quantity, bought[0].source),
        (34, purchases::Source::Device)
    );
    assert_eq!(usage::total(&store, soap).expect("total"), 4);
}

#[test]
fn the_toaster_scenario_lists_bread_near_the_end_of_the_bag() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, TOASTER, "toaster");
    let bread = consumable(&mut store, TOASTER, "Bread", 10, 0);
    assert_eq!(
        open_items(&store),
        ["Bread"],
        "none in the house is low: low means listed, from the first moment"
    );
    ingest::ingest(&mut store, &[used(TOASTER, 1, 1)]).expect("ingest");
    assert_eq!(open_items(&store), ["Bread"], "listed once, not twice");
    purchases::record(&mut store, bread, 10, Some("a bag of 10"), NOW).expect("bought");
    assert!(open_items(&store).is_empty(), "the purchase ticked it off");
    let slices: Vec<DeviceEvent> = (2..=9).map(|n| used(TOASTER, n, n)).collect();
    ingest::ingest(&mut store, &slices).expect("ingest");
    assert_eq!(remaining(&store, bread), 2);
    assert_eq!(
        open_items(&store),
        ["Bread"],
        "2 slices left: bread goes on the list"
    );
}

#[test]
fn replays_never_count_twice_and_gaps_are_recorded_and_counted() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 40);
    ingest::ingest(&mut store, &[used(SOAP, 1, 1), used(SOAP, 2, 2)]).expect("ingest");
    let replay = ingest::ingest(&mut store, &[used(SOAP, 1, 1), used(SOAP, 2, 2)]).expect("replay");
    assert_eq!((replay.accepted, replay.replays), (0, 2));
    assert_eq!(
        remaining(&store, soap),
        38,
        "a replay after a reconnect counts nothing"
    );

    // Events 3 and 4 were lost; the device's counter says 3 packets went since event 2.
    let report = ingest::ingest(&mut store, &[used(SOAP, 5, 5)]).expect("ingest");
    assert_eq!(report.gaps, 1);
    assert_eq!(
        remaining(&store, soap),
        35,
        "the lost packets are counted from the counter"
    );
    let issues = ingest::issues(&store, 10).expect("issues");
    assert_eq!((issues[0].kind.as_str(), issues[0].seq), ("gap", 5));
    assert!(
        issues[0].detail.contains("events 3 to 4"),
        "{}",
        issues[0].detail
    );
}

#[test]
fn misbehaving_counters_count_once_with_a_reason() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 40);
    ingest::ingest(&mut store, &[used(SOAP, 1, 100)]).expect("ingest");
    let report = ingest::ingest(
        &mut store,
        &[
            used(SOAP, 2, 3),
            used(SOAP, 3, 4_000_000),
            used(SOAP, 4, 4_000_001),
        ],
    )
    .expect("ingest");
    assert_eq!(report.anomalies, 2);
    assert_eq!(
        remaining(&store, soap),
        36,
        "four events, each counted once"
    );
    let kinds: Vec<String> = ingest::issues(&store, 10)
        .expect("issues")
        .into_iter()
        .map(|i| i.kind)
        .collect();
    assert_eq!(kinds, ["implausible_jump", "counter_backwards"]);

    let drained: Vec<DeviceEvent> = (5..=200).map(|n| used(SOAP, n, 4_000_000 + n)).collect();
    ingest::ingest(&mut store, &drained).expect("ingest");
    assert_eq!(
        remaining(&store, soap),
        0,
        "stock stops at zero, never below"
    );
}

#[test]
fn events_from_unpaired_devices_are_refused_and_store_nothing() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 40);
    let stranger = "ffffffffffffffffffffffffffffffff";
    let report = ingest::ingest(
        &mut store,
        &[used(stranger, 1, 1), used(SOAP, 1, 1), used(stranger, 2, 2)],
    )
    .expect("ingest");
    assert_eq!(report.accepted, 1);
    assert_eq!(report.refused.len(), 2);
    assert!(report.refused[0].reason.contains("not paired"));
    assert_eq!(remaining(&store, soap), 39);
    assert!(ingest::issues(&store, 10).expect("issues").is_empty());
}

#[test]
fn a_device_without_a_consumable_still_moves_its_sequence() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, TOASTER, "toaster");
    let other = DeviceEvent {
        device_id: TOASTER.into(),
        seq: 7,
        reading: Reading::Other,
        at: NOW,
        restarted: false,
    };
    ingest::ingest(&mut store, &[other.clone(), used(TOASTER, 8, 1)]).expect("ingest");
    let key = &devices::keys(&store).expect("keys")[0];
    assert_eq!(key.last_seq, 8);
    assert_eq!(
        ingest::ingest(&mut store, &[other]).expect("again").replays,
        1
    );
}

#[test]
fn a_device_that_keeps_skipping_cannot_grow_the_issue_log_without_bound() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    // Every other sequence number: each event is a gap.
    let events: Vec<DeviceEvent> = (1..=ingest::MAX_ISSUES as u32 + 50)
        .map(|n| used(SOAP, n * 2, n))
        .collect();
    let report = ingest::ingest(&mut store, &events).expect("ingest");
    assert_eq!(report.gaps, ingest::MAX_ISSUES as usize + 49);
    let kept = ingest::issues(&store, u32::MAX).expect("issues");
    assert_eq!(
        kept.len(),
        ingest::MAX_ISSUES as usize,
        "only the most recent are kept"
    );
    assert_eq!(
        kept[0].seq,
        (ingest::MAX_ISSUES as u32 + 50) * 2,
        "newest first"
    );
}

#[test]
fn a_device_that_was_reset_starts_a_new_history() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 40);
    let before: Vec<DeviceEvent> = (1..=100).map(|n| used(SOAP, n, n)).collect();
    ingest::ingest(&mut store, &before).expect("ingest");
    assert_eq!(remaining(&store, soap), 0);
    consumables::update(
        &mut store,
        soap,
        &ConsumableSpec::parse(&ConsumableInput {
            name: "Dish soap".into(),
            unit: "unit".into(),
            capacity: 40,
            remaining: 40,
            ..Default::default()
        })
        .expect("valid"),
        NOW,
    )
    .expect("refilled by hand");

    // Without the session's word that the numbering restarted, a low number is a replay.
    assert_eq!(
        ingest::ingest(&mut store, &[used(SOAP, 1, 1)])
            .expect("ingest")
            .replays,
        1
    );
    let mut first = used(SOAP, 1, 1);
    first.restarted = true;
    let report =
        ingest::ingest(&mut store, &[first, used(SOAP, 2, 2), used(SOAP, 3, 3)]).expect("ingest");
    assert_eq!((report.accepted, report.anomalies), (3, 1));
    assert_eq!(
        remaining(&store, soap),
        37,
        "the new history counts, once per event"
    );
    assert_eq!(
        devices::keys(&store).expect("keys")[0].last_seq,
        3,
        "the position moved back"
    );
    assert_eq!(
        ingest::issues(&store, 1).expect("issues")[0].kind,
        "sequence_restarted"
    );
    assert_eq!(
        ingest::ingest(&mut store, &[used(SOAP, 3, 3)])
            .expect("again")
            .replays,
        1
    );
}

#[test]
fn low_means_listed_whenever_the_level_is_looked_at_unless_taken_off() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    // Paired a minute into the demo: 7 of 40 left, the threshold of 8 passed while unpaired.
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 7);
    assert_eq!(open_items(&store), ["Dish soap"], "listed at pairing");

    // The owner ticks it off (bought some, not yet put in): it stays off while still low.
    let item = shopping::list(&store).expect("list")[0].id;
    shopping::set_done(&mut store, item, true, NOW).expect("ticked");
    ingest::ingest(&mut store, &[used(SOAP, 1, 1), used(SOAP, 2, 2)]).expect("ingest");
    assert!(
        open_items(&store).is_empty(),
        "not back on its own this spell"
    );
    consumables::apply_list_rule_to_all(&mut store, NOW).expect("app start");
    assert!(open_items(&store).is_empty(), "nor at the next start");

    // Refilled above the threshold: the spell ends; the next one lists it again.
    purchases::record(&mut store, soap, 40, None, NOW).expect("refill");
    assert!(remaining(&store, soap) > 8);
    let uses: Vec<DeviceEvent> = (3..=40).map(|n| used(SOAP, n, n)).collect();
    ingest::ingest(&mut store, &uses).expect("ingest");
    assert_eq!(
        open_items(&store),
        ["Dish soap"],
        "the next low spell lists it"
    );

    // Removing the item is taking it off too; putting a ticked one back is asking for it.
    let item = shopping::list(&store).expect("list")[0].id;
    shopping::remove(&mut store, item).expect("removed");
    consumables::apply_list_rule_to_all(&mut store, NOW).expect("app start");
    assert!(
        open_items(&store).is_empty(),
        "removed means off for this spell"
    );
}

#[test]
fn raising_the_threshold_or_an_old_low_level_lists_it_at_once() {
    let mut store = Store::open_in_memory().expect("store");
    paired(&mut store, SOAP, "soap_dispenser");
    let soap = consumable(&mut store, SOAP, "Dish soap", 40, 12);
    assert!(open_items(&store).is_empty(), "12 of 40 is not low");
    let spec = ConsumableSpec::parse(&ConsumableInput {
        name: "Dish soap".into(),
        unit: "packet".into(),
        capacity: 40,
        remaining: 12,
        threshold: Some(15),
        ..Default::default()
    })
    .expect("valid");
    consumables::update(&mut store, soap, &spec, NOW).expect("edit");
    assert_eq!(open_items(&store), ["Dish soap"], "the edit made it low");
}
