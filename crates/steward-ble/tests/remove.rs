//! Pairing needs the device's pairing window open (a second phone needs its button pressed), and
//! removing a device from the app removes this phone from the device: the hub asks it, inside the
//! session, to forget the phone's long-term key, and that key no longer passes pair-verify;
//! another phone's key still does. Over btleplug's real Linux path. One bus and one test per file.

mod common;

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::{Backoff, Central, Deadlines, DeviceError, Hub, Session};
use steward_protocol::keys::StaticSecret;
use steward_protocol::pairing::SetupCode;
use steward_protocol::pake::OsRng;
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
    let other_phone_key = StaticSecret::generate(OsRng);
    let device_key = session
        .pair(&code, None, &other_phone_key)
        .await
        .expect("the other phone pairs");
    session.close().await.expect("disconnect");

    let phone_key = StaticSecret::generate(OsRng);
    let (hub, _events) = Hub::with_phone_key(
        BtleCentral::first_adapter().await.expect("adapter"),
        Backoff::default(),
        Deadlines::default(),
        phone_key.clone(),
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
    let paired = hub.pair(&address, &code, None).await.expect("pairs");
    assert_eq!(
        paired.device_key, device_key,
        "one device, one long-term key, whichever phone asks"
    );
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
        again
            .verify(&phone_key, &device_key, None)
            .await
            .map(|_| ()),
        Err(DeviceError::NotPaired),
        "the removed phone's key no longer opens the device"
    );
    assert!(
        again
            .verify(&other_phone_key, &device_key, None)
            .await
            .is_ok(),
        "the other phone is untouched"
    );
}
