//! What the location service knows, apart from the bus: the phone's position, the accuracy the
//! system allows, and each client with what it was last told. Deciding who hears about a new
//! position (started or not, distance threshold, accuracy) is plain code over this state.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use zbus::names::{OwnedUniqueName, UniqueName};
use zbus::OwnedObjectPath;

use super::Position;
use crate::bluez::owned_path;

/// GeoClue's accuracy levels (`GClueAccuracyLevel`), as sent on the bus.
pub(super) mod level {
    pub const COUNTRY: u32 = 1;
    pub const CITY: u32 = 4;
    pub const NEIGHBORHOOD: u32 = 5;
    pub const STREET: u32 = 6;
    pub const EXACT: u32 = 8;
}

/// A precise fix is good to this many metres.
pub const PRECISE_ACCURACY: f64 = 10.0;
/// A city-level fix is rounded to this many degrees (about a kilometre)…
const CITY_GRID: f64 = 0.01;
/// …and reported good to this many metres.
pub const CITY_ACCURACY: f64 = 2_000.0;

const CLIENTS: &str = "/org/freedesktop/GeoClue2/Client";

/// `/org/freedesktop/GeoClue2/Client/N`, as GeoClue numbers its clients (from 1).
pub(super) fn client_path(id: u32) -> OwnedObjectPath {
    owned_path(format!("{CLIENTS}/{id}"))
}

/// `/org/freedesktop/GeoClue2/Client/N/Location/M`: GeoClue puts each location under its client.
fn location_path(client: u32, index: u32) -> OwnedObjectPath {
    owned_path(format!("{CLIENTS}/{client}/Location/{index}"))
}

/// `/`, GeoClue's "no location yet".
pub(super) fn no_location() -> OwnedObjectPath {
    owned_path("/".to_owned())
}

/// Where the phone is, and how it moves.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fix {
    pub position: Position,
    /// Speed (m/s) and heading (degrees from north), while walking.
    pub motion: Option<(f64, f64)>,
    pub time: SystemTime,
}

impl Fix {
    pub fn still(position: Position) -> Self {
        Self {
            position,
            motion: None,
            time: SystemTime::now(),
        }
    }
}

/// One location as a client is told it: what a `Location` object's properties read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Reading {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy: f64,
    /// -1 when unknown, as in GeoClue.
    pub speed: f64,
    /// -1 when unknown, as in GeoClue.
    pub heading: f64,
    /// Seconds and microseconds since the epoch.
    pub timestamp: (u64, u64),
}

impl Reading {
    /// `fix` as a client at accuracy `level` sees it: above city level as it is, otherwise
    /// rounded to about a kilometre, with no speed or heading.
    fn at(fix: &Fix, level: u32) -> Self {
        let since = fix.time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let timestamp = (since.as_secs(), u64::from(since.subsec_micros()));
        let (latitude, longitude) = (fix.position.latitude(), fix.position.longitude());
        if level > level::CITY {
            let (speed, heading) = fix.motion.unwrap_or((-1.0, -1.0));
            return Self {
                latitude,
                longitude,
                accuracy: PRECISE_ACCURACY,
                speed,
                heading,
                timestamp,
            };
        }
        let round = |degrees: f64| (degrees / CITY_GRID).round() * CITY_GRID;
        Self {
            latitude: round(latitude),
            longitude: round(longitude),
            accuracy: CITY_ACCURACY,
            speed: -1.0,
            heading: -1.0,
            timestamp,
        }
    }
}

/// GeoClue's own clamp: at least country level, at most `max`, and a level that exists.
fn valid_level(requested: u32, max: u32) -> u32 {
    match requested.clamp(level::COUNTRY, max.max(level::COUNTRY)) {
        level @ (level::COUNTRY | level::CITY | level::NEIGHBORHOOD | level::STREET) => level,
        level::EXACT => level::EXACT,
        7 => level::STREET,
        _ => level::COUNTRY,
    }
}

