//! btleplug's real Linux code path (btleplug → bluez-async → libdbus) against the simulated home
//! on a private bus: scan with the profile's filter, connect, discover, read, write, notify.
//!
//! libdbus reads `DBUS_SYSTEM_BUS_ADDRESS` once per process, so this binary has one bus and one
//! test function.

use std::time::Duration;

use btleplug::api::{
    Central, CentralEvent, Characteristic, Manager as _, Peripheral as _, ScanFilter, WriteType,
};
use btleplug::platform::{Manager, Peripheral};
use futures::StreamExt;
use steward_protocol::command::{Command, CommandFrame, CommandStatus, ResultFrame};
use steward_protocol::pairing::{PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{OsRng, PhonePake};
use steward_protocol::{uuids, DeviceId, DeviceKind, Event, EventFrame, Identity};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

const WAIT: Duration = Duration::from_secs(10);

fn characteristic(p: &Peripheral, uuid: uuid::Uuid) -> Characteristic {
    p.characteristics()
        .into_iter()
        .find(|c| c.uuid == uuid)
        .unwrap_or_else(|| panic!("the device exposes {uuid}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn btleplug_drives_a_simulated_device_end_to_end() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());

    let soap_id = DeviceId([0x50; 16]);
    let code = SetupCode::parse("2468-1357").expect("code");
    let devices = vec![
        SimDevice::new(
            DeviceKind::SoapDispenser,
            "Dish soap",
            soap_id,
            [0xC0, 0, 0, 0, 0, 1],
            code.clone(),
        ),
        SimDevice::new(
            DeviceKind::Light,
            "Kitchen light",
            DeviceId([0x4c; 16]),
            [0xC0, 0, 0, 0, 0, 2],
            SetupCode::parse("11112222").expect("code"),
        ),
    ];
    let home = SimHome::start(bus.address(), devices)
        .await
        .expect("simulated home serves org.bluez");

    let manager = Manager::new()
        .await
        .expect("btleplug reaches the private system bus");
    let adapter = manager
        .adapters()
        .await
        .expect("adapters")
        .into_iter()
        .next()
        .expect("the simulated hci0");
    let mut central_events = adapter.events().await.expect("central events");
    adapter
        .start_scan(ScanFilter {
            services: vec![DeviceKind::SoapDispenser.service()],
        })
        .await
        .expect("scan starts");

    let discovered = tokio::time::timeout(WAIT, async {
        while let Some(event) = central_events.next().await {
            if let CentralEvent::DeviceDiscovered(id) = event {
                return id;
            }
        }
        panic!("the event stream ended")
    })
    .await
    .expect("the dispenser is discovered");
    let peripherals = adapter.peripherals().await.expect("peripherals");
    assert_eq!(
        peripherals.len(),
        1,
        "the scan filter keeps the light out of a soap-dispenser scan"
    );
    let soap = adapter.peripheral(&discovered).await.expect("peripheral");
    let properties = soap
        .properties()
        .await
        .expect("properties")
        .expect("advertised properties");
    assert_eq!(properties.local_name.as_deref(), Some("Dish soap"));
    assert!(
        properties
            .services
            .contains(&DeviceKind::SoapDispenser.service()),
        "advertises its kind"
    );
    assert_eq!(properties.rssi, Some(-55));

    soap.connect().await.expect("connect");
    soap.discover_services().await.expect("service discovery");
    let identity = Identity::decode(
        &soap
            .read(&characteristic(&soap, uuids::IDENTITY))
            .await
            .expect("read identity"),
    )
    .expect("a valid identity");
    assert_eq!(
        (identity.kind, identity.id),
        (DeviceKind::SoapDispenser, soap_id)
    );

    let mut notifications = soap.notifications().await.expect("notification stream");
    for uuid in [uuids::PAIRING, uuids::COMMAND_RESULT, uuids::EVENTS] {
        soap.subscribe(&characteristic(&soap, uuid))
            .await
            .expect("subscribe");
    }
    macro_rules! next {
        () => {
            tokio::time::timeout(WAIT, notifications.next())
                .await
                .expect("a notification in time")
                .expect("stream open")
        };
    }

    // Pairing: the SPAKE2 exchange, written as raw frames (docs/protocol/gatt.md).
    let (phone, start) = PhonePake::start(&code, &soap_id, OsRng);
    soap.write(
        &characteristic(&soap, uuids::PAIRING),
        &PairingMessage::PakeStart { start }.encode(),
        WriteType::WithResponse,
    )
    .await
    .expect("start");
    let PairingMessage::PakeReply { reply, confirm } =
        PairingMessage::decode(&next!().value).expect("reply")
    else {
        panic!("expected the device's PAKE reply")
    };
    let (phone_confirm, _key) = phone
        .finish(&reply, &confirm)
        .expect("the device knows its code");
    soap.write(
        &characteristic(&soap, uuids::PAIRING),
        &PairingMessage::PakeConfirm {
            confirm: phone_confirm,
        }
        .encode(),
        WriteType::WithResponse,
    )
    .await
    .expect("confirm");
    assert_eq!(
        PairingMessage::decode(&next!().value),
        Ok(PairingMessage::Outcome(PairingOutcome::Paired))
    );

    // A command with its confirmed result, and the event it causes.
    home.dispense(&soap_id);
    let dispensed = next!();
    assert_eq!(dispensed.uuid, uuids::EVENTS);
    assert_eq!(
        EventFrame::decode(DeviceKind::SoapDispenser, &dispensed.value),
        Ok(EventFrame {
            seq: 1,
            event: Event::PacketDispensed {
                remaining: 39,
                dispensed_total: 1
            }
        })
    );
    let refill = CommandFrame {
        request_id: 42,
        command: Command::Refill { packets: 1 },
    };
    soap.write(
        &characteristic(&soap, uuids::COMMAND),
        &refill.encode(),
        WriteType::WithResponse,
    )
    .await
    .expect("command");
    let mut result = None;
    let mut refilled = None;
    while result.is_none() || refilled.is_none() {
        let n = next!();
        if n.uuid == uuids::COMMAND_RESULT {
            result = Some(ResultFrame::decode(&n.value).expect("a valid result"));
        } else if n.uuid == uuids::EVENTS {
            refilled = Some(
                EventFrame::decode(DeviceKind::SoapDispenser, &n.value).expect("a valid event"),
            );
        }
    }
    assert_eq!(
        result,
        Some(ResultFrame {
            request_id: 42,
            status: CommandStatus::Done
        }),
        "the device confirms request 42"
    );
    assert_eq!(
        refilled,
        Some(EventFrame {
            seq: 2,
            event: Event::Refilled {
                remaining: 40,
                capacity: 40
            }
        }),
        "and reports the refill as the next numbered event"
    );

    // Three bogus confirmations (what a stranger without the code can send) lock pairing, and
    // the device says for how long; the lock-out's end is tested on the device with time passed in.
    // A stranger can only guess while pairing is open: the owner pressed the button.
    home.configure(&soap_id, |d| d.open_pairing(std::time::Instant::now()));
    for attempt in 0..4u8 {
        let (_, start) = PhonePake::start(
            &SetupCode::parse("0000-0000").expect("code"),
            &soap_id,
            OsRng,
        );
        soap.write(
            &characteristic(&soap, uuids::PAIRING),
            &PairingMessage::PakeStart { start }.encode(),
            WriteType::WithResponse,
        )
        .await
        .expect("start");
        let reply = PairingMessage::decode(&next!().value).expect("a pairing reply");
        if attempt == 3 {
            assert!(
                matches!(reply, PairingMessage::LockedOut { retry_after_secs } if (25..=30).contains(&retry_after_secs)),
                "locked for the first 30 s after three bogus confirmations: {reply:?}"
            );
            break;
        }
        assert!(
            matches!(reply, PairingMessage::PakeReply { .. }),
            "{reply:?}"
        );
        soap.write(
            &characteristic(&soap, uuids::PAIRING),
            &PairingMessage::PakeConfirm { confirm: [0; 32] }.encode(),
            WriteType::WithResponse,
        )
        .await
        .expect("bogus confirmation");
        assert_eq!(
            PairingMessage::decode(&next!().value),
            Ok(PairingMessage::Outcome(PairingOutcome::WrongProof))
        );
    }

    soap.disconnect().await.expect("disconnect");
}
