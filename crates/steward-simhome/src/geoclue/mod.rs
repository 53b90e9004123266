//! The desktop's location service, GeoClue2 (`org.freedesktop.GeoClue2`), on the home's private
//! system bus, with the phone's position scripted: set, walked along a straight line, made
//! coarse, or the whole service stopped and restarted. The app's Linux location path talks to
//! it exactly as to the real daemon, so what it does with a position is tested end to end.
//!
//! Like GeoClue, a client must set `DesktopId` before `Start`, gets city-level positions unless
//! it sets `RequestedAccuracyLevel` (8 for exact), hears each new position as a new `Location`
//! object and `LocationUpdated(old, new)`, and only when it moved at least `DistanceThreshold`
//! metres. It must never claim the name on any bus but the one it was given, and never reads a
//! real position: every position comes from a script or a test.

mod objects;
mod state;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use tokio::task::JoinHandle;
use zbus::names::BusName;
use zbus::Connection;

use objects::{deliver, Manager, MANAGER_PATH};
use state::{Fix, State};

/// The well-known name GeoClue owns on the system bus.
pub const NAME: &str = "org.freedesktop.GeoClue2";

/// How often a walk reports a new position.
const WALK_STEP: Duration = Duration::from_millis(500);

/// A place on Earth: latitude within ±90°, longitude within ±180°, both finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    latitude: f64,
    longitude: f64,
}

// Both coordinates are finite numbers (checked in `new`), so equality is an equivalence.
impl Eq for Position {}

impl Position {
    /// A position, if the coordinates are on Earth.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, LocationError> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(LocationError::Latitude(latitude));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(LocationError::Longitude(longitude));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }

    pub fn latitude(&self) -> f64 {
        self.latitude
    }

    pub fn longitude(&self) -> f64 {
        self.longitude
    }

    fn pair(self) -> (f64, f64) {
        (self.latitude, self.longitude)
    }

    /// The point `share` (0 to 1) of the way to `to`, interpolating latitude and longitude.
    fn toward(self, to: Self, share: f64) -> Self {
        let along = |a: f64, b: f64| a + (b - a) * share;
        Self {
            latitude: along(self.latitude, to.latitude).clamp(-90.0, 90.0),
            longitude: along(self.longitude, to.longitude).clamp(-180.0, 180.0),
        }
    }
}

/// What the location service refused.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
    #[error("the phone has no position to walk from yet (set one with `location LAT,LON`)")]
    NowhereToWalkFrom,
    #[error("GeoClue could not be served: {0}")]
    Bus(#[from] zbus::Error),
}

/// What the D-Bus objects share with the service.
struct Shared {
    state: Mutex<State>,
    /// Held while locations are delivered, so each client hears them in order.
    delivering: tokio::sync::Mutex<()>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The daemon while it runs: its connection, and the watch that forgets vanished clients.
struct Serving {
    connection: Connection,
    watcher: JoinHandle<()>,
}

struct Inner {
    address: String,
    shared: Arc<Shared>,
    serving: tokio::sync::Mutex<Option<Serving>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(serving) = self.serving.get_mut().take() {
            serving.watcher.abort();
        }
    }
}

impl Inner {
    async fn connection(&self) -> Option<Connection> {
        self.serving
            .lock()
            .await
            .as_ref()
            .map(|s| s.connection.clone())
    }

    async fn deliver(&self) {
        if let Some(connection) = self.connection().await {
            deliver(&self.shared, &connection).await;
        }
    }
}

/// The simulated GeoClue2 service; it leaves the bus when dropped.
pub struct LocationService {
    inner: Arc<Inner>,
}

impl LocationService {
    /// Serves `org.freedesktop.GeoClue2` on the bus at `address` (the home's system bus), with
    /// no position yet and precise location allowed.
    pub async fn start(address: &str) -> zbus::Result<Self> {
        let service = Self {
            inner: Arc::new(Inner {
                address: address.to_owned(),
                shared: Arc::new(Shared {
                    state: Mutex::new(State::default()),
                    delivering: tokio::sync::Mutex::new(()),
                }),
                serving: tokio::sync::Mutex::new(None),
            }),
        };
        service.set_available(true).await?;
        Ok(service)
    }

    /// Where the phone is (as precisely as the script said), if anywhere yet.
    pub fn position(&self) -> Option<Position> {
        self.inner.shared.state().position.map(|f| f.position)
    }

    /// The phone is at `position` now (accuracy 10 m); a walk in progress stops. Returns once
    /// every started client has been told.
    pub async fn set(&self, position: Position) {
        self.inner.shared.state().move_to(Fix::still(position));
        self.inner.deliver().await;
    }

