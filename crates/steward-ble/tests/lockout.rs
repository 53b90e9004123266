//! A paired device whose pairing a stranger locked (bogus answers) refuses the owner's phone too
//! for a while; the hub then knows why and says so, instead of calling the device out of range,
//! and reconnects once the lock-out is over (the end is tested on the device with time passed
//! in). Over btleplug's real Linux path. One bus and one test per file.

mod common;

use common::{wait_for, WAIT};

use std::time::{Duration, Instant};

use steward_ble::BtleCentral;
use steward_devices::{Backoff, DeviceError, Hub, HubEvent};
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};

const FAST: Backoff = Backoff {
    first: Duration::from_millis(100),
    max: Duration::from_millis(400),
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_device_is_said_to_be_locked_not_out_of_range() {
    let light = DeviceId([0x4c; 16]);
    let (_bus, home) = common::start_home(vec![common::device(
        DeviceKind::Light,
        "Kitchen light",
        light,
        1,
        "2222-2222",
    )])
    .await;
    let (hub, mut events) = Hub::new(BtleCentral::first_adapter().await.expect("adapter"), FAST);
    let seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    hub.pair(
        &seen[0].address,
        &SetupCode::parse("2222-2222").expect("code"),
        None,
    )
    .await
    .expect("pairs");
    assert_eq!(hub.problem(&light), None);

    home.set_in_range(&light, false);
    wait_for(&mut events, |e| {
        (*e == HubEvent::Disconnected { id: light }).then_some(())
    })
    .await;
    home.configure(&light, |d| d.bogus_answers(3, Instant::now()));
    home.set_in_range(&light, true);

    let deadline = Instant::now() + WAIT;
    let problem = loop {
        if let Some(problem) = hub.problem(&light) {
            break problem;
        }
        assert!(
            Instant::now() < deadline,
            "the reconnection learns why in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        matches!(problem, DeviceError::LockedOut { retry_after_secs } if (1..=30).contains(&retry_after_secs)),
        "the device said it is locked, and for how long: {problem:?}"
    );
    assert!(!hub.is_connected(&light));
}
