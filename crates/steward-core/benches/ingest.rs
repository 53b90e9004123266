//! Ingestion throughput, durably (WAL, `synchronous = FULL`), against a bare batched rusqlite
//! insert loop of the same rows into the same table, measured in the same run; and the size of
//! the database per million events. Prints figures; never fails on a number.
//!
//! `BENCH_EVENTS` sets how many events (default 1,000,000); `BENCH_BATCH` the batch size
//! (default 1,000, what the app commits at once when events queue up).

use std::path::Path;
use std::time::Instant;

use rusqlite::{params, Connection};
use steward_core::inventory::{ConsumableInput, ConsumableSpec};
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::store::{consumables, FILE_NAME};
use steward_core::Store;

const DEVICES: usize = 5;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn device_id(n: usize) -> String {
    format!("{:032x}", 0xbe00 + n)
}

/// The events: devices take turns, each with its own running sequence and counter.
fn events(count: usize) -> Vec<DeviceEvent> {
    (0..count)
        .map(|i| {
            let seq = u32::try_from(i / DEVICES + 1).unwrap_or(u32::MAX);
            DeviceEvent {
                device_id: device_id(i % DEVICES),
                seq,
                reading: Reading::Used { counter: seq },
                at: 1_795_000_000 + i64::try_from(i / 10).unwrap_or(0),
                restarted: false,
            }
        })
        .collect()
}

fn file_size(dir: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(dir.join(format!("{FILE_NAME}{suffix}"))).ok())
        .map(|m| m.len())
        .sum()
}

fn steward(dir: &Path, events: &[DeviceEvent], batch: usize) -> f64 {
    let mut store = Store::open_in(dir).expect("store");
    for n in 0..DEVICES {
        let id = device_id(n);
        let row = DeviceRow {
            id: id.clone(),
            name: format!("Bench {n}"),
            kind: "soap_dispenser".into(),
            paired_at: 0,
        };
        devices::save_paired(&mut store, &row, &[1; 32], &[1; 8]).expect("pair");
        let spec = ConsumableSpec::parse(&ConsumableInput {
            name: format!("Soap {n}"),
            unit: "packet".into(),
            capacity: 100_000,
            remaining: 100_000,
            ..Default::default()
        })
        .expect("valid");
        consumables::create(&mut store, &spec, Some(&id), 0).expect("consumable");
    }
    let start = Instant::now();
    let mut stored = 0;
    for chunk in events.chunks(batch) {
        stored += ingest::ingest(&mut store, chunk)
            .expect("ingest")
            .usage_rows;
    }
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(stored, events.len(), "every event was stored");
    seconds
}

/// The baseline: the same usage rows, inserted with one prepared statement per batch
/// transaction into the same table and index, with the same pragmas, and nothing else.
fn bare(dir: &Path, events: &[DeviceEvent], batch: usize) -> f64 {
    let mut conn = Connection::open(dir.join(FILE_NAME)).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("full");
    conn.execute_batch(
        "CREATE TABLE usage_events (
            id            INTEGER PRIMARY KEY,
            consumable_id INTEGER NOT NULL,
            seq           INTEGER,
            amount        INTEGER NOT NULL CHECK (amount > 0),
            at            INTEGER NOT NULL
         ) STRICT;
         CREATE INDEX usage_by_consumable ON usage_events(consumable_id, at);",
    )
    .expect("schema");
    let consumable =
        |device: &str| i64::from_str_radix(&device[28..], 16).unwrap_or(0) - 0xbe00 + 1;
    let start = Instant::now();
    for chunk in events.chunks(batch) {
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO usage_events (consumable_id, seq, amount, at) VALUES (?1, ?2, 1, ?3)",
                )
                .expect("prepare");
            for e in chunk {
                insert
                    .execute(params![consumable(&e.device_id), e.seq, e.at])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    start.elapsed().as_secs_f64()
}

fn main() {
    let count = env_or("BENCH_EVENTS", 1_000_000);
    let batch = env_or("BENCH_BATCH", 1_000).max(1);
    let events = events(count);
    let steward_dir = tempfile::tempdir().expect("temp dir");
    let bare_dir = tempfile::tempdir().expect("temp dir");
    // Baseline first, then Steward, then the baseline again: report the faster baseline, so
    // a noisy neighbour cannot flatter the ratio.
    let bare_a = bare(bare_dir.path(), &events, batch);
    let steward_s = steward(steward_dir.path(), &events, batch);
    let bare_dir_b = tempfile::tempdir().expect("temp dir");
    let bare_b = bare(bare_dir_b.path(), &events, batch);
    let bare_s = bare_a.min(bare_b);

    // Fold the WAL into the main file before measuring size.
    let conn = Connection::open(steward_dir.path().join(FILE_NAME)).expect("reopen");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    drop(conn);
    let size = file_size(steward_dir.path()) as f64;
    let per_million = size / count as f64 * 1e6 / (1024.0 * 1024.0);

    let rate = |s: f64| count as f64 / s;
    println!("events                    {count} from {DEVICES} devices, batches of {batch}, WAL + synchronous=FULL");
    println!(
        "steward ingest            {:>10.0} events/s ({steward_s:.2} s)",
        rate(steward_s)
    );
    println!("bare rusqlite inserts     {:>10.0} events/s ({bare_s:.2} s; runs {bare_a:.2} s and {bare_b:.2} s)", rate(bare_s));
    println!(
        "ratio steward / bare      {:.2} (goal: at least 0.50)",
        bare_s / steward_s
    );
    println!(
        "database size             {:.1} MiB per million events",
        per_million
    );
}
