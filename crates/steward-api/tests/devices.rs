//! The device commands as the UI calls them, over btleplug's real Linux path against the
//! simulated home, with the household in a SQLite file: pairing survives a restart.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Collect;
use steward_api::wire::{CommandInput, DeviceStateView};
use steward_api::{AppEvent, ErrorCode, Steward};
use steward_devices::Deadlines;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

async fn steward(dir: &std::path::Path, events: Collect) -> Arc<Steward> {
    let steward = Steward::open(dir, events, common::keys());
    let steward = common::with_real_hub(steward, Deadlines::default()).await;
    steward
}

/// Waits up to 10 s for the device's detail to show `percent` battery.
async fn battery_becomes(
    app: &Steward,
    id: &str,
    percent: u8,
) -> Result<(), tokio::time::error::Elapsed> {
    tokio::time::timeout(Duration::from_secs(10), async {
        while app
            .device_detail(id)
            .await
            .ok()
            .and_then(|d| d.battery_percent)
            != Some(percent)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_and_control_through_the_api_survive_a_restart() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let light = DeviceId([0x4c; 16]);
    let home = SimHome::start(
        bus.address(),
        vec![SimDevice::new(
            DeviceKind::Light,
            "Kitchen\n light\u{202E}\u{7}",
            light,
            [0xC4, 0, 0, 0, 0, 1],
            SetupCode::parse("2468-1357").expect("code"),
        )],
    )
    .await
    .expect("home");
    let dir = tempfile::tempdir().expect("temp dir");

    let events = Collect::default();
    let app = steward(dir.path(), events.clone()).await;
    let found = app.scan_devices().await.expect("scan");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].name.as_str(), found[0].kind.as_str()),
        ("Kitchen light", "light"),
        "odd text from the air is cleaned"
    );

    let wrong = app
        .pair_device(&found[0].address, "1111-2222", None)
        .await
        .expect_err("a wrong code is refused");
    assert_eq!(
        wrong.code,
        ErrorCode::WrongCode,
        "the pairing form stays open: {}",
        wrong.message
    );
    assert!(
        app.home().expect("home").devices.is_empty(),
        "a refused device is not stored"
    );
    let bad = app
        .pair_device(&found[0].address, "12ab", None)
        .await
        .expect_err("not a code");
    assert_eq!(bad.code, ErrorCode::WrongCode);

    let paired = app
        .pair_device(&found[0].address, "2468-1357", None)
        .await
        .expect("the printed code pairs");
    assert!(paired.connected, "the new device is connected");
    assert_eq!(
        paired.state,
        Some(DeviceStateView::Light {
            on: false,
            brightness: 80
        })
    );
    assert_eq!(
        app.home().expect("home").devices.len(),
        1,
        "the device is stored"
    );
    assert_eq!(found[0].paired_as, None, "before pairing it is new");
    let again = app.scan_devices().await.expect("scan again");
    assert_eq!(
        again[0]
            .paired_as
            .as_ref()
            .map(|p| (p.id.as_str(), p.name.as_str())),
        Some((paired.id.as_str(), "Kitchen light")),
        "a scan says which device is already paired"
    );

    let lit = app
        .device_command(&paired.id, CommandInput::SetBrightness { percent: 35 })
        .await
        .expect("confirmed");
    assert_eq!(
        lit.state,
        Some(DeviceStateView::Light {
            on: true,
            brightness: 35
        }),
        "the state the device confirmed"
    );
    let refused = app
        .device_command(&paired.id, CommandInput::Refill { packets: 4 })
        .await
        .expect_err("a light holds no soap");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(
        events
            .0
            .lock()
            .expect("events")
            .iter()
            .any(|e| matches!(e, AppEvent::DeviceChanged(d) if d.id == paired.id)),
        "device changes are announced to the UI"
    );

    // The battery is followed while connected; a level that is not a percentage is refused.
    assert_eq!(paired.battery_percent, Some(87), "read when pairing");
    home.set_battery(&light, 15);
    battery_becomes(&app, &paired.id, 15)
        .await
        .expect("the new battery level arrives by notification");
    home.set_battery(&light, 150);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.device_detail(&paired.id)
            .await
            .expect("detail")
            .battery_percent,
        Some(15),
        "150% is refused and the last good level stands"
    );
    home.set_battery(&light, 14);
    battery_becomes(&app, &paired.id, 14)
        .await
        .expect("after the refused 150%, the next good level is shown");
    drop(app);

    // A restart: the device is remembered by identity and reconnected with the stored keys.
    let events = Collect::default();
    let again = steward(dir.path(), events.clone()).await;
    again.restore_devices().expect("restore");
    let reconnected = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(detail) = again.device_detail(&paired.id).await {
                if detail.connected {
                    return detail;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("reconnected after a restart");
    assert_eq!(reconnected.name, "Kitchen light");
    let off = again
        .device_command(&paired.id, CommandInput::SetPower { on: false })
        .await
        .expect("authenticated again");
    assert_eq!(
        off.state,
        Some(DeviceStateView::Light {
            on: false,
            brightness: 35
        })
    );
}
