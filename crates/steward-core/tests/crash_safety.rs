//! Crash safety of ingestion: a separate process ingests a burst of device events and is killed
//! hard (SIGKILL) in the middle of it, many times over. After every kill, everything it had
//! acknowledged must still be in the store, nothing may be counted twice, the stock must agree
//! with the usage recorded, and SQLite's integrity check must pass.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use steward_core::store::{consumables, devices, usage};
use steward_core::Store;

const KILLS: u32 = 25;
const STOCK: u64 = 100_000;

/// Runs the probe for about `run_for`, then kills it; returns the acknowledgements it printed.
fn run_and_kill(dir: &Path, run_for: Duration) -> Vec<(String, u32)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ingest-probe"))
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the probe starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let mut parts = line.split_whitespace();
            if let (Some("ack"), Some(device), Some(seq)) =
                (parts.next(), parts.next(), parts.next())
            {
                let seq: u32 = seq.parse().expect("a sequence number");
                if tx.send((device.to_owned(), seq)).is_err() {
                    break;
                }
            }
        }
    });
    // Wait for the first acknowledgement so every kill lands in a running burst, not at start-up.
    let mut acks = vec![rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the probe acknowledges a batch")];
    let deadline = Instant::now() + run_for;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(ack) => acks.push(ack),
            Err(_) => break,
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    reader.join().expect("reader ends");
    acks.extend(rx.try_iter());
    acks
}

fn check_store(dir: &Path, acked: &HashMap<String, u32>) -> u64 {
    let store = Store::open_in(dir).expect("the store reopens after a kill");
    assert_eq!(
        store.integrity_check().expect("integrity check runs"),
        "ok",
        "SQLite's integrity check passes"
    );
    let keys = devices::keys(&store).expect("keys");
    let mut total = 0;
    for key in keys {
        let acked = acked.get(&key.id).copied().unwrap_or(0);
        assert!(
            key.last_seq >= acked,
            "{}: acknowledged up to {acked}, stored only up to {}",
            key.id,
            key.last_seq
        );
        let soap = consumables::for_device(&store, &key.id)
            .expect("read")
            .expect("its consumable");
        let (rows, distinct, max_seq) = usage::sequence_summary(&store, soap.id).expect("summary");
        assert_eq!(rows, distinct, "{}: a sequence was counted twice", key.id);
        assert_eq!(
            u64::from(key.last_seq),
            rows,
            "{}: every event up to the stored position is there, once",
            key.id
        );
        assert_eq!(max_seq, u64::from(key.last_seq));
        assert_eq!(
            u64::from(soap.remaining),
            STOCK.saturating_sub(rows),
            "{}: the stock agrees with the usage recorded (never below zero)",
            key.id
        );
        total += rows;
    }
    total
}

#[test]
fn killing_the_ingester_mid_burst_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut acked: HashMap<String, u32> = HashMap::new();
    let mut stored = 0;
    for kill in 0..KILLS {
        // Vary where in a batch the kill lands.
        let run_for = Duration::from_millis(40 + u64::from(kill * 37 % 160));
        let acks = run_and_kill(dir.path(), run_for);
        for (device, seq) in acks {
            let entry = acked.entry(device).or_default();
            *entry = (*entry).max(seq);
        }
        let now_stored = check_store(dir.path(), &acked);
        assert!(now_stored > stored, "kill {kill}: the probe made progress");
        stored = now_stored;
    }
    eprintln!(
        "{KILLS} hard kills; {stored} events stored; acknowledged up to {:?}",
        acked.values().collect::<Vec<_>>()
    );
}
