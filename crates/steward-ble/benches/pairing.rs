//! Benchmark: how long pairing and reconnecting take, end to end over btleplug's real Linux path
//! against the simulated home (in this process, on a private bus), and how much of that is the
//! cryptography. Prints min / median / max over BENCH_RUNS runs (default 20) of:
//! - pairing: connect, open the session (identity, subscriptions), the SPAKE2 exchange with the
//!   long-term keys swapped, and the first pair-verify (Noise IK) with its first frame;
//! - reconnecting: connect, open the session, pair-verify with the kept keys, first frame;
//! - the SPAKE2 exchange alone and the Noise IK handshake alone, both sides in memory (no radio),
//!   as the crypto's share;
//! - one event's worth of session frames (its event and its state snapshot) opened by the phone,
//!   as the crypto's share of the 50-device benchmark's CPU per event.
//!
//! Run with `scripts/bench.sh pairing`.

use std::time::{Duration, Instant};

use steward_ble::BtleCentral;
use steward_devices::{Central, Session};
use steward_protocol::handshake::{device_verify, PhoneHandshake, SessionHello};
use steward_protocol::keys::StaticSecret;
use steward_protocol::pairing::SetupCode;
use steward_protocol::pake::{DevicePake, OsRng, PhonePake};
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

fn spread(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<28} min {:>8.3} ms   median {:>8.3} ms   max {:>8.3} ms   ({} runs)",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(3);
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let id = DeviceId([0x4c; 16]);
    let code = SetupCode::parse("2222-2222").expect("code");
    let home = SimHome::start(
        bus.address(),
        vec![SimDevice::new(
            DeviceKind::Light,
            "Kitchen light",
            id,
            [0xC3, 0, 0, 0, 0, 1],
            code.clone(),
        )],
    )
    .await
    .expect("home");
    let central = BtleCentral::first_adapter().await.expect("adapter");
    let address = central
        .scan(&DeviceKind::ALL, Duration::from_millis(300))
        .await
        .expect("scan")[0]
        .address
        .clone();

    let phone = StaticSecret::generate(OsRng);
    let mut pairing = Vec::new();
    let mut reconnecting = Vec::new();
    for _ in 0..runs {
        home.configure(&id, |d| {
            d.reset();
            d.open_pairing(Instant::now());
        });
        let started = Instant::now();
        let (session, _updates) =
            Session::open(central.connect(&address).await.expect("connect"), 0)
                .await
                .expect("session");
        let device_key = session.pair(&code, None, &phone).await.expect("pairs");
        session
            .verify(&phone, &device_key, None)
            .await
            .expect("verifies");
        pairing.push(started.elapsed());
        session.close().await.expect("disconnect");

        let started = Instant::now();
        let (session, _updates) =
            Session::open(central.connect(&address).await.expect("connect"), 0)
                .await
                .expect("session");
        session
            .verify(&phone, &device_key, None)
            .await
            .expect("verifies");
        reconnecting.push(started.elapsed());
        session.close().await.expect("disconnect");
    }

    let mut crypto = Vec::new();
    for _ in 0..runs.max(200) {
        let started = Instant::now();
        let (phone, start) = PhonePake::start(&code, &id, OsRng);
        let (device, reply, confirm) =
            DevicePake::respond(&code, &id, &start, OsRng).expect("responds");
        let (phone_confirm, _) = phone.finish(&reply, &confirm).expect("confirms");
        device.verify(&phone_confirm).expect("verifies");
        crypto.push(started.elapsed());
    }

    let device = StaticSecret::generate(OsRng);
    let phones = [phone.public()];
    let hello = SessionHello {
        boot_id: [1; 8],
        last_seq: 0,
    };
    let mut verify = Vec::new();
    for _ in 0..runs.max(200) {
        let started = Instant::now();
        let (handshake, start) =
            PhoneHandshake::start(&phone, &device.public(), &id).expect("start");
        let verified = device_verify(&device, &id, &phones, &start, hello).expect("verify");
        handshake.finish(&verified.reply).expect("finish");
        verify.push(started.elapsed());
    }

    // One event's frames: the event (11 bytes with its channel) and the state snapshot (9).
    let (handshake, start) = PhoneHandshake::start(&phone, &device.public(), &id).expect("start");
    let verified = device_verify(&device, &id, &phones, &start, hello).expect("verify");
    let (phone_channel, _) = handshake.finish(&verified.reply).expect("finish");
    let (_, mut opener) = phone_channel.split();
    let (mut sealer, _) = verified.channel.split();
    let event = [3u8, 2, 1, 0, 0, 0, 1, 39, 0, 1, 0, 0, 0];
    let state = [4u8, 39, 0, 40, 0, 1, 0, 0, 0];
    let mut frames = Vec::new();
    for _ in 0..10 {
        let events = 10_000u32;
        let sealed: Vec<Vec<u8>> = (0..events)
            .flat_map(|_| [&event[..], &state[..]])
            .map(|plaintext| sealer.seal(plaintext).expect("sealed"))
            .collect();
        // The phone's side only: opening (tag, counter check) what the device sealed.
        let started = Instant::now();
        for frame in &sealed {
            std::hint::black_box(opener.open(frame).expect("opened"));
        }
        frames.push(started.elapsed() / events);
    }

    println!("Pairing and reconnecting over btleplug against the simulated home (same process):");
    spread("pairing (SPAKE2 + keys + IK)", pairing);
    spread("reconnecting (pair-verify)", reconnecting);
    spread("SPAKE2 alone, both sides", crypto);
    spread("Noise IK alone, both sides", verify);
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    frames.sort();
    println!(
        "{:<28} min {:>8.2} µs   median {:>8.2} µs   max {:>8.2} µs   (10 x 10,000 events)",
        "one event's frames, opened",
        us(frames[0]),
        us(frames[frames.len() / 2]),
        us(frames[frames.len() - 1])
    );
}
