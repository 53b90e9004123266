//! An attacker in radio range against a paired soap dispenser, through the whole path (the
//! simulated device → btleplug's real Linux path → sessions → ingestion → inventory): recorded
//! frames replayed from far back, a forged counter jump, a claimed event u32::MAX, garbage, and
//! a previous session's frames after a reconnect. None of it is counted: the inventory matches
//! what the device really dispensed, packet for packet.
//!
//! libdbus reads `DBUS_SYSTEM_BUS_ADDRESS` once per process: one bus, one test function.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Collect;
use steward_api::Steward;
use steward_devices::Deadlines;
use steward_protocol::channel::FRAME_HEADER_LEN;
use steward_protocol::{DeviceState, PROFILE_VERSION};
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

/// What the dispenser itself says it has left.
fn on_the_device(home: &SimHome, id: &steward_protocol::DeviceId) -> u32 {
    match home.device(id).expect("device").state() {
        DeviceState::SoapDispenser(s) => u32::from(s.remaining),
        other => panic!("not a dispenser: {other:?}"),
    }
}

fn with_counter(frame: &[u8], counter: u64) -> Vec<u8> {
    let mut forged = frame.to_vec();
    forged[1..FRAME_HEADER_LEN].copy_from_slice(&counter.to_le_bytes());
    forged
}

fn counter_of(frame: &[u8]) -> u64 {
    let mut counter = [0u8; 8];
    counter.copy_from_slice(&frame[1..FRAME_HEADER_LEN]);
    u64::from_le_bytes(counter)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_and_garbled_frames_never_reach_the_inventory() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let demo = brief_home::devices();
    let soap = demo[0].device.id;
    let home = SimHome::start(bus.address(), vec![demo[0].device.clone()])
        .await
        .expect("home");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Steward::open(dir.path(), Collect::default(), common::keys());
    let app = common::with_real_hub(app, Deadlines::default()).await;

    let found = app.scan_devices().await.expect("scan");
    app.pair_device(&found[0].address, "1234-5678", None)
        .await
        .expect("pairs");
    let soap_cid = app.inventory().expect("inventory").consumables[0].id;
    let remaining = |app: &Steward| {
        app.consumable_detail(soap_cid)
            .expect("detail")
            .summary
            .remaining
    };
    let start = remaining(&app);
    assert_eq!(start, on_the_device(&home, &soap));

    home.dispense(&soap);
    home.dispense(&soap);
    eventually("two packets counted", || {
        (remaining(&app) == start - 2).then_some(())
    })
    .await;

    // What an eavesdropper recorded: every session frame so far.
    let recorded = home.recorded_frames(&soap);
    assert!(
        recorded.len() >= 4,
        "battery, state and two events at least"
    );
    let last = recorded.last().expect("a frame").clone();
    let next = counter_of(&last) + 1;
    let attacks: Vec<(&str, Vec<u8>)> = vec![
        (
            "the first frame, replayed from far back",
            recorded[0].clone(),
        ),
        ("an event frame replayed", recorded[2].clone()),
        ("the last frame again", last.clone()),
        ("a forged jump of +1000", with_counter(&last, next + 1000)),
        ("u64::MAX as the counter", with_counter(&last, u64::MAX)),
        (
            "an event claiming u32::MAX, sealed under no key of this session",
            {
                let mut frame = vec![PROFILE_VERSION];
                frame.extend_from_slice(&next.to_le_bytes());
                frame.extend_from_slice(&[3, PROFILE_VERSION, 0xff, 0xff, 0xff, 0xff, 1, 0, 0]);
                frame.extend_from_slice(&[0u8; 16]);
                frame
            },
        ),
        ("garbage", vec![0x5a; 40]),
        ("a cut frame", last[..last.len() - 3].to_vec()),
        ("an empty frame", Vec::new()),
    ];
    for (_, frame) in &attacks {
        home.inject_session_frame(&soap, frame.clone());
    }
    home.dispense(&soap);
    eventually("the genuine third packet counted", || {
        (remaining(&app) == start - 3).then_some(())
    })
    .await;

    // A reconnection: the previous session's frames, all of them, are worth nothing in the new.
    home.set_in_range(&soap, false);
    let id = soap.to_hex();
    let connected = |app: &Arc<Steward>| {
        let app = Arc::clone(app);
        let id = id.clone();
        async move {
            app.device_detail(&id)
                .await
                .map(|d| d.connected)
                .unwrap_or(false)
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while connected(&app).await {
        assert!(Instant::now() < deadline, "the drop is noticed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    home.set_in_range(&soap, true);
    while !connected(&app).await {
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "reconnected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for frame in &recorded {
        home.inject_session_frame(&soap, frame.clone());
    }
    home.dispense(&soap);
    eventually("the fourth packet counted", || {
        (remaining(&app) == start - 4).then_some(())
    })
    .await;
    // Let anything still in flight land before comparing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        remaining(&app),
        on_the_device(&home, &soap),
        "the inventory is what the device really has: {} attacks counted nothing",
        attacks.len() + recorded.len()
    );
    let detail = app.consumable_detail(soap_cid).expect("detail");
    assert_eq!(
        detail.daily_use.last().map(|d| d.amount),
        Some(4),
        "four packets used today, exactly"
    );
}