/// A `Client` object's state.
#[derive(Debug)]
pub(super) struct Client {
    pub owner: OwnedUniqueName,
    pub desktop_id: String,
    pub distance_threshold: u32,
    /// Stored, as GeoClue does, but not acted on.
    pub time_threshold: u32,
    pub requested_level: u32,
    pub active: bool,
    /// The level granted at `Start`, before what the system allows.
    level: u32,
    /// The position (its sequence number) last considered for this client.
    considered: u64,
    last_sent: Option<Reading>,
    pub location: Option<OwnedObjectPath>,
    /// The location before, kept so a client can still read it right after being told.
    previous: Option<OwnedObjectPath>,
    locations_made: u32,
}

/// Why `Start` was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    NoDesktopId,
}

/// A location to export and announce to one client.
#[derive(Debug)]
pub(super) struct Update {
    pub client: OwnedObjectPath,
    pub owner: OwnedUniqueName,
    pub old: OwnedObjectPath,
    pub new: OwnedObjectPath,
    pub reading: Reading,
    /// A location object no one needs any more.
    pub retired: Option<OwnedObjectPath>,
}

/// Everything the service knows.
#[derive(Debug, Default)]
pub(super) struct State {
    pub position: Option<Fix>,
    pub coarse: bool,
    /// Counts positions (and restarts), so each client is considered once per position.
    sequence: u64,
    /// Counts walks: a walk goes on only while it is the latest thing that moved the phone.
    walk: u64,
    clients: BTreeMap<u32, Client>,
    last_client_id: u32,
}

impl State {
    /// GeoClue's `AvailableAccuracyLevel`: what the system lets applications have.
    pub fn available_level(&self) -> u32 {
        if self.coarse {
            level::CITY
        } else {
            level::EXACT
        }
    }

    /// GeoClue's `InUse`: some client is started.
    pub fn in_use(&self) -> bool {
        self.clients.values().any(|c| c.active)
    }

    /// The phone is at `fix` now; a walk in progress stops.
    pub fn move_to(&mut self, fix: Fix) {
        self.walk += 1;
        self.place(fix);
    }

    fn place(&mut self, fix: Fix) {
        self.position = Some(fix);
        self.sequence += 1;
    }

    /// A new walk begins (stopping any other): its number, and where it starts from.
    pub fn begin_walk(&mut self) -> (u64, Option<Position>) {
        self.walk += 1;
        (self.walk, self.position.map(|f| f.position))
    }

    /// One step of walk `walk`; false if something else has moved the phone since.
    pub fn walk_step(&mut self, walk: u64, fix: Fix) -> bool {
        if self.walk != walk {
            return false;
        }
        self.place(fix);
        true
    }

    /// The client `owner` already has, or a new one (`GetClient`): its id.
    pub fn client_for(&mut self, owner: &UniqueName<'_>, reuse: bool) -> (u32, bool) {
        if reuse {
            if let Some((id, _)) = self.clients.iter().find(|(_, c)| c.owner == *owner) {
                return (*id, false);
            }
        }
        self.last_client_id += 1;
        let id = self.last_client_id;
        self.clients.insert(
            id,
            Client {
                owner: owner.to_owned().into(),
                desktop_id: String::new(),
                distance_threshold: 0,
                time_threshold: 0,
                // GeoClue's default for a client that does not ask.
                requested_level: level::CITY,
                active: false,
                level: level::CITY,
                considered: 0,
                last_sent: None,
                location: None,
                previous: None,
                locations_made: 0,
            },
        );
        (id, true)
    }

    pub fn client(&self, id: u32) -> Option<&Client> {
        self.clients.get(&id)
    }

    pub fn client_mut(&mut self, id: u32) -> Option<&mut Client> {
        self.clients.get_mut(&id)
    }

    /// `Start`: whether the client was newly started (it then hears the current position).
    pub fn start(&mut self, id: u32) -> Result<bool, Refused> {
        let Some(client) = self.clients.get_mut(&id) else {
            return Ok(false);
        };
        if client.active {
            return Ok(false);
        }
        if client.desktop_id.is_empty() {
            return Err(Refused::NoDesktopId);
        }
        // What the system allows is applied to each fix (see `plan`), so `location coarse`
        // and `precise` take effect from the next position.
        client.level = valid_level(client.requested_level, level::EXACT);
        client.active = true;
        client.considered = 0;
        Ok(true)
    }

