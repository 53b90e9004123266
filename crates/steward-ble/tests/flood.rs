//! A device that floods the phone while the app is not keeping up costs bounded memory: no more
//! than the hub's and the session's queues hold is kept, commands still get their
//! confirmations, and the device keeps working once the app catches up, its numbering showing
//! what did not arrive. Over btleplug's real Linux path (which, in a burst of thousands, itself
//! delivers only some; the session's own dropping is tested in-process in steward-devices). One
//! bus and one test per file.

mod common;

use std::time::Duration;

use steward_ble::BtleCentral;
use steward_devices::hub::EVENT_QUEUE;
use steward_devices::session::{SessionUpdate, UPDATE_QUEUE};
use steward_devices::{Backoff, Hub, HubEvent};
use steward_protocol::command::Command;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};

/// Well past what both queues hold together.
const FLOOD: u32 = 12_000;

fn event_seq(event: &HubEvent) -> Option<u32> {
    match event {
        HubEvent::Update {
            update: SessionUpdate::Event(e),
            ..
        } => Some(e.seq),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_bounded_and_the_device_keeps_working() {
    let toaster = DeviceId([0x72; 16]);
    let (_bus, home) = common::start_home(vec![common::device(
        DeviceKind::Toaster,
        "Toaster",
        toaster,
        1,
        "1234-5678",
    )])
    .await;
    let (hub, mut events) = Hub::new(
        BtleCentral::first_adapter().await.expect("adapter"),
        Backoff::default(),
    );
    let seen = hub.scan(Duration::from_millis(300)).await.expect("scan");
    hub.pair(
        &seen[0].address,
        &SetupCode::parse("1234-5678").expect("code"),
        None,
    )
    .await
    .expect("pairs");

    // The app stops reading while the toaster reports FLOOD slices.
    for _ in 0..FLOOD {
        home.toast_slice(&toaster);
    }
    // A command's confirmation comes after every slice on the same connection, and does not
    // wait behind the full queues.
    assert_eq!(
        tokio::time::timeout(common::WAIT, hub.command(&toaster, Command::CancelToasting)).await,
        Ok(Ok(())),
        "commands are confirmed during a flood"
    );

    let mut delivered = 0usize;
    while let Ok(Some(event)) =
        tokio::time::timeout(Duration::from_millis(500), events.recv()).await
    {
        if event_seq(&event).is_some() {
            delivered += 1;
        }
    }
    assert!(
        delivered <= EVENT_QUEUE + UPDATE_QUEUE + 2,
        "at most what the queues hold was kept: {delivered}"
    );
    home.toast_slice(&toaster);
    let next = common::wait_for(&mut events, event_seq).await;
    assert!(
        next > FLOOD && usize::try_from(next).is_ok_and(|n| n > delivered),
        "the device keeps working, and its numbering ({next}) shows what did not arrive ({delivered} did)"
    );
}
