//! A test helper, not part of the app: ingests an endless burst of device events into the store
//! in `argv[1]`, printing `ack DEVICE SEQ` after each batch commits, until it is killed. The
//! crash-safety test kills it hard mid-burst, many times, and checks the store afterwards.
//!
//! Each batch also resends the last few events of the one before, as a device does after a
//! reconnect, so replays are exercised across crashes too.

use std::io::Write;
use std::path::PathBuf;

use steward_core::inventory::{ConsumableInput, ConsumableSpec};
use steward_core::store::consumables;
use steward_core::store::devices::{self, DeviceRow};
use steward_core::store::ingest::{self, DeviceEvent, Reading};
use steward_core::Store;

/// The devices the probe plays; their consumables start with this much stock.
pub const DEVICES: [&str; 3] = [
    "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001",
    "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c002",
    "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c003",
];
const STOCK: i64 = 100_000;
const BATCH: u32 = 40;
const RESENT: u32 = 5;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: ingest-probe DATA_DIR");
        std::process::exit(2);
    };
    if let Err(error) = run(&dir) {
        eprintln!("ingest-probe: {error}");
        std::process::exit(1);
    }
}

fn run(dir: &std::path::Path) -> steward_core::Result<()> {
    let mut store = Store::open_in(dir)?;
    for id in DEVICES {
        if devices::get(&store, id)?.is_none() {
            let row = DeviceRow {
                id: id.into(),
                name: format!("Probe {id}"),
                kind: "soap_dispenser".into(),
                paired_at: 0,
            };
            devices::save_paired(&mut store, &row, &[7; 32], &[1; 8])?;
            let spec = ConsumableSpec::parse(&ConsumableInput {
                name: format!("Probe soap {id}"),
                unit: "packet".into(),
                capacity: STOCK,
                remaining: STOCK,
                ..Default::default()
            })?;
            consumables::create(&mut store, &spec, Some(id), 0)?;
        }
    }
    let mut next: Vec<u32> = devices::keys(&store)?
        .into_iter()
        .filter(|k| DEVICES.contains(&k.id.as_str()))
        .map(|k| k.last_seq + 1)
        .collect();
    let stdout = std::io::stdout();
    loop {
        let mut batch = Vec::new();
        for (device, first) in DEVICES.iter().zip(next.iter_mut()) {
            for seq in first.saturating_sub(RESENT).max(1)..*first + BATCH {
                batch.push(DeviceEvent {
                    device_id: (*device).into(),
                    seq,
                    reading: Reading::Used { counter: seq },
                    at: 1_795_000_000 + i64::from(seq),
                    restarted: false,
                });
            }
            *first += BATCH;
        }
        ingest::ingest(&mut store, &batch)?;
        let mut out = stdout.lock();
        for (device, after) in DEVICES.iter().zip(&next) {
            // A failed write means the test stopped listening: stop quietly.
            if writeln!(out, "ack {device} {}", after - 1).is_err() {
                return Ok(());
            }
        }
        if out.flush().is_err() {
            return Ok(());
        }
    }
}
