//! The phone's Bluetooth switched off and on, over btleplug's real Linux path: the simulated
//! home's adapter is powered off (BlueZ's `Adapter1.Powered`, signalled as BlueZ signals it).
//! The hub sees it, answers "Bluetooth is off" instead of scanning or timing out, and
//! reconnects a paired device as soon as the radio is back, long before its backoff would have.
//! Events raised while the radio was off arrive after, none lost. One bus and one test per file.

mod common;

use common::{wait_for, WAIT};

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::session::SessionUpdate;
use steward_devices::{Backoff, Central, DeviceError, Hub, HubEvent, LinkError, RadioState};
use steward_protocol::command::Command;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};

/// A schedule so slow that a reconnection within `WAIT` can only come from the radio waking it.
const SLOW: Backoff = Backoff {
    first: Duration::from_secs(30),
    max: Duration::from_secs(60),
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluetooth_off_is_said_at_once_and_on_again_reconnects_without_loss() {
    let soap = DeviceId([0x50; 16]);
    let (_bus, home) = common::start_home(vec![common::device(
        DeviceKind::SoapDispenser,
        "Dish soap",
        soap,
        1,
        "1111-1111",
    )])
    .await;

    let (hub, mut events) = Hub::new(BtleCentral::first_adapter().await.expect("adapter"), SLOW);
    let mut radio = hub.radio();
    assert_eq!(
        *radio.borrow(),
        RadioState::On,
        "the adapter starts powered"
    );
    let seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    hub.pair(
        &seen[0].address,
        &SetupCode::parse("1111-1111").expect("code"),
        None,
    )
    .await
    .expect("pairs");
    home.dispense(&soap);
    wait_for(&mut events, |e| {
        matches!(e, HubEvent::Update { update: SessionUpdate::Event(ev), .. } if ev.seq == 1)
            .then_some(())
    })
    .await;

    home.set_powered(false).await.expect("power off");
    tokio::time::timeout(WAIT, radio.wait_for(|s| *s == RadioState::Off))
        .await
        .expect("the radio change is reported in time")
        .expect("central alive");
    wait_for(&mut events, |e| {
        (*e == HubEvent::Disconnected { id: soap }).then_some(())
    })
    .await;
    assert_eq!(
        hub.scan(Duration::from_secs(2)).await,
        Err(DeviceError::RadioOff),
        "a scan with Bluetooth off is refused, not attempted (an attempt fails with BlueZ's NotReady)"
    );
    assert_eq!(
        hub.command(&soap, Command::Identify).await,
        Err(DeviceError::RadioOff),
        "a command says Bluetooth is off, not that the device is out of range"
    );

    // The hub's reconnection races the radio's news; whatever scans, the owner's switch holds:
    // a scan is refused, and the adapter is not powered back on behind their back (btleplug's
    // scan sets `Powered` first).
    let other = BtleCentral::first_adapter().await.expect("adapter");
    assert!(
        matches!(
            other
                .scan(&[DeviceKind::SoapDispenser], Duration::from_millis(100))
                .await,
            Err(LinkError::NoBluetooth(_))
        ),
        "a scan with Bluetooth off is refused by the central itself"
    );
    assert!(!home.powered(), "nothing switched Bluetooth back on");

    // The home goes on without the phone: two packets while it cannot listen.
    home.dispense(&soap);
    home.dispense(&soap);

    home.set_powered(true).await.expect("power on");
    wait_for(&mut events, |e| {
        matches!(e, HubEvent::Connected { id, .. } if *id == soap).then_some(())
    })
    .await;
    let mut delivered = Vec::new();
    while delivered.len() < 2 {
        let seq = wait_for(&mut events, |e| match e {
            HubEvent::Update {
                update: SessionUpdate::Event(ev),
                ..
            } => Some(ev.seq),
            _ => None,
        })
        .await;
        delivered.push(seq);
    }
    assert_eq!(
        delivered,
        [2, 3],
        "the packets pumped while Bluetooth was off arrive once each, in order"
    );
    assert_eq!(hub.command(&soap, Command::Identify).await, Ok(()));
}
