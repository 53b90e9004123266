//! The simulated GeoClue2 on a private bus, driven as the app's location client will drive it:
//! a client must name itself before it starts, hears each scripted position as a new Location
//! object, walks arrive step by step, the distance threshold and coarse location are honoured,
//! and the whole service can leave the bus and come back.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use steward_simhome::geoclue::{LocationService, Position, NAME};
use steward_simhome::scenario::Runner;
use steward_simhome::{PrivateBus, Scenario, SimHome};
use zbus::fdo;
use zbus::proxy::CacheProperties;
use zbus::{Connection, ObjectPath, OwnedObjectPath};

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Manager",
    default_service = "org.freedesktop.GeoClue2",
    default_path = "/org/freedesktop/GeoClue2/Manager"
)]
trait Manager {
    fn get_client(&self) -> zbus::Result<OwnedObjectPath>;
    fn create_client(&self) -> zbus::Result<OwnedObjectPath>;
    fn delete_client(&self, client: &ObjectPath<'_>) -> zbus::Result<()>;
    #[zbus(property)]
    fn in_use(&self) -> zbus::Result<bool>;
    #[zbus(property)]
    fn available_accuracy_level(&self) -> zbus::Result<u32>;
}

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Client",
    default_service = "org.freedesktop.GeoClue2"
)]
trait Client {
    fn start(&self) -> zbus::Result<()>;
    fn stop(&self) -> zbus::Result<()>;
    #[zbus(property)]
    fn location(&self) -> zbus::Result<OwnedObjectPath>;
    #[zbus(property)]
    fn desktop_id(&self) -> zbus::Result<String>;
    #[zbus(property)]
    fn set_desktop_id(&self, id: &str) -> zbus::Result<()>;
    #[zbus(property)]
    fn distance_threshold(&self) -> zbus::Result<u32>;
    #[zbus(property)]
    fn set_distance_threshold(&self, metres: u32) -> zbus::Result<()>;
    #[zbus(property)]
    fn time_threshold(&self) -> zbus::Result<u32>;
    #[zbus(property)]
    fn set_time_threshold(&self, seconds: u32) -> zbus::Result<()>;
    #[zbus(property)]
    fn requested_accuracy_level(&self) -> zbus::Result<u32>;
    #[zbus(property)]
    fn set_requested_accuracy_level(&self, level: u32) -> zbus::Result<()>;
    #[zbus(property)]
    fn active(&self) -> zbus::Result<bool>;
    #[zbus(signal)]
    fn location_updated(&self, old: ObjectPath<'_>, new: ObjectPath<'_>) -> zbus::Result<()>;
}

