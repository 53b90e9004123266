//! A batch of device events that cannot be committed (another process holds the database's write
//! lock past the busy timeout: what a backup tool or a second instance does) is not lost: the
//! events are kept and written again once the store takes writes, so the inventory ends where
//! the device is, packet for packet. Over btleplug's real Linux path. One bus, one test.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Collect;
use steward_api::Steward;
use steward_devices::Deadlines;
use steward_protocol::DeviceState;
use steward_simhome::{brief_home, PrivateBus, SimHome};

async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_from_a_batch_that_failed_are_written_once_the_store_takes_writes() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let soap = brief_home::devices().remove(0).device;
    let id = soap.id;
    let home = SimHome::start(bus.address(), vec![soap])
        .await
        .expect("home");
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = common::keys();
    let app = Steward::open(dir.path(), Collect::default(), Arc::clone(&keys));
    let app = common::with_real_hub(app, Deadlines::default()).await;
    let address = app.scan_devices().await.expect("scan")[0].address.clone();
    app.pair_device(&address, "1234-5678", None)
        .await
        .expect("pairs");
    let cid = app.inventory().expect("inventory").consumables[0].id;
    let remaining = |app: &Steward| {
        app.consumable_detail(cid)
            .expect("detail")
            .summary
            .remaining
    };
    let start = remaining(&app);
    home.dispense(&id);
    eventually("the first packet", || {
        (remaining(&app) == start - 1).then_some(())
    })
    .await;

    // Another process takes the write lock and keeps it past the store's 5 s busy timeout.
    let key = keys
        .read("database-key")
        .expect("keystore")
        .expect("the database key");
    let blocker =
        rusqlite::Connection::open(dir.path().join(steward_core::store::FILE_NAME)).expect("open");
    blocker
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; BEGIN IMMEDIATE;",
            key.to_hex().as_str()
        ))
        .expect("the write lock");
    home.dispense(&id);
    home.dispense(&id);
    home.dispense(&id);
    tokio::time::sleep(Duration::from_millis(6_500)).await;
    blocker.execute_batch("ROLLBACK;").expect("released");
    drop(blocker);

    eventually("the three packets of the failed batch", || {
        (remaining(&app) == start - 4).then_some(())
    })
    .await;
    home.dispense(&id);
    eventually("and the next", || {
        (remaining(&app) == start - 5).then_some(())
    })
    .await;
    let on_device = match home.device(&id).expect("device").state() {
        DeviceState::SoapDispenser(s) => u32::from(s.remaining),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        remaining(&app),
        on_device,
        "the inventory is where the device is"
    );
    assert_eq!(
        app.consumable_detail(cid)
            .expect("detail")
            .daily_use
            .last()
            .map(|d| d.amount),
        Some(5),
        "every packet is in today's use, none twice"
    );
}
