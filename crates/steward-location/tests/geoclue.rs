//! The GeoClue2 follower against the simulated home's GeoClue on a private bus, used as the
//! system bus: no service at first, then exact positions, a walk, the service stopping (told
//! once) and coming back (reports resume).
//!
//! One test: `DBUS_SYSTEM_BUS_ADDRESS` is process-wide.
#![cfg(target_os = "linux")]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use steward_core::location::LocationSink;
use steward_location::geoclue::follow;
use steward_simhome::geoclue::{LocationService, Position};
use steward_simhome::PrivateBus;

const ALEXANDERPLATZ: (f64, f64) = (52.5219, 13.4132);
const BRANDENBURG_GATE: (f64, f64) = (52.5163, 13.3777);
const ROTES_RATHAUS: (f64, f64) = (52.5186, 13.4081);

const NO_SERVICE: &str = "this computer has no location service";
const STOPPED: &str = "the location service stopped";

#[derive(Debug, Clone, PartialEq)]
enum Heard {
    Report(f64, f64, f64),
    Lost(String),
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Heard>>);

impl Recorder {
    fn heard(&self) -> Vec<Heard> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn push(&self, heard: Heard) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(heard);
    }

    fn losses(&self) -> Vec<String> {
        self.heard()
            .into_iter()
            .filter_map(|h| match h {
                Heard::Lost(why) => Some(why),
                Heard::Report(..) => None,
            })
            .collect()
    }

    /// The reports heard after the first `from` events.
    fn reports_since(&self, from: usize) -> Vec<(f64, f64, f64)> {
        self.heard()
            .into_iter()
            .skip(from)
            .filter_map(|h| match h {
                Heard::Report(lat, lon, acc) => Some((lat, lon, acc)),
                Heard::Lost(_) => None,
            })
            .collect()
    }

    /// Waits (at most `within`) until `done` holds for what was heard.
    async fn until(&self, within: Duration, what: &str, done: impl Fn(&[Heard]) -> bool) {
        let waited = tokio::time::timeout(within, async {
            while !done(&self.heard()) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "{what}; heard {:?}", self.heard());
    }
}

impl LocationSink for Recorder {
    fn report(&self, latitude: f64, longitude: f64, accuracy_m: f64) {
        self.push(Heard::Report(latitude, longitude, accuracy_m));
    }

    fn lost(&self, why: &str) {
        self.push(Heard::Lost(why.to_owned()));
    }
}

fn at((latitude, longitude): (f64, f64)) -> Position {
    Position::new(latitude, longitude).expect("a position on Earth")
}

fn is_report_at(heard: &Heard, (lat, lon): (f64, f64)) -> bool {
    matches!(heard, Heard::Report(la, lo, _) if *la == lat && *lo == lon)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_geoclue_through_a_walk_and_an_outage() {
    let bus = PrivateBus::start().await.expect("bus");
    // Edition 2021: not yet `unsafe`; this is the only test in this binary, so nothing else
    // reads the environment meanwhile.
    std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
    let sink = Arc::new(Recorder::default());
    let follower = tokio::spawn(follow(
        "app.steward.home",
        Arc::clone(&sink) as Arc<dyn LocationSink>,
    ));

    // No GeoClue on the bus yet: told once, however many attempts.
    sink.until(Duration::from_secs(5), "told there is no service", |h| {
        !h.is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(4_500)).await; // two more attempts
    assert_eq!(sink.heard(), [Heard::Lost(NO_SERVICE.into())]);

    // The service appears: found on the next attempt; an exact position (level 8, unrounded).
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    service.set(at(ALEXANDERPLATZ)).await;
    sink.until(Duration::from_secs(5), "the first position", |h| {
        h.iter().any(|h| is_report_at(h, ALEXANDERPLATZ))
    })
    .await;
    let (_, _, accuracy) = sink.reports_since(0)[0];
    assert!((accuracy - 10.0).abs() < 1.0, "accuracy {accuracy}");

    // A walk: several reports, each closer to its end.
    let before_walk = sink.heard().len();
    service
        .walk(at(BRANDENBURG_GATE), Duration::from_secs(2))
        .expect("walking");
    sink.until(Duration::from_secs(6), "the walk's end", |h| {
        h.last().is_some_and(|h| is_report_at(h, BRANDENBURG_GATE))
    })
    .await;
    let walk = sink.reports_since(before_walk);
    assert!(walk.len() >= 3, "several steps: {walk:?}");
    let distance = |(lat, lon, _): (f64, f64, f64)| {
        ((lat - BRANDENBURG_GATE.0).powi(2) + (lon - BRANDENBURG_GATE.1).powi(2)).sqrt()
    };
    for pair in walk.windows(2) {
        assert!(
            distance(pair[1]) < distance(pair[0]),
            "closing in: {walk:?}"
        );
    }

    // The service stops: told exactly once, however long it stays away.
    service.set_available(false).await.expect("off");
    sink.until(Duration::from_secs(5), "told the service stopped", |h| {
        h.iter().any(|h| *h == Heard::Lost(STOPPED.into()))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(4_500)).await; // two more attempts
    assert_eq!(sink.losses(), [NO_SERVICE, STOPPED]);

    // Back, fresh (it forgot every client): the follower reconnects and reports again.
    let before_return = sink.heard().len();
    service.set_available(true).await.expect("on");
    service.set(at(ROTES_RATHAUS)).await;
    sink.until(Duration::from_secs(6), "reports after the return", |h| {
        h[before_return..]
            .iter()
            .any(|h| is_report_at(h, ROTES_RATHAUS))
    })
    .await;
    assert_eq!(sink.losses(), [NO_SERVICE, STOPPED], "no more losses");

    follower.abort();
    let _ = follower.await;
    drop(service);
}