#[zbus::proxy(
    interface = "org.freedesktop.GeoClue2.Location",
    default_service = "org.freedesktop.GeoClue2"
)]
trait Location {
    #[zbus(property)]
    fn latitude(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn longitude(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn accuracy(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn altitude(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn speed(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn heading(&self) -> zbus::Result<f64>;
    #[zbus(property)]
    fn description(&self) -> zbus::Result<String>;
    #[zbus(property)]
    fn timestamp(&self) -> zbus::Result<(u64, u64)>;
}

const EXACT: u32 = 8;
const CITY: u32 = 4;
const ALEXANDERPLATZ: (f64, f64) = (52.5219, 13.4132);
const BRANDENBURG_GATE: (f64, f64) = (52.5163, 13.3777);

fn at((latitude, longitude): (f64, f64)) -> Position {
    Position::new(latitude, longitude).expect("a position on Earth")
}

async fn connect(bus: &PrivateBus) -> Connection {
    zbus::connection::Builder::address(bus.address())
        .build()
        .await
        .expect("the app's connection")
}

async fn manager(app: &Connection) -> ManagerProxy<'static> {
    ManagerProxy::builder(app)
        .cache_properties(CacheProperties::No)
        .build()
        .await
        .expect("manager proxy")
}

async fn client(app: &Connection, path: &OwnedObjectPath) -> ClientProxy<'static> {
    ClientProxy::builder(app)
        .path(path.clone())
        .cache_properties(CacheProperties::No)
        .build()
        .await
        .expect("client proxy")
}

async fn location(app: &Connection, path: &ObjectPath<'_>) -> LocationProxy<'static> {
    LocationProxy::builder(app)
        .path(path.to_owned())
        .cache_properties(CacheProperties::No)
        .build()
        .await
        .expect("location proxy")
}

/// A client of `app`'s, named, asking for `level`, started, listening: as the app will do it.
async fn started_client(
    app: &Connection,
    level: u32,
) -> (ClientProxy<'static>, LocationUpdatedStream) {
    let path = manager(app).await.create_client().await.expect("a client");
    let client = client(app, &path).await;
    client
        .set_desktop_id("app.steward.home")
        .await
        .expect("named");
    client
        .set_requested_accuracy_level(level)
        .await
        .expect("level");
    let updates = client.receive_location_updated().await.expect("updates");
    client.start().await.expect("started");
    (client, updates)
}

/// The next LocationUpdated: (old, new).
async fn next_update(updates: &mut LocationUpdatedStream) -> (OwnedObjectPath, OwnedObjectPath) {
    let signal = tokio::time::timeout(Duration::from_secs(5), updates.next())
        .await
        .expect("a LocationUpdated within 5 s")
        .expect("the stream goes on");
    let args = signal.args().expect("(oo)");
    (args.old().to_owned().into(), args.new().to_owned().into())
}

/// Asserts that no LocationUpdated arrives for a while.
async fn quiet(updates: &mut LocationUpdatedStream, why: &str) {
    if let Ok(Some(signal)) = tokio::time::timeout(Duration::from_millis(700), updates.next()).await
    {
        panic!("{why}: {:?}", signal.args().map(|a| a.new().to_string()));
    }
}

/// Latitude and longitude of a Location object.
async fn where_(app: &Connection, path: &OwnedObjectPath) -> (f64, f64) {
    let location = location(app, path).await;
    (
        location.latitude().await.expect("latitude"),
        location.longitude().await.expect("longitude"),
    )
}

fn access_denied(error: zbus::Error) -> String {
    match fdo::Error::from(error) {
        fdo::Error::AccessDenied(message) => message,
        other => panic!("AccessDenied expected, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_must_name_itself_then_hears_each_position_as_a_new_location() {
    let bus = PrivateBus::start().await.expect("bus");
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    let app = connect(&bus).await;
    let manager = manager(&app).await;
    assert_eq!(
        manager.available_accuracy_level().await.expect("level"),
        EXACT
    );
    assert!(!manager.in_use().await.expect("in use"));

    let path = manager.get_client().await.expect("a client");
    assert_eq!(path.as_str(), "/org/freedesktop/GeoClue2/Client/1");
    assert_eq!(
        manager.get_client().await.expect("again"),
        path,
        "GetClient reuses"
    );
    let other = manager.create_client().await.expect("another");
    assert_ne!(other, path, "CreateClient always creates");
    manager
        .delete_client(&other.as_ref())
        .await
        .expect("deleted");
    assert!(client(&app, &other).await.active().await.is_err(), "gone");

    let client = client(&app, &path).await;
    assert_eq!(client.location().await.expect("location").as_str(), "/");
    assert_eq!(
        client.requested_accuracy_level().await.expect("level"),
        CITY,
        "GeoClue's default"
    );
    let refused = client.start().await.expect_err("no DesktopId");
    assert!(access_denied(refused).contains("DesktopId"));
    assert!(!client.active().await.expect("active"));

    client
        .set_desktop_id("app.steward.home")
        .await
        .expect("named");
    client
        .set_requested_accuracy_level(EXACT)
        .await
        .expect("level");
    client.set_time_threshold(30).await.expect("time threshold");
    assert_eq!(client.time_threshold().await.expect("stored"), 30);
    let mut updates = client.receive_location_updated().await.expect("updates");
    client.start().await.expect("started");
    assert!(client.active().await.expect("active"));
    assert!(manager.in_use().await.expect("in use"));
    quiet(&mut updates, "no position yet, nothing to tell").await;

    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    service.set(at(ALEXANDERPLATZ)).await;
    let (old, first) = next_update(&mut updates).await;
    assert_eq!(old.as_str(), "/");
    assert_eq!(client.location().await.expect("location"), first);
    let fix = location(&app, &first).await;
    assert_eq!(where_(&app, &first).await, ALEXANDERPLATZ);
    assert_eq!(fix.accuracy().await.expect("accuracy"), 10.0);
    assert_eq!(fix.altitude().await.expect("altitude"), f64::MIN, "unknown");
    assert_eq!(fix.speed().await.expect("speed"), -1.0, "unknown");
    assert!(fix.timestamp().await.expect("timestamp").0 >= before);

    // Clients and locations answer only the app that asked, as GeoClue's do.
    let stranger = connect(&bus).await;
    let snoop = self::client(&stranger, &path).await;
    access_denied(snoop.desktop_id().await.expect_err("not the stranger's"));
    access_denied(snoop.stop().await.expect_err("not the stranger's"));
    access_denied(
        location(&stranger, &first)
            .await
            .latitude()
            .await
            .expect_err("not the stranger's"),
    );

    service.set(at(BRANDENBURG_GATE)).await;
    let (old, second) = next_update(&mut updates).await;
    assert_eq!(old, first, "each position is a new object");
    assert_ne!(second, first);
    assert_eq!(where_(&app, &second).await, BRANDENBURG_GATE);
    assert_eq!(
        where_(&app, &first).await,
        ALEXANDERPLATZ,
        "the old one is still readable right after"
    );

    client.stop().await.expect("stopped");
    assert!(!client.active().await.expect("active"));
    assert!(!manager.in_use().await.expect("in use"));
    service.set(at(ALEXANDERPLATZ)).await;
    quiet(&mut updates, "a stopped client hears nothing").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_reports_several_positions_closing_in_on_its_end() {
    let bus = PrivateBus::start().await.expect("bus");
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    let app = connect(&bus).await;
    service.set(at(ALEXANDERPLATZ)).await;
    let (_client, mut updates) = started_client(&app, EXACT).await;
    next_update(&mut updates).await;

    service
        .walk(at(BRANDENBURG_GATE), Duration::from_secs(2))
        .expect("walking");
    let distance = |(lat, lon): (f64, f64)| {
        ((lat - BRANDENBURG_GATE.0).powi(2) + (lon - BRANDENBURG_GATE.1).powi(2)).sqrt()
    };
    let mut seen = Vec::new();
    loop {
        let (_, new) = next_update(&mut updates).await;
        let here = where_(&app, &new).await;
        if seen.is_empty() {
            let fix = location(&app, &new).await;
            let speed = fix.speed().await.expect("speed");
            // About 2.4 km in 2 s.
            assert!((1_000.0..1_400.0).contains(&speed), "speed {speed}");
            let heading = fix.heading().await.expect("heading");
            assert!((240.0..270.0).contains(&heading), "heading west: {heading}");
        }
        seen.push(here);
        if here == BRANDENBURG_GATE {
            break;
        }
    }
    assert!(seen.len() >= 3, "several steps: {seen:?}");
    for pair in seen.windows(2) {
        assert!(
            distance(pair[1]) < distance(pair[0]),
            "closing in: {seen:?}"
        );
    }
    quiet(&mut updates, "the walk has ended").await;
    assert_eq!(service.position(), Some(at(BRANDENBURG_GATE)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_distance_threshold_holds_back_small_moves() {
    let bus = PrivateBus::start().await.expect("bus");
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    let app = connect(&bus).await;
    let path = manager(&app).await.get_client().await.expect("client");
    let client = client(&app, &path).await;
    client
        .set_desktop_id("app.steward.home")
        .await
        .expect("named");
    client
        .set_requested_accuracy_level(EXACT)
        .await
        .expect("level");
    client
        .set_distance_threshold(1_000)
        .await
        .expect("threshold");
    assert_eq!(client.distance_threshold().await.expect("stored"), 1_000);
    let mut updates = client.receive_location_updated().await.expect("updates");
    client.start().await.expect("started");

    service.set(at(ALEXANDERPLATZ)).await;
    let (_, first) = next_update(&mut updates).await;
    service.set(at((52.5229, 13.4132))).await; // about 110 m north
    quiet(&mut updates, "110 m is under the 1 km threshold").await;
    service.set(at(BRANDENBURG_GATE)).await; // about 2.4 km away
    let (old, next) = next_update(&mut updates).await;
    assert_eq!(old, first, "the small move was never announced");
    assert_eq!(where_(&app, &next).await, BRANDENBURG_GATE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coarse_location_is_rounded_and_reported_as_city_level() {
    let bus = PrivateBus::start().await.expect("bus");
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    let app = connect(&bus).await;
    let manager = manager(&app).await;
    service.set_coarse(true).await;
    assert_eq!(
        manager.available_accuracy_level().await.expect("level"),
        CITY
    );

    let (_client, mut updates) = started_client(&app, EXACT).await;
    service.set(at(ALEXANDERPLATZ)).await;
    let (_, coarse) = next_update(&mut updates).await;
    let (lat, lon) = where_(&app, &coarse).await;
    assert!(
        (lat - 52.52).abs() < 1e-9 && (lon - 13.41).abs() < 1e-9,
        "{lat},{lon}"
    );
    let fix = location(&app, &coarse).await;
    assert!(fix.accuracy().await.expect("accuracy") >= 1_000.0);

    service.set_coarse(false).await;
    assert_eq!(
        manager.available_accuracy_level().await.expect("level"),
        EXACT
    );
    service.set(at(ALEXANDERPLATZ)).await;
    let (_, precise) = next_update(&mut updates).await;
    assert_eq!(where_(&app, &precise).await, ALEXANDERPLATZ);
    assert_eq!(
        location(&app, &precise)
            .await
            .accuracy()
            .await
            .expect("accuracy"),
        10.0
    );

    // An app that does not ask for more gets GeoClue's default: city level.
    let path = manager.create_client().await.expect("client");
    let modest = client(&app, &path).await;
    modest
        .set_desktop_id("app.steward.home")
        .await
        .expect("named");
    let mut heard = modest.receive_location_updated().await.expect("updates");
    modest.start().await.expect("started");
    let (_, city) = next_update(&mut heard).await;
    assert!(
        location(&app, &city)
            .await
            .accuracy()
            .await
            .expect("accuracy")
            >= 1_000.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn location_off_takes_geoclue_off_the_bus_and_on_brings_it_back_fresh() {
    let bus = PrivateBus::start().await.expect("bus");
    let service = LocationService::start(bus.address())
        .await
        .expect("service");
    let app = connect(&bus).await;
    let dbus = fdo::DBusProxy::new(&app).await.expect("bus proxy");
    let name = || zbus::names::BusName::try_from(NAME).expect("name");
    assert!(dbus.name_has_owner(name()).await.expect("asked"));
    service.set(at(ALEXANDERPLATZ)).await;
    let (client, mut updates) = started_client(&app, EXACT).await;
    next_update(&mut updates).await;

    service.set_available(false).await.expect("off");
    assert!(!service.available().await);
    assert!(!dbus.name_has_owner(name()).await.expect("asked"));
    assert!(manager(&app).await.get_client().await.is_err());
    assert!(client.active().await.is_err(), "its clients went with it");
    service.set(at(BRANDENBURG_GATE)).await; // the phone moves meanwhile

    service.set_available(true).await.expect("on");
    assert!(dbus.name_has_owner(name()).await.expect("asked"));
    let path = manager(&app).await.get_client().await.expect("a client");
    assert_eq!(
        path.as_str(),
        "/org/freedesktop/GeoClue2/Client/1",
        "a fresh daemon"
    );
    let (_client, mut updates) = started_client(&app, EXACT).await;
    let (old, new) = next_update(&mut updates).await;
    assert_eq!(old.as_str(), "/");
    assert_eq!(
        where_(&app, &new).await,
        BRANDENBURG_GATE,
        "the last position"
    );

    drop(service);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while dbus.name_has_owner(name()).await.expect("asked") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "a dropped service leaves the bus"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_that_leaves_the_bus_leaves_no_client_behind() {
    let bus = PrivateBus::start().await.expect("bus");
    let _service = LocationService::start(bus.address())
        .await
        .expect("service");
    let watcher = connect(&bus).await;
    let manager = manager(&watcher).await;
    let app = connect(&bus).await;
    let (_client, _updates) = started_client(&app, EXACT).await;
    assert!(manager.in_use().await.expect("in use"));
    drop(_client);
    drop(_updates);
    app.close().await.expect("closed");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while manager.in_use().await.expect("in use") {
        assert!(tokio::time::Instant::now() < deadline, "still in use");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_steps_move_the_phone_and_switch_the_service() {
    let bus = PrivateBus::start().await.expect("bus");
    let home = Arc::new(
        SimHome::start(bus.address(), Vec::new())
            .await
            .expect("home"),
    );
    let service = Arc::new(
        LocationService::start(bus.address())
            .await
            .expect("service"),
    );
    let step = |line: &str| Scenario::parse(line).expect(line);

    let mut without = Runner::new(Arc::clone(&home));
    let refused = without
        .run(&step("location 52.5219,13.4132"))
        .await
        .expect_err("no location service");
    assert!(
        refused.contains("this home serves no location"),
        "{refused}"
    );

    let mut runner = Runner::new(Arc::clone(&home)).with_location(Arc::clone(&service));
    let nowhere = runner
        .run(&step("walk to 52.5163,13.3777 in 1s"))
        .await
        .expect_err("nowhere to walk from");
    assert!(nowhere.contains("no position to walk from"), "{nowhere}");

    runner
        .run(&step(
            "location 52.5219,13.4132\nwalk to 52.5163,13.3777 in 1s\nwait 1500ms",
        ))
        .await
        .expect("walked");
    assert_eq!(service.position(), Some(at(BRANDENBURG_GATE)));

    runner
        .run(&step(
            "walk to 52.5219,13.4132 in 2s\nwait 600ms\nlocation jump -33.8568,151.2153",
        ))
        .await
        .expect("jumped");
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(
        service.position(),
        Some(at((-33.8568, 151.2153))),
        "the jump stopped the walk"
    );

    runner
        .run(&step("location coarse\nlocation off"))
        .await
        .expect("switched");
    assert!(service.coarse());
    assert!(!service.available().await);
    runner
        .run(&step("location precise\nlocation on"))
        .await
        .expect("switched back");
    assert!(!service.coarse());
    assert!(service.available().await);
}
