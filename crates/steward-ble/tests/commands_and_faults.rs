//! Commands with confirmed results, numbered events, and the faults the simulated home can
//! inject, through btleplug's real Linux path. One bus and one test function per file.

use std::time::Duration;

use steward_ble::{BtleCentral, BtleLink};
use steward_devices::session::SessionUpdate;
use steward_devices::{Central, DeviceError, Session};
use steward_protocol::command::Command;
use steward_protocol::handshake::SessionHello;
use steward_protocol::keys::{PublicKey, StaticSecret};
use steward_protocol::pairing::SetupCode;
use steward_protocol::pake::OsRng;
use steward_protocol::{DecodeError, DeviceId, DeviceKind, DeviceState, Event, LightState};
use steward_simhome::home::Faults;
use steward_simhome::{PrivateBus, SimDevice, SimHome};
use tokio::sync::mpsc::Receiver;

const SCAN: Duration = Duration::from_millis(300);
const WAIT: Duration = Duration::from_secs(5);

fn code(text: &str) -> SetupCode {
    SetupCode::parse(text).expect("valid code")
}

async fn next(updates: &mut Receiver<SessionUpdate>) -> SessionUpdate {
    tokio::time::timeout(WAIT, updates.recv())
        .await
        .expect("an update in time")
        .expect("session open")
}

/// The next update that is not a state snapshot.
async fn next_non_state(updates: &mut Receiver<SessionUpdate>) -> SessionUpdate {
    loop {
        match next(updates).await {
            SessionUpdate::State(_) => continue,
            other => return other,
        }
    }
}

/// What the phone keeps about a device between connections.
#[derive(Clone, Copy)]
struct Kept {
    device_key: PublicKey,
    boot_id: [u8; 8],
}

