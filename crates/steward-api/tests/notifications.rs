//! Notifications through the API, against the reference partner server on loopback: a flood of
//! offers from the brands is cut to the day's budget (one per brand) while a device alert and
//! a reminder are still shown; nothing is said twice, not even after a restart; the owner is
//! asked with the reason the first time something is to be said, never at start, and a refusal
//! leaves everything in the inbox; quiet hours hold offers and release them when switched off;
//! a tap opens the item, and dismissing or stopping a brand takes its notification away.

mod common;

use std::net::{Ipv4Addr, SocketAddr};

use steward_api::inventory_wire::ConsumableInputView;
use steward_api::location_wire::PositionReportInput;
use steward_api::notifications_wire::NotificationSettingsInput;
use steward_api::offers_wire::ItemKeyInput;
use steward_api::{AppEvent, Steward};
use steward_core::notify::Permission;
use steward_partner_server::{brief_partners, PartnerServer};

const PARTNERS: [&str; 5] = ["sudsy", "crumb", "goldcrust", "lumaview", "cornerway"];

fn consumable(name: &str, brand: &str, unit: &str, remaining: i32) -> ConsumableInputView {
    ConsumableInputView {
        name: name.into(),
        brand: Some(brand.into()),
        gtin: None,
        unit: unit.into(),
        capacity: 40,
        remaining,
        threshold: Some(2),
    }
}

struct Home {
    _server: PartnerServer,
    dir: tempfile::TempDir,
    app: Steward,
    events: common::Collect,
    screen: common::Screen,
}

/// Five brands' feeds, soap and bread that four of them have offers for, rinse aid run out;
/// the phone about 280 m from Main Street Market.
async fn home(screen: common::Screen) -> Home {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let events = common::Collect::default();
    let app = Steward::open(dir.path(), events.clone(), common::keys())
        .with_demo_position(52.5219, 13.4132)
        .with_geofence_dwell(0)
        .with_notifier(std::sync::Arc::new(screen.clone()));
    let urls: Vec<String> = PARTNERS.iter().map(|id| server.base_url(id)).collect();
    app.add_partners(&urls).await;
    app.add_consumable(consumable("Dish soap", "sudsy", "packets", 8))
        .expect("soap");
    app.add_consumable(consumable("Bread", "crumb", "slices", 2))
        .expect("bread");
    app.add_consumable(consumable("Rinse aid", "sudsy", "doses", 0))
        .expect("rinse aid");
    app.refresh_offers().await.expect("feeds");
    // Whatever the time of day the test runs at: no quiet hours unless a test sets them.
    app.set_notification_settings(settings(None))
        .expect("settings");
    // The owner uses location, and the phone is at the market (inside both stores' fences).
    app.set_location_use(true).expect("location on");
    app.position_report(PositionReportInput {
        latitude: 52.5219,
        longitude: 13.4132,
        accuracy_meters: 10.0,
    })
    .await
    .expect("at the market");
    Home {
        _server: server,
        dir,
        app,
        events,
        screen,
    }
}

/// The default settings, with these quiet hours (local "HH:MM" from and until) or none.
fn settings(quiet: Option<(String, String)>) -> NotificationSettingsInput {
    NotificationSettingsInput {
        daily_offer_budget: 3,
        per_brand_cap: 1,
        quiet_from: quiet.as_ref().map(|q| q.0.clone()),
        quiet_until: quiet.map(|q| q.1),
        reminders: true,
        tutorials: true,
        offers: true,
    }
}

fn outcomes(entries: &[steward_api::notifications_wire::NotificationEntryView]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{}: {}", e.title, e.words))
        .collect()
}

#[tokio::test]
async fn a_flood_of_offers_is_cut_to_the_budget_while_alerts_and_reminders_are_still_shown() {
    let h = home(common::Screen::granted()).await;
    let entries = h.app.notify_now().expect("decided");
    let said = outcomes(&entries);
    assert_eq!(
        said,
        [
            "Out of Rinse aid: shown",
            "Bread is running low: shown",
            "Sudsy dish soap refill, 15% off: shown",
            "Crumb & Co. sandwich loaf: shown",
            "Goldcrust sourdough, 30% off today: shown",
            "Cornerway own-brand dish soap: in your inbox, not notified: today's limit of 3 offers",
        ],
        "the device alert first, then the reminder, then offers by relevance, one per brand"
    );
    assert_eq!(h.screen.titles().len(), 5);
    let alert = h.screen.shown.lock().expect("screen")[0].clone();
    assert_eq!(alert.channel, steward_core::notify::Channel::DeviceAlert);
    assert_eq!(
        alert.body,
        "Rinse aid has run out. It is on your shopping list."
    );
    assert!(alert.open.starts_with("consumable/"), "{}", alert.open);

    // Nothing new: nothing said, nothing recorded.
    assert!(h.app.notify_now().expect("again").is_empty());
    assert_eq!(h.screen.titles().len(), 5);
    // The owner can read every decision.
    let history = h.app.notification_history(50).expect("history");
    assert_eq!(history.len(), 6);
    assert_eq!(
        history[0].words,
        "in your inbox, not notified: today's limit of 3 offers"
    );
    // Every offer is still in the inbox, notified or not.
    assert_eq!(h.app.inbox(None, false).expect("inbox").items.len(), 4);

    // After a restart the day's decisions stand: nothing is said twice, the budget stays used.
    let dir = h.dir.path().to_owned();
    let again = common::Screen::granted();
    let restarted = Steward::open(&dir, common::Collect::default(), common::keys())
        .with_demo_position(52.5219, 13.4132)
        .with_notifier(std::sync::Arc::new(again.clone()));
    assert!(restarted.notify_now().expect("decided").is_empty());
    assert!(again.titles().is_empty(), "{:?}", again.titles());
}

