//! A stranger's wrong codes lock a device's pairing for a while, never its paired phones: the
//! owner's phone reconnects through pair-verify (which proves a long-term key, not the code),
//! while a new pairing is refused with how long to wait. A device that no longer knows the phone
//! (it was reset) is said to be so, not "out of range". Over btleplug's real Linux path. One bus
//! and one test per file.

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
async fn a_locked_device_still_takes_its_owner_and_says_why_it_refuses_others() {
    let light = DeviceId([0x4c; 16]);
    let code = SetupCode::parse("2222-2222").expect("code");
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
    let address = seen[0].address.clone();
    hub.pair(&address, &code, None).await.expect("pairs");
    assert_eq!(hub.problem(&light), None);

    home.set_in_range(&light, false);
    wait_for(&mut events, |e| {
        (*e == HubEvent::Disconnected { id: light }).then_some(())
    })
    .await;
    home.configure(&light, |d| {
        d.open_pairing(Instant::now());
        d.bogus_answers(3, Instant::now());
    });
    home.set_in_range(&light, true);
    wait_for(&mut events, |e| match e {
        HubEvent::Connected { id, .. } if *id == light => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(
        hub.problem(&light),
        None,
        "the owner's phone is back despite the stranger"
    );

    // Another phone trying to pair now is told to wait, and for how long.
    let (other, _events) = Hub::new(BtleCentral::first_adapter().await.expect("adapter"), FAST);
    hub.release(&light).await;
    let refused = other.pair(&address, &code, None).await;
    assert!(
        matches!(refused, Err(DeviceError::LockedOut { retry_after_secs }) if (1..=30).contains(&retry_after_secs)),
        "the device says it is locked, and for how long: {refused:?}"
    );

    // A reset device no longer knows the phone: the hub says that, not "out of range".
    home.configure(&light, steward_simhome::SimDevice::reset);
    hub.restore(vec![steward_devices::KnownDevice {
        id: light,
        kind: DeviceKind::Light,
        device_key: home.device(&light).expect("device").public_key(),
        boot_id: None,
        last_seq: 0,
    }]);
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
    assert_eq!(problem, DeviceError::NotPaired);
    assert!(!hub.is_connected(&light));
}
