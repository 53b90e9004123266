//! One device cannot stall the others, over btleplug's real Linux path. A thermostat that takes
//! 40 s to connect, and a look-alike soap dispenser (same kind, another identity, lower address,
//! so tried first) that takes 40 s to answer anything, are around while the paired soap dispenser
//! and light come back into range: both reconnect within their deadlines, and a scan the owner
//! starts meanwhile is not held behind the slow connection. One bus and one test per file.

mod common;

use common::{wait_for, WAIT};

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::{Backoff, Deadlines, Hub, HubEvent};
use steward_protocol::command::Command;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::home::Faults;

const FAST: Backoff = Backoff {
    first: Duration::from_millis(100),
    max: Duration::from_millis(400),
};

/// Short deadlines, so that the test shows they bound the wait; 40 s is far beyond them.
const TIGHT: Deadlines = Deadlines {
    connect: Duration::from_secs(2),
    operation: Duration::from_secs(1),
    scan_margin: Duration::from_secs(2),
};

const SLOW: Duration = Duration::from_secs(40);

fn code(text: &str) -> SetupCode {
    SetupCode::parse(text).expect("valid code")
}

fn address(last: u8) -> String {
    format!("C3:00:00:00:00:{last:02X}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_device_or_a_look_alike_costs_the_others_at_most_a_deadline() {
    let look_alike = DeviceId([0x0a; 16]);
    let soap = DeviceId([0x50; 16]);
    let light = DeviceId([0x4c; 16]);
    let thermostat = DeviceId([0x74; 16]);
    let (_bus, home) = common::start_home(vec![
        common::device(
            DeviceKind::SoapDispenser,
            "Dish soap",
            look_alike,
            1,
            "9999-9999",
        ),
        common::device(DeviceKind::SoapDispenser, "Dish soap", soap, 2, "1111-1111"),
        common::device(DeviceKind::Light, "Kitchen light", light, 3, "2222-2222"),
        common::device(
            DeviceKind::Thermostat,
            "Hall thermostat",
            thermostat,
            4,
            "3333-3333",
        ),
    ])
    .await;

    let (hub, mut events) = Hub::with_deadlines(
        BtleCentral::first_adapter().await.expect("adapter"),
        FAST,
        TIGHT,
    );
    hub.scan(Duration::from_millis(300)).await.expect("scan");
    for (last, pin) in [(2, "1111-1111"), (3, "2222-2222"), (4, "3333-3333")] {
        hub.pair(&address(last), &code(pin), None)
            .await
            .expect("pairs");
    }

    // Everything walks out of range; the thermostat comes back slow to connect, the look-alike
    // slow to answer anything.
    for id in [soap, light, thermostat] {
        home.set_in_range(&id, false);
    }
    let mut gone = Vec::new();
    while gone.len() < 3 {
        gone.push(
            wait_for(&mut events, |e| match e {
                HubEvent::Disconnected { id } => Some(*id),
                _ => None,
            })
            .await,
        );
    }
    home.update_faults(&thermostat, |f| f.connect_delay = Some(SLOW));
    home.set_faults(
        &look_alike,
        Faults {
            response_delay: Some(SLOW),
            ..Faults::default()
        },
    );
    for id in [thermostat, soap, light] {
        home.set_in_range(&id, true);
    }

    let mut back = Vec::new();
    while back.len() < 2 {
        let id = wait_for(&mut events, |e| match e {
            HubEvent::Connected { id, .. } => Some(*id),
            _ => None,
        })
        .await;
        assert_ne!(id, thermostat, "the slow thermostat cannot connect in time");
        back.push(id);
    }
    back.sort();
    let mut expected = vec![soap, light];
    expected.sort();
    assert_eq!(
        back, expected,
        "the healthy devices reconnect although a slow one and a look-alike are tried too"
    );
    assert_eq!(hub.command(&soap, Command::Identify).await, Ok(()));

    // The owner scans while the thermostat's 40 s connections keep being tried.
    let seen = tokio::time::timeout(WAIT, hub.scan(Duration::from_millis(300)))
        .await
        .expect("a scan is not held behind a slow connection")
        .expect("scan");
    assert!(
        seen.iter().any(|a| a.address == address(1)),
        "the scan still lists what is around"
    );
    assert!(
        !hub.is_connected(&thermostat),
        "a device that does not answer within its deadline is not taken as connected"
    );
}
