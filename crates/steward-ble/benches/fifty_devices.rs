//! Benchmark: 50 simulated devices paired through the hub, each sending events at 20 Hz for a
//! minute, over btleplug's real Linux path. Prints events per second, loss, duplicates, and the
//! app side's CPU time per event. The simulated home runs in its own process, so the CPU figure
//! is this process's alone (hub, sessions, btleplug, libdbus); dbus-daemon is a third process.
//!
//! Every event travels in an encrypted session (docs/protocol/gatt.md). Two baselines, measured
//! in the same run after the hub has let go of the devices: the same load received by bare
//! btleplug on sessions opened by hand (connect, pair-verify, count frames, nothing opened), and
//! the same again opening every frame (ChaCha20-Poly1305 and the counter check), so the hub's
//! own cost and the crypto's are both reported, as ratios.
//!
//! Run with `scripts/bench.sh` (or set STEWARD_SIMHOME to a built `steward-simhome`).
//! Optional: BENCH_DEVICES (default 50), BENCH_RATE (20), BENCH_SECONDS (60).

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use btleplug::api::{Central as _, Manager as _, Peripheral as _, ScanFilter};
use futures::StreamExt;
use steward_ble::BtleCentral;
use steward_devices::session::SessionUpdate;
use steward_devices::{Backoff, Deadlines, Hub, HubEvent};
use steward_protocol::handshake::PhoneHandshake;
use steward_protocol::keys::{PublicKey, StaticSecret};
use steward_protocol::pairing::{PairingMessage, SetupCode};
use steward_protocol::pake::OsRng;
use steward_protocol::session_message::{wrap, Channel};
use steward_protocol::DeviceId;
use steward_protocol::{uuids, DeviceKind, Identity};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn env_or(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// User plus system CPU time of this process, from /proc (10 ms resolution).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(") ")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

#[derive(Default)]
struct Tally {
    received: u64,
    duplicates: u64,
    gaps: u64,
    rejected: u64,
    last: HashMap<DeviceId, u32>,
}

/// Has every simulated device send `rate` events a second for `seconds`; returns how many were
/// sent, once the simulated home says it is done.
async fn run_load(
    sim_in: &mut tokio::process::ChildStdin,
    sim_out: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    rate: u32,
    seconds: u32,
) -> u64 {
    sim_in
        .write_all(format!("go {rate} {seconds}\n").as_bytes())
        .await
        .expect("start the devices");
    let done = sim_out
        .next_line()
        .await
        .expect("read")
        .expect("the done line");
    done.strip_prefix("done ")
        .and_then(|n| n.parse().ok())
        .expect("done SENT")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let devices = env_or("BENCH_DEVICES", 50);
    let rate = env_or("BENCH_RATE", 20);
    let seconds = env_or("BENCH_SECONDS", 60);
    let simhome = std::env::var("STEWARD_SIMHOME")
        .expect("STEWARD_SIMHOME names the steward-simhome binary; run scripts/bench.sh");

    let mut sim = tokio::process::Command::new(simhome)
        .args(["--bench-devices", &devices.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the simulated home");
    let mut sim_in = sim.stdin.take().expect("stdin");
    let mut sim_out = BufReader::new(sim.stdout.take().expect("stdout")).lines();
    let first = sim_out
        .next_line()
        .await
        .expect("read")
        .expect("the address line");
    let address = first
        .strip_prefix("DBUS_SYSTEM_BUS_ADDRESS=")
        .expect("the address line")
        .to_owned();
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", &address);

    let phone_key = StaticSecret::generate(OsRng);
    let (hub, mut events) = Hub::with_phone_key(
        BtleCentral::first_adapter().await.expect("adapter"),
        Backoff::default(),
        Deadlines::default(),
        phone_key.clone(),
    );
    let mut device_keys: HashMap<DeviceId, PublicKey> = HashMap::new();
    let found = hub.scan(Duration::from_secs(1)).await.expect("scan");
    assert_eq!(
        found.len(),
        devices as usize,
        "every simulated device is found"
    );
    let pairing_started = Instant::now();
    for advert in &found {
        let index: u32 = advert
            .name
            .as_deref()
            .and_then(|n| n.strip_prefix("Bench "))
            .and_then(|n| n.parse().ok())
            .expect("bench name");
        let code = SetupCode::parse(&format!("{}", 10_000_000 + index)).expect("code");
        let paired = hub.pair(&advert.address, &code, None).await.expect("pairs");
        device_keys.insert(paired.identity.id, paired.device_key);
    }
    let pairing = pairing_started.elapsed();

    let tally = std::sync::Arc::new(std::sync::Mutex::new(Tally::default()));
    let counter = std::sync::Arc::clone(&tally);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let mut t = counter.lock().expect("tally");
            match event {
                HubEvent::Update {
                    id,
                    update: SessionUpdate::Event(e),
                } => {
                    t.received += 1;
                    t.gaps += u64::from(e.missed);
                    let last = t.last.entry(id).or_insert(0);
                    *last = (*last).max(e.seq);
                }
                HubEvent::Update {
                    update: SessionUpdate::Replayed { .. },
                    ..
                } => t.duplicates += 1,
                HubEvent::Update {
                    update: SessionUpdate::Rejected(_),
                    ..
                } => t.rejected += 1,
                _ => {}
            }
        }
    });

    let cpu_before = cpu_time();
    let started = Instant::now();
    let sent = run_load(&mut sim_in, &mut sim_out, rate, seconds).await;
    let sending = started.elapsed();
    // Let the last notifications arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tally.lock().expect("tally").received < sent && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    let t = {
        let guard = tally.lock().expect("tally");
        Tally {
            received: guard.received,
            duplicates: guard.duplicates,
            gaps: guard.gaps,
            rejected: guard.rejected,
            last: guard.last.clone(),
        }
    };

    println!(
        "devices paired           {devices} (pairing took {:.2} s)",
        pairing.as_secs_f64()
    );
    println!("events sent              {sent} ({rate} Hz x {devices} devices x {seconds} s, sent in {:.1} s)", sending.as_secs_f64());
    println!("events received          {}", t.received);
    println!(
        "lost                     {}",
        sent.saturating_sub(t.received)
    );
    println!("duplicates (dropped)     {}", t.duplicates);
    println!("gaps reported            {}", t.gaps);
    println!("malformed                {}", t.rejected);
    println!(
        "throughput               {:.0} events/s",
        t.received as f64 / elapsed.as_secs_f64()
    );
    println!(
        "app CPU per event        {:.1} µs ({:.2} s CPU over {:.1} s)",
        cpu.as_secs_f64() * 1e6 / t.received.max(1) as f64,
        cpu.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!(
        "app CPU load             {:.1}% of one core",
        100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64()
    );
    let hub_per_event = cpu.as_secs_f64() / t.received.max(1) as f64;
    let ids: Vec<DeviceId> = t.last.keys().copied().collect();
    for id in &ids {
        hub.release(id).await;
    }

    // Baselines: the same load into bare btleplug, on sessions opened by hand.
    let manager = btleplug::platform::Manager::new().await.expect("manager");
    let adapter = manager
        .adapters()
        .await
        .expect("adapters")
        .into_iter()
        .next()
        .expect("adapter");
    adapter
        .start_scan(ScanFilter {
            services: vec![DeviceKind::SoapDispenser.service()],
        })
        .await
        .expect("scan");
    tokio::time::sleep(Duration::from_secs(1)).await;
    adapter.stop_scan().await.expect("stop scan");
    let received = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let decrypt = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut peripherals = Vec::new();
    for peripheral in adapter.peripherals().await.expect("peripherals") {
        peripheral.connect().await.expect("connect");
        peripheral.discover_services().await.expect("discover");
        let find = |uuid| {
            peripheral
                .characteristics()
                .into_iter()
                .find(|c| c.uuid == uuid)
                .expect("a profile characteristic")
        };
        let (identity_c, pairing, session) = (
            find(uuids::IDENTITY),
            find(uuids::PAIRING),
            find(uuids::SESSION),
        );
        let identity =
            Identity::decode(&peripheral.read(&identity_c).await.expect("read")).expect("identity");
        let mut stream = peripheral.notifications().await.expect("notifications");
        peripheral.subscribe(&pairing).await.expect("subscribe");
        peripheral.subscribe(&session).await.expect("subscribe");
        let (handshake, start) =
            PhoneHandshake::start(&phone_key, &device_keys[&identity.id], &identity.id)
                .expect("start");
        peripheral
            .write(
                &pairing,
                &PairingMessage::VerifyStart { start }.encode(),
                btleplug::api::WriteType::WithResponse,
            )
            .await
            .expect("verify start");
        let reply = loop {
            let n = stream.next().await.expect("a reply");
            if n.uuid == uuids::PAIRING {
                break n.value;
            }
        };
        let PairingMessage::VerifyReply { reply } = PairingMessage::decode(&reply).expect("reply")
        else {
            panic!("the device refused pair-verify")
        };
        let (mut channel, _) = handshake.finish(&reply).expect("genuine");
        let ready = channel.seal(&wrap(Channel::Ready, &[])).expect("sealed");
        peripheral
            .write(&session, &ready, btleplug::api::WriteType::WithResponse)
            .await
            .expect("ready");
        let (_, mut opener) = channel.split();
        let count = std::sync::Arc::clone(&received);
        let decrypt = std::sync::Arc::clone(&decrypt);
        tokio::spawn(async move {
            while let Some(notification) = stream.next().await {
                if notification.uuid == uuids::SESSION {
                    if decrypt.load(std::sync::atomic::Ordering::Relaxed)
                        && opener.open(&notification.value).is_err()
                    {
                        continue;
                    }
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        });
        peripherals.push(peripheral);
    }
    // Each event is one frame, its state snapshot another: count per event.
    let frames_per_event = 2;
    let mut per_event = Vec::new();
    for opened in [false, true] {
        decrypt.store(opened, std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(500)).await;
        received.store(0, std::sync::atomic::Ordering::Relaxed);
        let cpu_before = cpu_time();
        let started = Instant::now();
        let sent = run_load(&mut sim_in, &mut sim_out, rate, seconds).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while received.load(std::sync::atomic::Ordering::Relaxed) < sent * frames_per_event
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let bare_elapsed = started.elapsed();
        let bare_cpu = cpu_time().saturating_sub(cpu_before);
        let bare_received = received.load(std::sync::atomic::Ordering::Relaxed) / frames_per_event;
        let bare_per_event = bare_cpu.as_secs_f64() / bare_received.max(1) as f64;
        println!();
        println!(
            "baseline: bare btleplug, {} sessions opened by hand, frames {}",
            peripherals.len(),
            if opened {
                "opened (decrypted and checked)"
            } else {
                "counted, not opened"
            }
        );
        println!("events sent / received   {sent} / {bare_received}");
        println!(
            "CPU per event            {:.1} µs ({:.2} s CPU over {:.1} s)",
            bare_per_event * 1e6,
            bare_cpu.as_secs_f64(),
            bare_elapsed.as_secs_f64()
        );
        per_event.push(bare_per_event);
    }
    let (counted, opened) = (per_event[0], per_event[1]);
    println!();
    println!(
        "ratio hub / bare btleplug CPU per event: {:.2}",
        hub_per_event / counted.max(f64::MIN_POSITIVE)
    );
    println!(
        "crypto: opening the frames costs {:.1} µs per event ({:.2}x the bare figure)",
        (opened - counted) * 1e6,
        opened / counted.max(f64::MIN_POSITIVE)
    );
    drop(sim_in);
}