#[tokio::test]
async fn the_owner_is_asked_with_the_reason_when_something_is_to_be_said_and_may_refuse() {
    let h = home(common::Screen::with(Permission::Ask, Permission::Granted)).await;
    assert_eq!(
        h.app.notification_permission().state,
        "ask",
        "nothing asked at start"
    );
    let entries = h.app.notify_now().expect("decided");
    assert!(entries
        .iter()
        .all(|e| e.words == "in your inbox, not notified: notifications are off for Steward"));
    assert!(h.screen.titles().is_empty());
    assert_eq!(
        *h.screen.asked.lock().expect("asked"),
        0,
        "the system's dialog waits for the owner's yes"
    );
    let asked: Vec<_> = h
        .events
        .0
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            AppEvent::NotificationPermissionNeeded(view) => Some(view.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1, "asked once");
    let reason = asked[0].reason.as_deref().expect("a reason");
    assert!(
        reason.starts_with("Steward has something to tell you: \u{201c}Out of Rinse aid\u{201d}."),
        "{reason}"
    );
    assert!(
        h.app.notify_now().expect("again").is_empty(),
        "not asked again, not recorded again"
    );

    let answered = h.app.answer_notification_permission(true).expect("yes");
    assert_eq!(answered.state, "granted");
    assert_eq!(*h.screen.asked.lock().expect("asked"), 1);
    h.app.notify_now().expect("decided");
    assert_eq!(
        h.screen.titles().len(),
        5,
        "what waited is shown once allowed"
    );

    // Another household refuses: the inbox keeps everything and says so.
    let refused = home(common::Screen::with(Permission::Ask, Permission::Denied)).await;
    refused.app.notify_now().expect("decided");
    let answered = refused
        .app
        .answer_notification_permission(true)
        .expect("no");
    assert_eq!(answered.state, "denied");
    assert_eq!(
        answered.message.as_deref(),
        Some("Notifications are off for Steward. Everything still arrives in your inbox; to be told at once, allow them in the system's settings.")
    );
    refused.app.notify_now().expect("decided");
    assert!(refused.screen.titles().is_empty());
    assert_eq!(
        refused.app.inbox(None, false).expect("inbox").items.len(),
        4
    );
}

#[tokio::test]
async fn quiet_hours_hold_offers_but_not_the_alert_and_release_them_when_switched_off() {
    let h = home(common::Screen::granted()).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let hhmm = |at: i64| {
        let minute = at.rem_euclid(86_400) / 60;
        format!("{:02}:{:02}", minute / 60, minute % 60)
    };
    // Quiet from an hour ago until two hours from now (UTC: the household's offset is 0).
    h.app
        .set_notification_settings(settings(Some((hhmm(now - 3_600), hhmm(now + 7_200)))))
        .expect("quiet now");
    let entries = h.app.notify_now().expect("decided");
    let said = outcomes(&entries);
    assert_eq!(said[0], "Out of Rinse aid: shown", "{said:?}");
    assert!(
        said[1..]
            .iter()
            .all(|s| s.contains(&format!("held until {}: quiet hours", hhmm(now + 7_200)))),
        "{said:?}"
    );
    assert_eq!(
        h.screen.titles(),
        ["Out of Rinse aid"],
        "the alert at once; the reminder and offers wait for the morning"
    );

    h.app
        .set_notification_settings(settings(None))
        .expect("quiet off");
    let released = outcomes(&h.app.notify_now().expect("released"));
    assert_eq!(released.len(), 5, "{released:?}");
    assert_eq!(h.screen.titles().len(), 5, "{:?}", h.screen.titles());
}

#[tokio::test]
async fn a_tap_opens_the_item_and_dismissing_or_stopping_a_brand_takes_its_notification_away() {
    let h = home(common::Screen::granted()).await;
    h.app.notify_now().expect("decided");
    let shown = h.screen.shown.lock().expect("screen").clone();
    let soap = shown
        .iter()
        .find(|n| n.title.starts_with("Sudsy"))
        .expect("soap offer shown");
    assert_eq!(soap.open, "offer/sudsy/sudsy-soap-15");

    let opened = h.app.notification_opened(&soap.open).expect("opened");
    assert_eq!(
        (opened.kind.as_str(), opened.item_id.as_deref()),
        ("offer", Some("sudsy-soap-15"))
    );
    assert!(h
        .events
        .0
        .lock()
        .expect("events")
        .iter()
        .any(|e| matches!(e, AppEvent::NotificationOpened(v) if *v == opened)));
    let inbox = h.app.inbox(None, false).expect("inbox");
    assert!(
        !inbox
            .items
            .iter()
            .find(|i| i.item_id == "sudsy-soap-15")
            .expect("listed")
            .is_new,
        "opened from the notification: seen"
    );
    assert!(
        h.app.notification_opened("offer/sudsy/<b>x</b>").is_err(),
        "a tampered payload opens nothing"
    );

    let bread = shown
        .iter()
        .find(|n| n.title == "Crumb & Co. sandwich loaf")
        .expect("bread offer");
    h.app
        .mark_item(
            ItemKeyInput {
                partner_id: "crumb".into(),
                kind: "offer".into(),
                item_id: "crumb-loaf".into(),
            },
            "dismiss",
            None,
        )
        .expect("dismissed");
    assert_eq!(*h.screen.closed.lock().expect("closed"), [bread.id]);

    let coupon = shown
        .iter()
        .find(|n| n.title == "Goldcrust sourdough, 30% off today")
        .expect("coupon");
    h.app
        .mute_partner("goldcrust", true, None)
        .expect("stopped");
    assert_eq!(
        *h.screen.closed.lock().expect("closed"),
        [bread.id, coupon.id]
    );
}
