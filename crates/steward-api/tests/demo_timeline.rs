//! "Low means listed" on the README demo's timeline: the dish soap dispenser starts at 10 of 40
//! (threshold 8) and is pumped every 20 s. Paired at 0 s it is not low yet and goes on the list
//! two pumps later; paired at 60 s (7 left) or at 10 minutes (empty) it was already low while
//! unpaired, and is on the list the moment it is paired. Over btleplug's real Linux path, one
//! dispenser per moment. One bus, one test function.

mod common;

use std::time::{Duration, Instant};

use common::Collect;
use steward_api::Steward;
use steward_devices::Deadlines;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind, DeviceState, DispenserState};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

/// The demo dispenser as it is `seconds` after the home started: a pump every 20 s from 10 left.
fn soap_at(seconds: u32, name: &str, n: u8) -> SimDevice {
    let pumps = (seconds / 20).min(10);
    let mut device = SimDevice::new(
        DeviceKind::SoapDispenser,
        name,
        DeviceId([0x50 + n; 16]),
        [0xD0, 0x5E, 0, 0, 0, n],
        SetupCode::parse("1234-5678").expect("code"),
    );
    device.set_state(DeviceState::SoapDispenser(DispenserState {
        remaining: u16::try_from(10 - pumps).expect("small"),
        capacity: 40,
        dispensed_total: pumps,
    }));
    device
}

fn listed(app: &Steward) -> Vec<String> {
    let mut titles: Vec<String> = app
        .shopping_list()
        .expect("list")
        .items
        .into_iter()
        .filter(|i| !i.done)
        .map(|i| i.title)
        .collect();
    titles.sort();
    titles
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_already_low_when_paired_is_on_the_list_at_once() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let moments = [
        (0, "Soap paired at 0 s"),
        (60, "Soap paired at 60 s"),
        (600, "Soap paired at 10 min"),
    ];
    let devices: Vec<SimDevice> = moments
        .iter()
        .zip(1u8..)
        .map(|((seconds, name), n)| soap_at(*seconds, name, n))
        .collect();
    let first = devices[0].id;
    let home = SimHome::start(bus.address(), devices).await.expect("home");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Steward::open(dir.path(), Collect::default(), common::keys());
    let app = common::with_real_hub(app, Deadlines::default()).await;

    let found = app.scan_devices().await.expect("scan");
    for (_, name) in moments {
        let address = found
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.address.clone())
            .unwrap_or_else(|| panic!("{name} found"));
        app.pair_device(&address, "1234-5678", None)
            .await
            .expect("pairs");
    }
    assert_eq!(
        listed(&app),
        ["Soap paired at 10 min", "Soap paired at 60 s"],
        "already low when paired: listed at once; not yet low: not listed"
    );

    // Two more pumps on the one paired at 0 s: 8 left, the threshold.
    home.dispense(&first);
    home.dispense(&first);
    let deadline = Instant::now() + Duration::from_secs(10);
    while listed(&app).len() < 3 {
        assert!(
            Instant::now() < deadline,
            "listed at the threshold: {:?}",
            listed(&app)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        listed(&app),
        [
            "Soap paired at 0 s",
            "Soap paired at 10 min",
            "Soap paired at 60 s"
        ]
    );
}
