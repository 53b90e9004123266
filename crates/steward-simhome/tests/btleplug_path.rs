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
use steward_protocol::handshake::PhoneHandshake;
use steward_protocol::keys::{open_public_key, seal_public_key, Sealer, StaticSecret};
use steward_protocol::pairing::{PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{OsRng, PhonePake};
use steward_protocol::session_message::{self, wrap, Channel, DeviceMessage};
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
    for uuid in [uuids::PAIRING, uuids::SESSION] {
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

    // Pairing: the SPAKE2 exchange and the long-term keys, written as raw frames
    // (docs/protocol/gatt.md).
    let phone_key = StaticSecret::generate(OsRng);
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
    let (phone_confirm, pairing_key) = phone
        .finish(&reply, &confirm)
        .expect("the device knows its code");
    soap.write(
        &characteristic(&soap, uuids::PAIRING),
        &PairingMessage::PakeConfirm {
            confirm: phone_confirm,
            phone_key: seal_public_key(&pairing_key, Sealer::Phone, &soap_id, &phone_key.public()),
        }
        .encode(),
        WriteType::WithResponse,
    )
    .await
    .expect("confirm");
    let PairingMessage::PairedWith { device_key } =
        PairingMessage::decode(&next!().value).expect("paired")
    else {
        panic!("expected the device's long-term key")
    };
    let device_key = open_public_key(&pairing_key, Sealer::Device, &soap_id, &device_key)
        .expect("sealed with this pairing's key");

    // Pair-verify: the Noise IK handshake opens the session.
    let (handshake, start) =
        PhoneHandshake::start(&phone_key, &device_key, &soap_id).expect("start");
    soap.write(
        &characteristic(&soap, uuids::PAIRING),
        &PairingMessage::VerifyStart { start }.encode(),
        WriteType::WithResponse,
    )
    .await
    .expect("verify start");
    let PairingMessage::VerifyReply { reply } =
        PairingMessage::decode(&next!().value).expect("verify reply")
    else {
        panic!("expected the device's pair-verify reply")
    };
    let (mut channel, hello) = handshake.finish(&reply).expect("the paired device answers");
    assert_eq!(hello.last_seq, 0, "nothing happened on the device yet");
    let session = characteristic(&soap, uuids::SESSION);
    let ready = channel.seal(&wrap(Channel::Ready, &[])).expect("sealed");
    soap.write(&session, &ready, WriteType::WithResponse)
        .await
        .expect("ready");
    macro_rules! next_message {
        () => {{
            let n = next!();
            assert_eq!(
                n.uuid,
                uuids::SESSION,
                "after pair-verify, only session frames"
            );
            let plaintext = channel.open(&n.value).expect("a genuine frame");
            DeviceMessage::decode(DeviceKind::SoapDispenser, &plaintext).expect("a valid message")
        }};
    }
    assert_eq!(next_message!(), DeviceMessage::Battery(87));
    assert!(matches!(next_message!(), DeviceMessage::State(_)));

    // A command with its confirmed result, and the event it causes.
    home.dispense(&soap_id);
    assert_eq!(
        next_message!(),
        DeviceMessage::Event(EventFrame {
            seq: 1,
            event: Event::PacketDispensed {
                remaining: 39,
                dispensed_total: 1
            }
        })
    );
    assert!(matches!(next_message!(), DeviceMessage::State(_)));
    let refill = CommandFrame {
        request_id: 42,
        command: Command::Refill { packets: 1 },
    };
    let sealed = channel
        .seal(&session_message::command(&refill))
        .expect("sealed");
    soap.write(&session, &sealed, WriteType::WithResponse)
        .await
        .expect("command");
    assert_eq!(
        next_message!(),
        DeviceMessage::Result(ResultFrame {
            request_id: 42,
            status: CommandStatus::Done
        }),
        "the device confirms request 42"
    );
    assert_eq!(
        next_message!(),
        DeviceMessage::Event(EventFrame {
            seq: 2,
            event: Event::Refilled {
                remaining: 40,
                capacity: 40
            }
        }),
        "and reports the refill as the next numbered event"
    );
    // The same frame again is a replay: refused and counted, never applied.
    soap.write(&session, &sealed, WriteType::WithResponse)
        .await
        .expect("written");
    home.dispense(&soap_id);
    assert!(
        matches!(
            next_message!(),
            DeviceMessage::Event(EventFrame { seq: 3, .. })
        ),
        "the replayed command caused nothing"
    );
    assert!(matches!(next_message!(), DeviceMessage::State(_)));
    assert_eq!(home.device(&soap_id).expect("device").refused_frames(), 1);

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
            &PairingMessage::PakeConfirm {
                confirm: [0; 32],
                phone_key: [0; 48],
            }
            .encode(),
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