    /// `Stop`: whether the client was started.
    pub fn stop(&mut self, id: u32) -> bool {
        self.clients
            .get_mut(&id)
            .is_some_and(|c| std::mem::replace(&mut c.active, false))
    }

    /// Forgets the clients `which` picks: the object paths to take off the bus.
    pub fn remove_clients(&mut self, which: impl Fn(u32, &Client) -> bool) -> Vec<OwnedObjectPath> {
        let ids: Vec<u32> = self
            .clients
            .iter()
            .filter(|(id, client)| which(**id, client))
            .map(|(id, _)| *id)
            .collect();
        let mut paths = Vec::new();
        for id in ids {
            if let Some(client) = self.clients.remove(&id) {
                paths.extend(client.location);
                paths.extend(client.previous);
                paths.push(client_path(id));
            }
        }
        paths
    }

    /// The daemon stopped: every client is gone, and a restarted one numbers from 1 again.
    pub fn forget_clients(&mut self) {
        self.clients.clear();
        self.last_client_id = 0;
    }

    /// The locations to announce now: to each started client not yet told about the current
    /// position, unless it moved less than the client's distance threshold since it was last told.
    pub fn plan(&mut self) -> Vec<Update> {
        let Some(fix) = self.position else {
            return Vec::new();
        };
        let (sequence, available) = (self.sequence, self.available_level());
        let mut updates = Vec::new();
        for (id, client) in &mut self.clients {
            if !client.active || client.considered == sequence {
                continue;
            }
            client.considered = sequence;
            let reading = Reading::at(&fix, client.level.min(available));
            let threshold = f64::from(client.distance_threshold);
            if client
                .last_sent
                .is_some_and(|last| distance(&last, &reading) < threshold)
            {
                continue;
            }
            let new = location_path(*id, client.locations_made);
            client.locations_made = client.locations_made.wrapping_add(1);
            let old = client.location.replace(new.clone());
            let retired = std::mem::replace(&mut client.previous, old.clone());
            client.last_sent = Some(reading);
            updates.push(Update {
                client: client_path(*id),
                owner: client.owner.clone(),
                old: old.unwrap_or_else(no_location),
                new,
                reading,
                retired,
            });
        }
        updates
    }
}

const EARTH_RADIUS: f64 = 6_371_008.8;

/// Great-circle distance in metres.
pub(super) fn metres_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let (dlat, dlon) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * h.sqrt().clamp(0.0, 1.0).asin()
}

