//! The Blu-ray maker's guide reaches a confused owner: the player's button presses arrive over
//! btleplug's real Linux path from the simulated home, are kept on the phone as recent events,
//! and the maker's `devicePattern` rule (5 presses within 20 s) is matched on the phone; the
//! guide then opens with the player's state. One bus and one test per file.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use steward_api::offers_wire::ItemKeyInput;
use steward_api::Steward;
use steward_devices::Deadlines;
use steward_partner_server::{brief_partners, PartnerServer};
use steward_protocol::event::Button;
use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind};
use steward_simhome::{PrivateBus, SimDevice, SimHome};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_presses_bring_the_makers_guide_with_the_players_state() {
    let bus = PrivateBus::start().await.expect("private bus");
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let player = DeviceId([0x3b; 16]);
    let home = SimHome::start(
        bus.address(),
        vec![SimDevice::new(
            DeviceKind::BluRayPlayer,
            "Living room player",
            player,
            [0xC3, 0, 0, 0, 0, 3],
            SetupCode::parse("3456-7890").expect("code"),
        )],
    )
    .await
    .expect("home");
    let partners =
        PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
            .await
            .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let app = Steward::open(dir.path(), common::Collect::default(), common::keys());
    let app = common::with_real_hub(app, Deadlines::default()).await;
    app.add_partners(&[partners.base_url("lumaview")]).await;
    app.refresh_offers().await.expect("feeds");

    let found = app.scan_devices().await.expect("scan");
    app.pair_device(&found[0].address, "3456-7890", None)
        .await
        .expect("paired");
    let guide = |app: &Steward| {
        app.inbox(None, false)
            .expect("inbox")
            .items
            .into_iter()
            .find(|i| i.item_id == "lumaview-disc-menu")
    };
    assert!(guide(&app).is_none(), "owning the player is not enough");

    // The owner switches the player on and presses Menu, again and again.
    home.press(&player, Button::Power);
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        home.press(&player, Button::Menu);
    }
    let shown = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(item) = guide(&app) {
                return item;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the guide appears once the presses arrive");
    assert_eq!(shown.kind, "tutorial");
    assert_eq!(
        shown.explanation,
        "Living room player saw 5 presses within 20 seconds: Lumaview's guide \u{201c}Getting to the disc menu\u{201d} may help."
    );

    let tutorial = app
        .tutorial(ItemKeyInput {
            partner_id: "lumaview".into(),
            kind: "tutorial".into(),
            item_id: "lumaview-disc-menu".into(),
        })
        .await
        .expect("guide");
    assert_eq!(tutorial.device_name.as_deref(), Some("Living room player"));
    assert!(
        tutorial.device_state.is_some(),
        "the player's state is shown with the guide"
    );
    assert!(
        partners.recorded().is_empty(),
        "nothing about the presses left the phone"
    );
}