    /// The phone walks in a straight line from where it is to `to`, reporting a position every
    /// 500 ms and arriving after `duration`, in the background; a later `set` or `walk` stops
    /// it where it is.
    pub fn walk(&self, to: Position, duration: Duration) -> Result<(), LocationError> {
        let (walk, from) = self.inner.shared.state().begin_walk();
        let from = from.ok_or(LocationError::NowhereToWalkFrom)?;
        tokio::spawn(walk_along(
            Arc::downgrade(&self.inner),
            walk,
            from,
            to,
            duration,
        ));
        Ok(())
    }

    /// Starts (`true`) or stops the service, as when the daemon starts or stops: stopped, it
    /// gives up its name and every client and location object; restarted, it is fresh (no
    /// clients) and knows the last position.
    pub async fn set_available(&self, available: bool) -> zbus::Result<()> {
        let mut serving = self.inner.serving.lock().await;
        if available && serving.is_none() {
            self.inner.shared.state().forget_clients();
            *serving = Some(serve(&self.inner.address, &self.inner.shared).await?);
        } else if !available {
            if let Some(Serving {
                connection,
                watcher,
            }) = serving.take()
            {
                watcher.abort();
                if let Err(error) = connection.release_name(NAME).await {
                    tracing::warn!(%error, "could not release {NAME}");
                }
                if let Err(error) = connection.close().await {
                    tracing::warn!(%error, "could not close the GeoClue connection");
                }
                self.inner.shared.state().forget_clients();
            }
        }
        Ok(())
    }

    /// Whether the service is running (`location on`).
    pub async fn available(&self) -> bool {
        self.inner.serving.lock().await.is_some()
    }

    /// The system allows only city-level location (`true`: positions rounded to about a
    /// kilometre, accuracy 2 km) or precise location. Takes effect from the next position.
    pub async fn set_coarse(&self, coarse: bool) {
        self.inner.shared.state().coarse = coarse;
        if let Some(connection) = self.inner.connection().await {
            if let Err(error) = objects::accuracy_changed(connection.object_server()).await {
                tracing::warn!(%error, "could not signal the available accuracy");
            }
        }
    }

    /// Whether only city-level location is allowed.
    pub fn coarse(&self) -> bool {
        self.inner.shared.state().coarse
    }
}

/// Claims the name with a fresh manager, and forgets the clients of peers that leave the bus.
async fn serve(address: &str, shared: &Arc<Shared>) -> zbus::Result<Serving> {
    let manager = Manager {
        shared: Arc::clone(shared),
    };
    let connection = zbus::connection::Builder::address(address)
        .serve_at(MANAGER_PATH, manager)
        .name(NAME)
        .build()
        .await?;
    let mut departures = zbus::fdo::DBusProxy::new(&connection)
        .await?
        .receive_name_owner_changed()
        .await?;
    let (shared, watching) = (Arc::clone(shared), connection.clone());
    let watcher = tokio::spawn(async move {
        while let Some(change) = departures.next().await {
            let Ok(args) = change.args() else { continue };
            let (BusName::Unique(peer), None) = (args.name(), args.new_owner().as_ref()) else {
                continue;
            };
            let gone = shared
                .state()
                .remove_clients(|_, c| c.owner.as_str() == peer.as_str());
            if !gone.is_empty() {
                let server = watching.object_server();
                objects::unexport(server, gone).await;
                if let Err(error) = objects::in_use_changed(server).await {
                    tracing::warn!(%error, "could not signal InUse");
                }
            }
        }
    });
    Ok(Serving {
        connection,
        watcher,
    })
}

/// A walk's steps; it stops when something else moves the phone or the service is dropped.
async fn walk_along(
    service: Weak<Inner>,
    walk: u64,
    from: Position,
    to: Position,
    duration: Duration,
) {
    let metres = state::metres_between(from.pair(), to.pair());
    let motion = (metres > 0.0 && !duration.is_zero()).then(|| {
        (
            metres / duration.as_secs_f64(),
            state::heading(from.pair(), to.pair()),
        )
    });
    // At most a day long (the scenario parser's limit), so the step count fits easily.
    let steps = u32::try_from(duration.as_millis().div_ceil(WALK_STEP.as_millis()))
        .unwrap_or(u32::MAX)
        .max(1);
    let start = tokio::time::Instant::now();
    for step in 1..=steps {
        tokio::time::sleep_until(start + duration.mul_f64(f64::from(step) / f64::from(steps)))
            .await;
        let position = if step == steps {
            to
        } else {
            from.toward(to, f64::from(step) / f64::from(steps))
        };
        let Some(inner) = service.upgrade() else {
            return;
        };
        let fix = Fix {
            position,
            motion,
            time: SystemTime::now(),
        };
        if !inner.shared.state().walk_step(walk, fix) {
            return;
        }
        inner.deliver().await;
    }
}
