//! Several devices at once through the hub, over btleplug's real Linux path: concurrent
//! commands, a device that walks out of range and is reconnected with backoff without counting
//! an event twice, and paired devices restored at start-up. One bus and one test per file.

mod common;

use common::wait_for;

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::session::SessionUpdate;
use steward_devices::{Backoff, Deadlines, DeviceError, Hub, HubEvent, KnownDevice};
use steward_protocol::command::Command;
use steward_protocol::keys::StaticSecret;
use steward_protocol::pairing::SetupCode;
use steward_protocol::pake::OsRng;
use steward_protocol::{DeviceId, DeviceKind, DeviceState, Event, LightState};
use steward_simhome::home::Faults;
use steward_simhome::{PrivateBus, SimDevice, SimHome};

const FAST: Backoff = Backoff {
    first: Duration::from_millis(100),
    max: Duration::from_millis(400),
};

fn code(text: &str) -> SetupCode {
    SetupCode::parse(text).expect("valid code")
}

fn event_seq(id: DeviceId) -> impl FnMut(&HubEvent) -> Option<(u32, u32)> {
    move |e| match e {
        HubEvent::Update {
            id: from,
            update: SessionUpdate::Event(ev),
        } if *from == id => Some((ev.seq, ev.missed)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_keeps_several_devices_and_reconnects_without_double_counting() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let soap = DeviceId([0x50; 16]);
    let light = DeviceId([0x4c; 16]);
    let thermostat = DeviceId([0x74; 16]);
    let home = SimHome::start(
        bus.address(),
        vec![
            SimDevice::new(
                DeviceKind::SoapDispenser,
                "Dish soap",
                soap,
                [0xC3, 0, 0, 0, 0, 1],
                code("1111-1111"),
            ),
            SimDevice::new(
                DeviceKind::Light,
                "Kitchen light",
                light,
                [0xC3, 0, 0, 0, 0, 2],
                code("2222-2222"),
            ),
            SimDevice::new(
                DeviceKind::Thermostat,
                "Hall thermostat",
                thermostat,
                [0xC3, 0, 0, 0, 0, 3],
                code("3333-3333"),
            ),
        ],
    )
    .await
    .expect("home");

    // The phone's long-term key, as the app keeps it in the keystore across restarts.
    let phone_key = StaticSecret::generate(OsRng);
    let (hub, mut events) = Hub::with_phone_key(
        BtleCentral::first_adapter().await.expect("adapter"),
        FAST,
        Deadlines::default(),
        phone_key.clone(),
    );
    let mut seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    seen.sort_by(|a, b| a.address.cmp(&b.address));
    let mut keys = Vec::new();
    for (advert, pin) in seen.iter().zip(["1111-1111", "2222-2222", "3333-3333"]) {
        let paired = hub
            .pair(&advert.address, &code(pin), None)
            .await
            .expect("pairs");
        keys.push(KnownDevice {
            id: paired.identity.id,
            kind: paired.identity.kind,
            device_key: paired.device_key,
            boot_id: Some(paired.boot_id),
            last_seq: 0,
        });
    }
    assert!(
        [soap, light, thermostat]
            .iter()
            .all(|id| hub.is_connected(id)),
        "three sessions at once"
    );

    let (lit, warmed) = tokio::join!(
        hub.command(&light, Command::SetPower(true)),
        hub.command(&thermostat, Command::SetTarget(2250))
    );
    assert_eq!(
        (lit, warmed),
        (Ok(()), Ok(())),
        "commands to two devices at once are both confirmed"
    );
    assert_eq!(
        hub.read_state(&light).await,
        Ok(DeviceState::Light(LightState {
            on: true,
            brightness: 80
        }))
    );

    home.dispense(&soap);
    home.dispense(&soap);
    assert_eq!(wait_for(&mut events, event_seq(soap)).await, (1, 0));
    assert_eq!(wait_for(&mut events, event_seq(soap)).await, (2, 0));

    // The dispenser walks out of range; the others stay.
    home.set_faults(
        &soap,
        Faults {
            replay_on_reconnect: true,
            ..Faults::default()
        },
    );
    home.set_in_range(&soap, false);
    wait_for(&mut events, |e| {
        (*e == HubEvent::Disconnected { id: soap }).then_some(())
    })
    .await;
    assert_eq!(
        hub.command(&soap, Command::Identify).await,
        Err(DeviceError::OutOfRange),
        "a plain answer, not a hang"
    );
    assert!(
        hub.is_connected(&light) && hub.is_connected(&thermostat),
        "one device leaving does not disturb the others"
    );
    home.dispense(&soap);
    home.dispense(&soap);

    // Back in range: reconnected with backoff, pair-verify with the kept keys, resumed.
    home.set_in_range(&soap, true);
    wait_for(&mut events, |e| match e {
        HubEvent::Connected { id, .. } if *id == soap => Some(()),
        _ => None,
    })
    .await;
    let mut delivered = Vec::new();
    let mut replayed = Vec::new();
    while delivered.len() < 2 {
        let next = wait_for(&mut events, |e| match e {
            HubEvent::Update {
                id,
                update: SessionUpdate::Event(ev),
            } if *id == soap => Some(Ok(ev.seq)),
            HubEvent::Update {
                id,
                update: SessionUpdate::Replayed { seq },
            } if *id == soap => Some(Err(*seq)),
            _ => None,
        })
        .await;
        match next {
            Ok(seq) => delivered.push(seq),
            Err(seq) => replayed.push(seq),
        }
    }
    assert_eq!(
        delivered,
        [3, 4],
        "events from while it was away arrive once, in order"
    );
    assert_eq!(
        replayed,
        [2],
        "the resent event 2 is recognised and not counted again"
    );
    assert_eq!(
        hub.command(&soap, Command::Refill { packets: 4 }).await,
        Ok(()),
        "commands work again"
    );
    let refill = wait_for(&mut events, |e| match e {
        HubEvent::Update {
            id,
            update: SessionUpdate::Event(ev),
        } if *id == soap => Some(ev.event),
        _ => None,
    })
    .await;
    assert_eq!(
        refill,
        Event::Refilled {
            remaining: 40,
            capacity: 40
        }
    );

    // Start-up: a new hub restores the paired devices from what was stored.
    for id in [soap, light, thermostat] {
        hub.release(&id).await;
    }
    drop(hub);
    let (restored, mut restored_events) = Hub::with_phone_key(
        BtleCentral::first_adapter().await.expect("adapter"),
        FAST,
        Deadlines::default(),
        phone_key,
    );
    restored.restore(keys);
    let mut back = Vec::new();
    while back.len() < 3 {
        back.push(
            wait_for(&mut restored_events, |e| match e {
                HubEvent::Connected { id, .. } => Some(*id),
                _ => None,
            })
            .await,
        );
    }
    back.sort();
    let mut expected = vec![soap, light, thermostat];
    expected.sort();
    assert_eq!(
        back, expected,
        "every paired device is reconnected at start-up"
    );
    assert_eq!(
        restored
            .command(&thermostat, Command::SetTarget(2100))
            .await,
        Ok(()),
        "verified with the stored keys"
    );
}
