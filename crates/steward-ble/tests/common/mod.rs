//! What the BLE tests share: a simulated home on a private bus, and waiting for a hub event
//! without hanging the suite. Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use steward_devices::HubEvent;
use tokio::sync::mpsc::Receiver;

/// How long any expected hub event may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// Waits for the first hub event `pick` accepts, skipping the rest.
pub async fn wait_for<T>(
    events: &mut Receiver<HubEvent>,
    mut pick: impl FnMut(&HubEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.recv().await.expect("hub open");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the expected hub event in time")
}

/// Starts a private bus serving `devices` as the simulated home, and points btleplug at it.
/// Keep the bus alive for the test: dropping it stops the home's dbus-daemon.
pub async fn start_home(
    devices: Vec<steward_simhome::SimDevice>,
) -> (steward_simhome::PrivateBus, steward_simhome::SimHome) {
    let bus = steward_simhome::PrivateBus::start()
        .await
        .expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let home = steward_simhome::SimHome::start(bus.address(), devices)
        .await
        .expect("home");
    (bus, home)
}

/// A simulated device with its setup code; its address ends in `last`.
pub fn device(
    kind: steward_protocol::DeviceKind,
    name: &str,
    id: steward_protocol::DeviceId,
    last: u8,
    code: &str,
) -> steward_simhome::SimDevice {
    steward_simhome::SimDevice::new(
        kind,
        name,
        id,
        [0xC3, 0, 0, 0, 0, last],
        steward_protocol::pairing::SetupCode::parse(code).expect("valid code"),
    )
}
