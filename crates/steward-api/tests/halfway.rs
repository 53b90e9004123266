//! A device that stops answering half way through pairing (after its PAKE reply, or after
//! swapping keys but before pair-verify) gives the owner a plain "did not answer" and leaves
//! nothing behind in the household: no device, no supply, no key. Over btleplug's real Linux
//! path against the simulated home. One bus, one test function.

mod common;

use std::time::{Duration, Instant};

use common::Collect;
use steward_api::{ErrorCode, Steward};
use steward_devices::Deadlines;
use steward_simhome::{brief_home, PrivateBus, SimHome};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_stops_half_way_leaves_nothing_behind() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let soap = brief_home::devices().remove(0).device;
    let id = soap.id;
    let home = SimHome::start(bus.address(), vec![soap])
        .await
        .expect("home");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Steward::open(dir.path(), Collect::default(), common::keys());
    let deadlines = Deadlines {
        operation: Duration::from_millis(800),
        ..Deadlines::default()
    };
    let app = common::with_real_hub(app, deadlines).await;
    let address = app.scan_devices().await.expect("scan")[0].address.clone();

    // Silent after its PAKE reply (1), then after swapping keys (2: PairedWith, no VerifyReply).
    for answered in [1, 2] {
        home.configure(&id, |d| d.open_pairing(Instant::now()));
        home.update_faults(&id, |f| f.silent_after = Some(answered));
        let started = Instant::now();
        let refused = app
            .pair_device(&address, "1234-5678", None)
            .await
            .expect_err("a device that stops answering is not paired");
        assert_eq!(refused.code, ErrorCode::Device, "{refused:?}");
        assert!(
            refused.message.contains("did not answer in time"),
            "the owner is told plainly: {}",
            refused.message
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "within the deadline, not a hang"
        );
        assert!(
            app.home().expect("home").devices.is_empty(),
            "no device kept"
        );
        assert!(
            app.inventory().expect("inventory").consumables.is_empty(),
            "no supply started"
        );
        home.update_faults(&id, |f| f.silent_after = None);
    }

    // Answering again, with the pairing button pressed, it pairs: nothing half-done was in the way.
    home.configure(&id, |d| d.open_pairing(Instant::now()));
    let paired = app
        .pair_device(&address, "1234-5678", None)
        .await
        .expect("pairs once it answers");
    assert!(paired.connected);
    assert_eq!(app.home().expect("home").devices.len(), 1);
}
