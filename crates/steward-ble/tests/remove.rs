//! Pairing needs the device's pairing window open (a second phone needs its button pressed), and
//! removing a device from the app removes this phone from the device: the hub asks it to forget
//! the phone's key, and that key no longer authenticates; another phone's key still does. Over
//! btleplug's real Linux path. One bus and one test per file.

mod common;

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::{Backoff, Central, DeviceError, Hub, Session};
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_device_removes_this_phone_from_it() {
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

    // Another phone paired first, directly.
    let other_phone = BtleCentral::first_adapter().await.expect("adapter");
    let seen = other_phone
        .scan(&DeviceKind::ALL, Duration::from_millis(300))
        .await
        .expect("scan");
    let address = seen[0].address.clone();
    let (session, _updates) =
        Session::open(other_phone.connect(&address).await.expect("connect"), 0)
            .await
            .expect("session");
    let other_key = session
        .pair(&code, None)
        .await
        .expect("the other phone pairs");
    session.close().await.expect("disconnect");

    let (hub, _events) = Hub::new(
        BtleCentral::first_adapter().await.expect("adapter"),
        Backoff::default(),
    );
    let seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    assert_eq!(
        seen[0].pairing_open,
        Some(false),
        "the light advertises that its pairing window is closed"
    );
    assert_eq!(
        hub.pair(&address, &code, None).await.err(),
        Some(DeviceError::PairingClosed),
        "a pairing closed the light's window: it says so, and takes no guess"
    );
    // The owner presses the light's pairing button for this phone.
    home.configure(&light, |d| d.open_pairing(std::time::Instant::now()));
    let seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    assert_eq!(
        seen[0].pairing_open,
        Some(true),
        "and that it is open again once the button was pressed"
    );
    let (_, key) = hub.pair(&address, &code, None).await.expect("pairs");
    assert_eq!(home.device(&light).map(|d| d.paired_phones()), Some(2));

    assert!(
        hub.forget(&light).await,
        "the device confirms it forgot this phone"
    );
    assert_eq!(home.device(&light).map(|d| d.paired_phones()), Some(1));

    let central = BtleCentral::first_adapter().await.expect("adapter");
    let (again, _updates) = Session::open(central.connect(&address).await.expect("connect"), 0)
        .await
        .expect("session");
    assert_eq!(
        again.authenticate(&key).await,
        Err(DeviceError::NotPaired),
        "the removed phone's key no longer opens the device"
    );
    assert_eq!(
        again.authenticate(&other_key).await,
        Ok(()),
        "the other phone is untouched"
    );
}