/// The initial bearing from `a` to `b`, in degrees from north (0 to 360).
pub(super) fn heading(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlon = (b.1 - a.1).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

fn distance(a: &Reading, b: &Reading) -> f64 {
    metres_between((a.latitude, a.longitude), (b.latitude, b.longitude))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(latitude: f64, longitude: f64) -> Fix {
        Fix::still(Position::new(latitude, longitude).expect("a valid position"))
    }

    fn peer() -> UniqueName<'static> {
        UniqueName::try_from(":1.42").expect("a unique name")
    }

    /// A started client of `peer` asking for `level`, with `threshold` metres.
    fn started(state: &mut State, level: u32, threshold: u32) -> u32 {
        let (id, _) = state.client_for(&peer(), false);
        let client = state.client_mut(id).expect("the client");
        client.desktop_id = "app.steward.home".into();
        client.requested_level = level;
        client.distance_threshold = threshold;
        assert_eq!(state.start(id), Ok(true));
        id
    }

    #[test]
    fn levels_are_clamped_as_geoclue_does() {
        assert_eq!(valid_level(0, level::EXACT), level::COUNTRY);
        assert_eq!(valid_level(3, level::EXACT), level::COUNTRY);
        assert_eq!(valid_level(7, level::EXACT), level::STREET);
        assert_eq!(valid_level(99, level::EXACT), level::EXACT);
        assert_eq!(valid_level(level::EXACT, level::CITY), level::CITY);
    }

    #[test]
    fn distances_and_headings_are_right() {
        // Alexanderplatz to the Brandenburg Gate: about 2.4 km, heading west.
        let (alex, gate) = ((52.5219, 13.4132), (52.5163, 13.3777));
        let d = metres_between(alex, gate);
        assert!((2_300.0..2_600.0).contains(&d), "{d}");
        let h = heading(alex, gate);
        assert!((240.0..270.0).contains(&h), "{h}");
        assert!(metres_between(alex, alex) < 1e-6);
    }

    #[test]
    fn a_client_hears_each_position_once_and_only_when_started() {
        let mut state = State::default();
        state.move_to(at(52.5219, 13.4132));
        let (id, created) = state.client_for(&peer(), true);
        assert!(created);
        assert_eq!(
            state.client_for(&peer(), true),
            (id, false),
            "GetClient reuses"
        );
        assert!(state.plan().is_empty(), "not started");
        assert_eq!(state.start(id), Err(Refused::NoDesktopId));
        state.client_mut(id).expect("client").desktop_id = "app.steward.home".into();
        assert_eq!(state.start(id), Ok(true));
        let first = state.plan();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].old, no_location());
        assert_eq!(
            first[0].new.as_str(),
            "/org/freedesktop/GeoClue2/Client/1/Location/0"
        );
        assert!(state.plan().is_empty(), "told once");
        state.move_to(at(52.53, 13.42));
        let second = state.plan();
        assert_eq!(second[0].old, first[0].new);
        assert_eq!(second[0].retired, None);
        state.move_to(at(52.54, 13.43));
        assert_eq!(state.plan()[0].retired, Some(first[0].new.clone()));
    }

    #[test]
    fn the_distance_threshold_holds_back_small_moves() {
        let mut state = State::default();
        started(&mut state, level::EXACT, 500);
        state.move_to(at(52.5219, 13.4132));
        assert_eq!(state.plan().len(), 1, "the first fix always goes out");
        state.move_to(at(52.5229, 13.4132)); // about 110 m north
        assert!(state.plan().is_empty());
        state.move_to(at(52.5269, 13.4132)); // about 550 m from the last one told
        assert_eq!(state.plan().len(), 1);
    }

    #[test]
    fn coarse_or_city_level_rounds_and_widens_the_accuracy() {
        let mut state = State::default();
        state.move_to(at(52.5219, 13.4132));
        started(&mut state, level::EXACT, 0);
        let precise = state.plan()[0].reading;
        assert_eq!(
            (precise.latitude, precise.accuracy),
            (52.5219, PRECISE_ACCURACY)
        );
        state.coarse = true;
        state.move_to(at(52.5219, 13.4132));
        let coarse = state.plan()[0].reading;
        assert!((coarse.latitude - 52.52).abs() < 1e-9, "{coarse:?}");
        assert!((coarse.longitude - 13.41).abs() < 1e-9, "{coarse:?}");
        assert_eq!(coarse.accuracy, CITY_ACCURACY);
        // A client that asks for nothing gets GeoClue's default, city level.
        let mut state = State::default();
        state.move_to(at(52.5219, 13.4132));
        let (id, _) = state.client_for(&peer(), false);
        state.client_mut(id).expect("client").desktop_id = "x".into();
        assert_eq!(state.start(id), Ok(true));
        assert_eq!(state.plan()[0].reading.accuracy, CITY_ACCURACY);
    }

    #[test]
    fn a_newer_move_stops_a_walk() {
        let mut state = State::default();
        state.move_to(at(1.0, 1.0));
        let (walk, from) = state.begin_walk();
        assert_eq!(from, Some(Position::new(1.0, 1.0).expect("valid")));
        assert!(state.walk_step(walk, at(1.5, 1.5)));
        state.move_to(at(9.0, 9.0));
        assert!(!state.walk_step(walk, at(2.0, 2.0)));
        assert_eq!(state.position.map(|f| f.position.latitude()), Some(9.0));
    }

    #[test]
    fn removing_a_client_takes_its_locations_along() {
        let mut state = State::default();
        state.move_to(at(1.0, 1.0));
        let id = started(&mut state, level::EXACT, 0);
        state.plan();
        state.move_to(at(2.0, 2.0));
        state.plan();
        let gone = state.remove_clients(|_, c| c.owner == peer());
        assert_eq!(gone.len(), 3, "{gone:?}");
        assert!(state.client(id).is_none());
        assert!(!state.in_use());
    }
}
