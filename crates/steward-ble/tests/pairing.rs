//! Scanning and safe pairing through btleplug's real Linux path against the simulated home.
//! libdbus reads the bus address once per process: one bus and one test function per file.

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::{Central, DeviceError, Session};
use steward_protocol::command::Command;
use steward_protocol::keys::StaticSecret;
use steward_protocol::pairing::{QrPayload, SetupCode};
use steward_protocol::pake::OsRng;
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

const SCAN: Duration = Duration::from_millis(300);

fn code(text: &str) -> SetupCode {
    SetupCode::parse(text).expect("valid code")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanning_and_pairing_refuse_wrong_codes_liars_and_look_alikes() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let toaster = DeviceId([0x72; 16]);
    let liar = DeviceId([0x66; 16]);
    let twin = DeviceId([0x73; 16]);
    let mut lying = SimDevice::new(
        DeviceKind::Light,
        "Hall light",
        liar,
        [0xC1, 0, 0, 0, 0, 2],
        code("5555-1111"),
    );
    lying.lie_about_code(code("9999-0000"));
    let home = SimHome::start(
        bus.address(),
        vec![
            SimDevice::new(
                DeviceKind::Toaster,
                "Toaster",
                toaster,
                [0xC1, 0, 0, 0, 0, 1],
                code("1234-5678"),
            ),
            lying,
            // A look-alike: same name and kind, another identity, and it knows its own code.
            SimDevice::new(
                DeviceKind::Toaster,
                "Toaster",
                twin,
                [0xC1, 0, 0, 0, 0, 3],
                code("1234-5678"),
            ),
        ],
    )
    .await
    .expect("home");

    let central = BtleCentral::first_adapter()
        .await
        .expect("the simulated adapter");
    let mut seen = central.scan(&DeviceKind::ALL, SCAN).await.expect("scan");
    seen.sort_by(|a, b| a.address.cmp(&b.address));
    let summary: Vec<_> = seen
        .iter()
        .map(|a| (a.name.as_deref(), a.kind, a.rssi))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("Toaster"), Some(DeviceKind::Toaster), Some(-55)),
            (Some("Hall light"), Some(DeviceKind::Light), Some(-55)),
            (Some("Toaster"), Some(DeviceKind::Toaster), Some(-55)),
        ],
        "a scan shows each Steward device with its name, kind and signal"
    );

    // The real toaster: a wrong code is refused, commands before pairing too, the right code works.
    let (session, _updates) =
        Session::open(central.connect(&seen[0].address).await.expect("connect"), 0)
            .await
            .expect("session");
    assert_eq!(
        session.identity().id,
        toaster,
        "the identity is read from the device, not taken from its name"
    );
    let phone = StaticSecret::generate(OsRng);
    assert_eq!(
        session.pair(&code("1234-0000"), None, &phone).await,
        Err(DeviceError::WrongCode)
    );
    assert_eq!(
        session.command(Command::StartToasting { shade: 3 }).await,
        Err(DeviceError::NotPaired),
        "no session, no command: the app does not even send one"
    );
    assert_eq!(home.device(&toaster).map(|d| d.is_paired()), Some(false));
    let device_key = session
        .pair(&code("1234-5678"), None, &phone)
        .await
        .expect("the printed code pairs");
    session
        .verify(&phone, &device_key, None)
        .await
        .expect("pair-verify opens the session");
    assert_eq!(
        session.command(Command::StartToasting { shade: 3 }).await,
        Ok(()),
        "paired: the toaster starts"
    );
    session.close().await.expect("clean disconnect");

    // A later connection must verify again, with the kept keys (never the code).
    let (later, _updates) = Session::open(
        central.connect(&seen[0].address).await.expect("reconnect"),
        0,
    )
    .await
    .expect("session");
    assert_eq!(
        later.command(Command::CancelToasting).await,
        Err(DeviceError::NotPaired),
        "no command before pair-verify"
    );
    assert!(later.verify(&phone, &device_key, None).await.is_ok());
    assert_eq!(later.command(Command::CancelToasting).await, Ok(()));
    later.close().await.expect("disconnect");

    // A device that cannot prove the printed code is refused, and the app never answers it.
    let (liar_session, _updates) =
        Session::open(central.connect(&seen[1].address).await.expect("connect"), 0)
            .await
            .expect("session");
    assert_eq!(
        liar_session.pair(&code("5555-1111"), None, &phone).await,
        Err(DeviceError::WrongCode)
    );
    assert_eq!(
        home.device(&liar).map(|d| d.is_paired()),
        Some(false),
        "the liar was never paired"
    );
    liar_session.close().await.expect("disconnect");

    // The look-alike answers to the same name and code, but the scanned QR code names the real
    // toaster's identity: refused before anything is sent.
    let qr = QrPayload::parse(&format!("STEWARD:1:2:{}:12345678", toaster.to_hex())).expect("qr");
    let (twin_session, _updates) =
        Session::open(central.connect(&seen[2].address).await.expect("connect"), 0)
            .await
            .expect("session");
    assert_eq!(
        twin_session.pair(&qr.code, Some(qr.id), &phone).await,
        Err(DeviceError::NotTheScannedDevice {
            expected: toaster,
            found: twin
        })
    );
    assert_eq!(home.device(&twin).map(|d| d.is_paired()), Some(false));
    twin_session.close().await.expect("disconnect");
}
