//! What deciding notifications costs once a year of history has built up, against a fresh
//! install measured in the same run. A household with the brief's five partners' feeds (from
//! the reference partner server on loopback), three consumables and the phone at the market:
//! every candidate the policy sees in the flood test. "Year" adds what a year of use leaves
//! behind for this path: the notification history at its bound (1,000 decisions, the oldest
//! trimmed) and the inbox's marks for 100 items a week for 52 weeks (5,200, never trimmed).
//!
//! Timed, as the app calls them (median of 25 calls; min and max in brackets):
//! - `pass_ms`: one pass of the notification loop with nothing new to say (matching, the
//!   policy, the history recall): what every poke costs (a device event, a position, a tick);
//! - `history_ms`: the Notifications screen's history (50 entries);
//! - `badge_ms`: the inbox as counted for the Offers badge.
//!
//! Prints one line per household and the ratios year / fresh. Run with `scripts/bench.sh notify`.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use steward_api::inventory_wire::ConsumableInputView;
use steward_api::location_wire::PositionReportInput;
use steward_api::notifications_wire::NotificationSettingsInput;
use steward_api::offers_wire::PositionInput;
use steward_api::Steward;
use steward_core::feed::MatchKind;
use steward_core::notify::{
    Candidate, Channel, Decision, Notification, Notifier, NotifierError, Permission, Reason,
};
use steward_core::store::inbox::{self, ItemKey};
use steward_core::store::{notifications, DatabaseKey};
use steward_core::Store;
use steward_keystore::{get_or_create, Keystore, MemoryKeystore};
use steward_partner_server::{brief_partners, PartnerServer};

const CALLS: usize = 25;
const PARTNERS: [&str; 5] = ["sudsy", "crumb", "goldcrust", "lumaview", "cornerway"];
const MARKET: (f64, f64) = (52.5219, 13.4132);
const DAY: i64 = 86_400;

/// A notification service that always allows and shows nothing.
struct Silent;

impl Notifier for Silent {
    fn permission(&self) -> Permission {
        Permission::Granted
    }
    fn request_permission(&self) -> Permission {
        Permission::Granted
    }
    fn show(&self, _: &Notification) -> Result<(), NotifierError> {
        Ok(())
    }
    fn close(&self, _: i32) {}
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

fn open(dir: &std::path::Path, keys: &Arc<dyn Keystore>) -> Steward {
    Steward::open(dir, steward_api::events::Discard, Arc::clone(keys))
        .with_geofence_dwell(0)
        .with_notifier(Arc::new(Silent))
}

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

/// The household of the flood test, its first pass decided.
async fn household(server: &PartnerServer, dir: &std::path::Path, keys: &Arc<dyn Keystore>) {
    let app = open(dir, keys);
    let urls: Vec<String> = PARTNERS.iter().map(|id| server.base_url(id)).collect();
    app.add_partners(&urls).await;
    for c in [
        consumable("Dish soap", "sudsy", "packets", 8),
        consumable("Bread", "crumb", "slices", 2),
        consumable("Rinse aid", "sudsy", "doses", 0),
    ] {
        app.add_consumable(c).expect("consumable");
    }
    app.refresh_offers().await.expect("feeds");
    app.set_notification_settings(NotificationSettingsInput {
        daily_offer_budget: 3,
        per_brand_cap: 1,
        quiet_from: None,
        quiet_until: None,
        reminders: true,
        tutorials: true,
        offers: true,
    })
    .expect("settings");
    app.set_location_use(true).expect("location");
}

/// What a year leaves behind: the history at its bound, 5,200 inbox marks.
fn a_year_of_history(dir: &std::path::Path, keys: &dyn Keystore) {
    let (secret, _) = get_or_create(keys, "database-key").expect("key");
    let mut store =
        Store::open_encrypted(dir, &DatabaseKey::from_bytes(*secret.expose())).expect("store");
    let end = now();
    for i in 0..1_500_i64 {
        let partner = PARTNERS[usize::try_from(i).unwrap_or(0) % PARTNERS.len()];
        let candidate = Candidate {
            id: format!("offer/{partner}/old-{i}"),
            collapse_key: format!("{partner}/old-{i}"),
            channel: Channel::Offer,
            brand: Some((partner.to_owned(), partner.to_owned())),
            relevance: 5,
            expires_at: None,
        };
        let decision = if i % 3 == 0 {
            Decision::Show
        } else {
            Decision::Inbox(Reason::DailyBudget(3))
        };
        let at = end - 365 * DAY + i * (365 * DAY / 1_500);
        notifications::record(&mut store, at, &candidate, "An old offer", &decision, 0)
            .expect("history");
    }
    for week in 0..52_i64 {
        let keys: Vec<ItemKey> = (0..100)
            .map(|n| ItemKey {
                partner_id: PARTNERS[n % PARTNERS.len()].to_owned(),
                kind: MatchKind::Offer,
                item_id: format!("week-{week}-item-{n}"),
            })
            .collect();
        inbox::seen(&mut store, &keys, end - (52 - week) * 7 * DAY).expect("marks");
    }
}

fn show((median, min, max): (f64, f64, f64)) -> String {
    format!("{median:.2} [{min:.2}, {max:.2}]")
}

struct Figures {
    pass: (f64, f64, f64),
    history: (f64, f64, f64),
    badge: (f64, f64, f64),
}

async fn measure(server: &PartnerServer, year: bool) -> Figures {
    let dir = tempfile::tempdir().expect("dir");
    let keys: Arc<dyn Keystore> = Arc::new(MemoryKeystore::default());
    household(server, dir.path(), &keys).await;
    if year {
        a_year_of_history(dir.path(), keys.as_ref());
    }
    let app = open(dir.path(), &keys);
    app.position_report(PositionReportInput {
        latitude: MARKET.0,
        longitude: MARKET.1,
        accuracy_meters: 10.0,
    })
    .await
    .expect("at the market");
    app.location_tick().await;
    let decided = app.notify_now().expect("first pass");
    assert!(!decided.is_empty(), "the first pass decides the flood");
    let position = Some(PositionInput {
        latitude: MARKET.0,
        longitude: MARKET.1,
    });
    let figures = Figures {
        pass: common::time(CALLS, || {
            let again = app.notify_now().expect("pass");
            assert!(again.is_empty(), "nothing new");
        }),
        history: common::time(CALLS, || {
            app.notification_history(50).expect("history");
        }),
        badge: common::time(CALLS, || {
            app.inbox(position, false).expect("badge");
        }),
    };
    println!(
        "notify history={} pass_ms={} history_ms={} badge_ms={}",
        if year { "year" } else { "fresh" },
        show(figures.pass),
        show(figures.history),
        show(figures.badge),
    );
    figures
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server =
            PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
                .await
                .expect("partner server");
        let fresh = measure(&server, false).await;
        let year = measure(&server, true).await;
        println!(
            "notify ratio year/fresh: pass={:.2} history={:.2} badge={:.2}",
            year.pass.0 / fresh.pass.0,
            year.history.0 / fresh.history.0,
            year.badge.0 / fresh.badge.0,
        );
    });
}
