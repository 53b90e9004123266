//! How the screens' reads grow with history: a household with 2 device-fed consumables (the
//! demo's soap dispenser and toaster) and 10 k, 100 k, 1 M and 3 M usage events spread over the
//! last year, written through the real ingestion path into the real encrypted store; at each
//! size, the latency of the three reads a person waits on (the inventory screen, a consumable's
//! detail, the home summary) through `Steward`, as the UI calls them, beside ingestion
//! throughput. Prints one line per size:
//!
//!     growth events=1000000 inventory_ms=… detail_ms=… home_ms=… ingest_per_s=… open_and_first_home_ms=… inventory_ms_while_ingesting=…
//!
//! (median of 15 calls each; min and max follow in brackets). The last figure is the inventory
//! read again while another connection ingests batches of 1,000 events without pause: the
//! screens read through their own connection, so it should stay near the first. `BENCH_SIZES` overrides the sizes
//! (comma-separated). Run with `scripts/bench.sh growth`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use steward_api::Steward;
use steward_core::inventory::{ConsumableInput, ConsumableSpec};
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::store::{consumables, DatabaseKey};
use steward_core::Store;
use steward_keystore::{get_or_create, Keystore, MemoryKeystore};

const DEVICES: usize = 2;
const YEAR: i64 = 365 * 86_400;
const CALLS: usize = 15;

fn device_id(n: usize) -> String {
    format!("{:032x}", 0xd0 + n)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

/// Opens the household's store the way the app does (same keystore, same key).
fn store(dir: &std::path::Path, keys: &dyn Keystore) -> Store {
    let (secret, _) = get_or_create(keys, "database-key").expect("key");
    Store::open_encrypted(dir, &DatabaseKey::from_bytes(*secret.expose())).expect("store")
}

fn setup(store: &mut Store) {
    for n in 0..DEVICES {
        let id = device_id(n);
        let row = DeviceRow {
            id: id.clone(),
            name: format!("Device {n}"),
            kind: "soap_dispenser".into(),
            paired_at: 0,
        };
        devices::save_paired(store, &row, &[1; 32], &[1; 8]).expect("pair");
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: format!("Supply {n}"),
            unit: "packet".into(),
            capacity: 100_000,
            remaining: 100_000,
            ..Default::default()
        })
        .expect("valid");
        consumables::create(store, &spec, Some(&id), 0).expect("consumable");
    }
}

/// Adds events `from..to` (of `total` spread evenly over the year before `end`).
fn grow(store: &mut Store, from: usize, to: usize, total: usize, end: i64) -> Duration {
    let started = Instant::now();
    let batch: Vec<DeviceEvent> = Vec::new();
    let mut batch = batch;
    for i in from..to {
        let seq = u32::try_from(i / DEVICES + 1).unwrap_or(u32::MAX);
        let offset = YEAR * i64::try_from(total.saturating_sub(i)).unwrap_or(0)
            / i64::try_from(total).unwrap_or(1);
        batch.push(DeviceEvent {
            device_id: device_id(i % DEVICES),
            seq,
            reading: Reading::Used { counter: seq },
            at: end - offset,
            restarted: false,
        });
        if batch.len() == 1_000 {
            ingest::ingest(store, &batch).expect("ingest");
            batch.clear();
        }
    }
    if !batch.is_empty() {
        ingest::ingest(store, &batch).expect("ingest");
    }
    started.elapsed()
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000, 3_000_000]);
    for &size in &sizes {
        // Each size is its own household: the events are spread over the same year.
        let dir = tempfile::tempdir().expect("dir");
        let keys: Arc<dyn Keystore> = Arc::new(MemoryKeystore::default());
        let end = now();
        let ingest_time = {
            let mut store = store(dir.path(), keys.as_ref());
            setup(&mut store);
            grow(&mut store, 0, size, size, end)
        };
        // Opening the household (key, SQLCipher, migrations) and the first call, as at app start.
        let started = Instant::now();
        let app = Steward::open(dir.path(), steward_api::events::Discard, Arc::clone(&keys));
        app.home().expect("home");
        let first_ms = started.elapsed().as_secs_f64() * 1000.0;
        let id = app.inventory().expect("inventory").consumables[0].id;
        let inventory = common::time(CALLS, || {
            app.inventory().expect("inventory");
        });
        let detail = common::time(CALLS, || {
            app.consumable_detail(id).expect("detail");
        });
        let home = common::time(CALLS, || {
            app.home().expect("home");
        });
        let stop = std::sync::atomic::AtomicBool::new(false);
        let busy = std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let mut store = store(dir.path(), keys.as_ref());
                let mut next = size;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    grow(&mut store, next, next + 1_000, size * 2, end);
                    next += 1_000;
                }
            });
            std::thread::sleep(Duration::from_millis(200));
            let busy = common::time(CALLS, || {
                app.inventory().expect("inventory while ingesting");
            });
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            writer.join().expect("writer");
            busy
        });
        println!(
            "growth events={size} inventory_ms={:.2} detail_ms={:.2} home_ms={:.2} ingest_per_s={:.0} \
             open_and_first_home_ms={first_ms:.1} inventory_ms_while_ingesting={:.2}   \
             [inventory {:.2}-{:.2}, detail {:.2}-{:.2}, home {:.2}-{:.2}, while ingesting {:.2}-{:.2}]",
            inventory.0,
            detail.0,
            home.0,
            size as f64 / ingest_time.as_secs_f64(),
            busy.0,
            inventory.1,
            inventory.2,
            detail.1,
            detail.2,
            home.1,
            home.2,
            busy.1,
            busy.2,
        );
    }
}