/// Connects and opens a session: pairs first when nothing is kept, then pair-verify.
async fn open(
    central: &BtleCentral,
    address: &str,
    last_seq: u32,
    phone: &StaticSecret,
    kept: Option<Kept>,
    pin: &str,
) -> (
    Session<BtleLink>,
    Receiver<SessionUpdate>,
    Kept,
    SessionHello,
) {
    let (session, updates) =
        Session::open(central.connect(address).await.expect("connect"), last_seq)
            .await
            .expect("session");
    let device_key = match kept {
        Some(kept) => kept.device_key,
        None => session
            .pair(&code(pin), None, phone)
            .await
            .expect("pairs with the printed code"),
    };
    let hello = session
        .verify(phone, &device_key, kept.map(|k| k.boot_id))
        .await
        .expect("pair-verify");
    let kept = Kept {
        device_key,
        boot_id: hello.boot_id,
    };
    (session, updates, kept, hello)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_events_and_faults() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let soap = DeviceId([0x50; 16]);
    let light = DeviceId([0x4c; 16]);
    let home = SimHome::start(
        bus.address(),
        vec![
            SimDevice::new(
                DeviceKind::SoapDispenser,
                "Dish soap",
                soap,
                [0xC2, 0, 0, 0, 0, 1],
                code("1111-1111"),
            ),
            SimDevice::new(
                DeviceKind::Light,
                "Kitchen light",
                light,
                [0xC2, 0, 0, 0, 0, 2],
                code("2222-2222"),
            ),
        ],
    )
    .await
    .expect("home");
    let central = BtleCentral::first_adapter().await.expect("adapter");
    let mut seen = central.scan(&DeviceKind::ALL, SCAN).await.expect("scan");
    seen.sort_by(|a, b| a.address.cmp(&b.address));
    let (soap_address, light_address) = (seen[0].address.clone(), seen[1].address.clone());

    // Control: a command is confirmed by the device and its new state reported.
    let phone = StaticSecret::generate(OsRng);
    let (lamp, mut lamp_updates, _, _) =
        open(&central, &light_address, 0, &phone, None, "2222-2222").await;
    // A session starts with the battery and the state, inside the session.
    assert!(matches!(
        next(&mut lamp_updates).await,
        SessionUpdate::Battery(87)
    ));
    assert_eq!(lamp.command(Command::SetBrightness(30)).await, Ok(()));
    assert_eq!(
        lamp.read_state().await,
        Ok(DeviceState::Light(LightState {
            on: true,
            brightness: 30
        }))
    );
    let SessionUpdate::Event(changed) = next_non_state(&mut lamp_updates).await else {
        panic!("expected an event")
    };
    assert_eq!(
        changed.event,
        Event::StateChanged(DeviceState::Light(LightState {
            on: true,
            brightness: 30
        }))
    );
    assert_eq!(
        lamp.command(Command::Refill { packets: 5 }).await,
        Err(DeviceError::Unsupported { kind: "light" }),
        "a command the kind does not have is refused before it is sent"
    );
    assert_eq!(lamp.firmware().await.as_deref(), Ok("1.4.2"));

    // A slow device: the app stops waiting and says so.
    home.set_faults(
        &light,
        Faults {
            response_delay: Some(Duration::from_millis(400)),
            ..Faults::default()
        },
    );
    let mut impatient = lamp;
    impatient.set_timeout(Duration::from_millis(100));
    let slow = impatient.command(Command::SetPower(false)).await;
    assert!(
        matches!(slow, Err(DeviceError::Timeout { .. })) || slow.is_ok(),
        "a write delayed beyond the timeout is either confirmed late or reported as a timeout, never lost: {slow:?}"
    );
    home.set_faults(&light, Faults::default());

    // Out of range while connected: the session reports the drop, and reconnecting fails plainly.
    home.set_in_range(&light, false);
    loop {
        if next(&mut lamp_updates).await == SessionUpdate::Disconnected {
            break;
        }
    }
    assert_eq!(
        impatient
            .command(Command::SetPower(true))
            .await
            .err()
            .map(|e| matches!(
                e,
                DeviceError::Disconnected | DeviceError::OutOfRange | DeviceError::Stack(_)
            )),
        Some(true),
        "a command to a device that left is an error, not a hang"
    );
    assert_eq!(
        central
            .connect(&light_address)
            .await
            .err()
            .map(DeviceError::from),
        Some(DeviceError::OutOfRange)
    );
    drop(impatient);

    // Events: numbered, a garbled or truncated one is refused and the next still counts.
    let (dispenser, mut updates, kept, _) =
        open(&central, &soap_address, 0, &phone, None, "1111-1111").await;
    assert!(matches!(
        next(&mut updates).await,
        SessionUpdate::Battery(_)
    ));
    home.dispense(&soap);
    let SessionUpdate::Event(first) = next_non_state(&mut updates).await else {
        panic!("expected an event")
    };
    assert_eq!(
        (first.seq, first.event, first.missed),
        (
            1,
            Event::PacketDispensed {
                remaining: 39,
                dispensed_total: 1
            },
            0
        )
    );
    home.set_faults(
        &soap,
        Faults {
            garble_next_event: Some(vec![1, 2, 0, 0, 0, 0xEE, 0xFF]),
            ..Faults::default()
        },
    );
    home.dispense(&soap);
    assert!(
        matches!(
            next_non_state(&mut updates).await,
            SessionUpdate::Rejected(DecodeError::InvalidValue {
                what: "session frame",
                ..
            })
        ),
        "garbage is refused"
    );
    home.set_faults(
        &soap,
        Faults {
            truncate_next_event: Some(3),
            ..Faults::default()
        },
    );
    home.dispense(&soap);
    assert!(
        matches!(
            next_non_state(&mut updates).await,
            SessionUpdate::Rejected(DecodeError::InvalidValue {
                what: "session frame",
                ..
            })
        ),
        "a cut frame is refused"
    );
    home.dispense(&soap);
    let SessionUpdate::Event(fourth) = next_non_state(&mut updates).await else {
        panic!("expected an event")
    };
    assert_eq!(
        (fourth.seq, fourth.missed, fourth.event),
        (
            4,
            2,
            Event::PacketDispensed {
                remaining: 36,
                dispensed_total: 4
            }
        ),
        "the two refused frames show up as a gap of two, and the count is the device's own"
    );

    // A drop in the middle of a write: the command fails, nothing is confirmed twice.
    home.set_faults(
        &soap,
        Faults {
            drop_on_next_write: true,
            replay_on_reconnect: true,
            ..Faults::default()
        },
    );
    let dropped = dispenser.command(Command::Refill { packets: 4 }).await;
    assert!(
        dropped.is_err(),
        "a write that never arrived is not reported as done: {dropped:?}"
    );
    drop(dispenser);
    drop(updates);

    // Events raised while disconnected arrive after reconnecting; the replayed last event is dropped.
    home.dispense(&soap);
    home.dispense(&soap);
    let (again, mut updates, kept, hello) =
        open(&central, &soap_address, 4, &phone, Some(kept), "").await;
    assert_eq!(
        (hello.boot_id, hello.last_seq),
        (kept.boot_id, 6),
        "the same boot, and the device says where its numbering stands"
    );
    let mut delivered = Vec::new();
    let mut replayed = Vec::new();
    while delivered.len() < 2 {
        match next_non_state(&mut updates).await {
            SessionUpdate::Event(e) => delivered.push(e.seq),
            SessionUpdate::Replayed { seq } => replayed.push(seq),
            SessionUpdate::Battery(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        delivered,
        [5, 6],
        "the backlog arrives in order, each event once"
    );
    assert_eq!(
        replayed,
        [4],
        "the resent last event is recognised and dropped"
    );
    assert_eq!(again.command(Command::Identify).await, Ok(()));
    again.close().await.expect("disconnect");
    drop(updates);

    // A number far below what the app stored, in the same boot, is a replay however far back:
    // a reset is never guessed from a small number.
    home.set_faults(&soap, Faults::default());
    let (same_boot, mut updates, kept, _) =
        open(&central, &soap_address, 200, &phone, Some(kept), "").await;
    home.dispense(&soap);
    loop {
        match next_non_state(&mut updates).await {
            SessionUpdate::Replayed { seq } => {
                assert_eq!(seq, 7);
                break;
            }
            SessionUpdate::Battery(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    same_boot.close().await.expect("disconnect");
    drop(updates);

    // A factory reset: the device forgets its phones and starts a new boot. Paired again, the
    // new boot id says the numbering restarted; the first event is flagged, once.
    home.configure(&soap, steward_simhome::SimDevice::reset);
    let (session, _updates) =
        Session::open(central.connect(&soap_address).await.expect("connect"), 200)
            .await
            .expect("session");
    assert_eq!(
        session
            .verify(&phone, &kept.device_key, Some(kept.boot_id))
            .await
            .map(|_| ()),
        Err(DeviceError::NotPaired),
        "a reset device no longer knows this phone"
    );
    session.close().await.expect("disconnect");
    home.configure(&soap, |d| d.open_pairing(std::time::Instant::now()));
    let (session, updates) =
        Session::open(central.connect(&soap_address).await.expect("connect"), 200)
            .await
            .expect("session");
    let mut updates = updates;
    let device_key = session
        .pair(&code("1111-1111"), None, &phone)
        .await
        .expect("pairs again");
    let hello = session
        .verify(&phone, &device_key, Some(kept.boot_id))
        .await
        .expect("verified");
    assert_ne!(hello.boot_id, kept.boot_id, "a new boot");
    assert_eq!(hello.last_seq, 0);
    home.dispense(&soap);
    home.dispense(&soap);
    let mut events = Vec::new();
    while events.len() < 2 {
        match next_non_state(&mut updates).await {
            SessionUpdate::Event(e) => events.push((e.seq, e.restarted)),
            SessionUpdate::Battery(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        events,
        [(1, true), (2, false)],
        "the restart is flagged once, then the new numbering is followed"
    );
    session.close().await.expect("disconnect");
}
